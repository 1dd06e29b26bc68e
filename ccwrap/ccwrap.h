/* The pure part of ccwrap: turn the user's command line into the real
 * compiler's command line.  No I/O except through the callbacks. */
#ifndef CCWRAP_H
#define CCWRAP_H

#include "strvec.h"

enum ccwrap_lang { CCWRAP_LANG_C, CCWRAP_LANG_CXX, CCWRAP_LANG_CPP };

struct ccwrap_input {
	enum ccwrap_lang lang;
	int glibc;            /* glibc-sysroot flavour instead of musl */
	int default_pie;      /* the real gcc builds PIE by default */
	int argc;             /* user arguments, without argv[0] */
	char *const *argv;
	const char *top;      /* install dir: compiler and binutils */
	/* Environment overrides, NULL when unset. */
	const char *topdir;   /* CCWRAP_TOPDIR: headers and libraries */
	const char *cc;       /* CCWRAP_CC */
	const char *dynamic_linker; /* CCWRAP_DYNAMIC_LINKER */
	const char *sysroot;  /* CCWRAP_SYSROOT (glibc flavour) */
	/* Does path exist (file or directory)? */
	int (*exists)(const char *path, void *ctx);
	/* Contents of a response file, malloc'd, or NULL. */
	char *(*read_file)(const char *path, void *ctx);
	void *ctx;
};

enum ccwrap_action {
	CCWRAP_EXEC,  /* run argv */
	CCWRAP_PRINT, /* print text to stdout, exit 0 */
	CCWRAP_ERROR, /* print "ccwrap: text" to stderr, exit 1 */
};

struct ccwrap_result {
	enum ccwrap_action action;
	char **argv;         /* CCWRAP_EXEC: NULL-terminated */
	char *text;          /* CCWRAP_PRINT / CCWRAP_ERROR */
	struct strvec owned; /* everything above points into this */
	struct strvec args;  /* backing store of argv */
};

void ccwrap_rewrite(const struct ccwrap_input *in, struct ccwrap_result *res);
void ccwrap_result_free(struct ccwrap_result *res);

/* Language from the invoked name: "*++" is C++, "*cpp" the preprocessor. */
enum ccwrap_lang ccwrap_lang_from_name(const char *base);
/* Does this name select the glibc flavour ("<gnu-triplet>-...")?
 * Returns 1 for glibc, 0 for the musl triplet, -1 for neither. */
int ccwrap_flavour_from_name(const char *base);
/* argv as one shell-quoted line (for CCWRAP_DEBUG), malloc'd. */
char *ccwrap_shell_quote(char *const *argv);

#endif
