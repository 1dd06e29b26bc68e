/* Classify a (response-file expanded) gcc command line: which options
 * change what ccwrap adds, where the inputs are, which options take the
 * next argument as their value. */
#ifndef CCWRAP_ARGS_H
#define CCWRAP_ARGS_H

enum query {
	Q_NONE,
	Q_FILE_NAME,   /* -print-file-name=X, -print-libgcc-file-name */
	Q_PROG_NAME,   /* -print-prog-name=X */
	Q_SEARCH_DIRS, /* -print-search-dirs */
	Q_SYSROOT,     /* -print-sysroot */
	Q_MACHINE,     /* -dumpmachine */
	Q_PASS,        /* informational, the real driver answers it */
};

struct cmdline {
	int no_link;     /* -c -S -E -M -MM -fsyntax-only */
	int saw_E;
	int have_input;  /* files, "-", -l, -Wl, -Xlinker: gcc would link */
	int nostdinc, nostdincxx, nostdlib, nostartfiles, nodefaultlibs;
	int nolibc, nostdlibxx;
	int shared, is_static, static_pie, relocatable;
	int pie;         /* -1 unless -pie / -no-pie given */
	int pg, pthread;
	int lto;         /* the last of -flto[=N] / -fno-lto */
	/* gcc's LINK_COMMAND_SPEC adds -lgcov, -lgomp, -litm for these (last
	 * -fX / -fno-X wins), and its self specs add -pthread for the last
	 * three */
	int coverage, profile_arcs, profile_gen, profile_gen_dir;
	int openmp, openacc, parallel_loops, gnu_tm;
	int static_libgcc, shared_libgcc, static_libstdcxx;
	int saw_x, x_active; /* a -x other than none is in effect at the end */
	int cxx_input;       /* some input is C++ (suffix or -x c++) */
	enum query query;    /* the informational option gcc would answer */
	int query_rank;
	const char *query_arg;
	/* Input files for cpp mode's "cpp in out" convention. */
	int nfiles, file_idx[3], saw_stdin;
	int cpp_fixup;         /* no -x before the first input file */
	const char *cpp_bad;   /* first -c or -S, as spelled: cpp rejects it */
};

/* Returns NULL or an error message (malloc'd). */
char *args_scan(int argc, char *const *argv, struct cmdline *cl);

/* Suffixes cpp preprocesses without a -x (from gcc's cppspec.c). */
int args_cpp_known_suffix(const char *file);

#endif
