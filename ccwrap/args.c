#include "args.h"

#include <stddef.h>
#include <string.h>

#include "strvec.h"

/* Options whose value may be the next argument ("-o file", "-MF dep"). */
static const char *const separate_opts[] = {
	"-o", "-x", "-I", "-L", "-l", "-D", "-U", "-u", "-e", "-T", "-A", "-B",
	"-z", "-include", "-imacros", "-idirafter", "-iprefix", "-iwithprefix",
	"-iwithprefixbefore", "-isystem", "-isysroot", "-imultilib", "-iquote",
	"-imultiarch", "-MF", "-MT", "-MQ", "-Xlinker", "-Xassembler",
	"-Xpreprocessor", "-aux-info", "-dumpbase", "-dumpbase-ext", "-dumpdir",
	"-wrapper", "-Tbss", "-Tdata", "-Ttext", "--param", "--sysroot", NULL,
};

/* gcc's long spellings of options that matter here. */
static const struct { const char *lng, *shrt; } long_opts[] = {
	{ "--compile", "-c" }, { "--assemble", "-S" }, { "--preprocess", "-E" },
	{ "--output", "-o" }, { "--static", "-static" },
	{ "--shared", "-shared" }, { "--language", "-x" },
	{ "--library-directory", "-L" }, { "--include-directory", "-I" },
	{ "--include-directory-after", "-idirafter" },
	{ "--include-prefix", "-iprefix" },
	{ "--include-with-prefix", "-iwithprefix" },
	{ "--include-with-prefix-after", "-iwithprefix" },
	{ "--include-with-prefix-before", "-iwithprefixbefore" },
	{ "--for-linker", "-Xlinker" }, { "--for-assembler", "-Xassembler" },
	{ "--no-standard-includes", "-nostdinc" },
	{ "--no-standard-libraries", "-nostdlib" },
	{ "--dependencies", "-M" }, { "--user-dependencies", "-MM" },
	{ "--include", "-include" }, { "--imacros", "-imacros" },
	{ "--define-macro", "-D" }, { "--undefine-macro", "-U" },
	{ "--force-link", "-u" }, { "--entry", "-e" }, { "--prefix", "-B" },
	{ "--profile", "-p" }, { "--verbose", "-v" },
	{ "--print-file-name", "-print-file-name=" },
	{ "--print-prog-name", "-print-prog-name=" },
	{ "--print-libgcc-file-name", "-print-libgcc-file-name" },
	{ "--print-search-dirs", "-print-search-dirs" },
	{ "--dumpmachine", "-dumpmachine" },
};

/* Options that just set one flag. */
#define F(name, field, v) { name, offsetof(struct cmdline, field), v }
static const struct { const char *name; size_t off; int val; } flag_opts[] = {
	F("-c", no_link, 1), F("-S", no_link, 1), F("-M", no_link, 1),
	F("-MM", no_link, 1), F("-fsyntax-only", no_link, 1),
	F("-nostdinc", nostdinc, 1), F("-nostdinc++", nostdincxx, 1),
	F("-nostdlib", nostdlib, 1), F("-nostartfiles", nostartfiles, 1),
	F("-nodefaultlibs", nodefaultlibs, 1), F("-nolibc", nolibc, 1),
	F("-nostdlib++", nostdlibxx, 1), F("-shared", shared, 1),
	F("-static", is_static, 1), F("-static-pie", static_pie, 1),
	F("-r", relocatable, 1), F("-pie", pie, 1), F("-no-pie", pie, 0),
	F("-pg", pg, 1), F("-p", pg, 1), F("-profile", pg, 1),
	F("--coverage", gcov, 1), F("-fprofile-arcs", gcov, 1),
	F("-fprofile-generate", gcov, 1), F("-pthread", pthread, 1),
	F("-static-libgcc", static_libgcc, 1),
	F("-shared-libgcc", shared_libgcc, 1),
	F("-static-libstdc++", static_libstdcxx, 1),
};
#undef F

/* Informational options: the first one seen decides what ccwrap does. */
static const struct { const char *name; enum query q; int prefix; } queries[] = {
	{ "-print-file-name=", Q_FILE_NAME, 1 },
	{ "-print-prog-name=", Q_PROG_NAME, 1 },
	{ "-print-libgcc-file-name", Q_LIBGCC, 0 },
	{ "-print-search-dirs", Q_SEARCH_DIRS, 0 },
	{ "-print-sysroot", Q_SYSROOT, 0 },
	{ "-dumpmachine", Q_MACHINE, 0 },
	{ "-print-", Q_PASS, 1 },
	{ "--version", Q_PASS, 0 },
	{ "--help", Q_PASS, 1 },
	{ "--target-help", Q_PASS, 0 },
	{ "-dumpversion", Q_PASS, 0 },
	{ "-dumpfullversion", Q_PASS, 0 },
	{ "-dumpspecs", Q_PASS, 0 },
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int starts(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

static int takes_separate(const char *opt)
{
	for (const char *const *p = separate_opts; *p; p++)
		if (!strcmp(opt, *p))
			return 1;
	return 0;
}

/* Map "--long[=val]" to its short name; *val gets the "=" part.  Names
 * are compared up to the '=' so "--output=x" works as well as "--output x". */
static const char *canonical(const char *arg, const char **val)
{
	const char *eq = strchr(arg, '=');
	size_t len = eq ? (size_t)(eq - arg) : strlen(arg);

	if (arg[1] != '-')
		return arg;
	for (size_t i = 0; i < COUNT(long_opts); i++)
		if (strlen(long_opts[i].lng) == len &&
		    !strncmp(arg, long_opts[i].lng, len)) {
			*val = eq ? eq + 1 : NULL;
			return long_opts[i].shrt;
		}
	return arg;
}

static void note_query(struct cmdline *cl, const char *opt, const char *val)
{
	for (size_t i = 0; i < COUNT(queries) && cl->query == Q_NONE; i++) {
		const char *name = queries[i].name;
		size_t len = strlen(name);

		if (queries[i].prefix ? starts(opt, name) : !strcmp(opt, name)) {
			cl->query = queries[i].q;
			/* "--print-file-name=x" arrives as opt "-print-file-name="
			 * plus val "x" */
			cl->query_arg = opt[len] || !val ? opt + len : val;
		}
	}
}

static int has_suffix(const char *s, const char *const *list, size_t n)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(list[i]);
		if (len >= l && !strcmp(s + len - l, list[i]))
			return 1;
	}
	return 0;
}

static void note_language(struct cmdline *cl, const char *lang)
{
	cl->saw_x = 1;
	cl->x_active = strcmp(lang, "none") != 0;
	if (starts(lang, "c++"))
		cl->cxx_input = 1;
}

static void note_file(struct cmdline *cl, int i, const char *arg)
{
	static const char *const cxx[] = {
		".cc", ".cp", ".cxx", ".cpp", ".CPP", ".c++", ".C", ".ii",
	};

	cl->have_input = 1;
	if (!cl->x_active && has_suffix(arg, cxx, COUNT(cxx)))
		cl->cxx_input = 1;
	if (!strcmp(arg, "-"))
		cl->saw_stdin = 1;
	else if (cl->nfiles < 3)
		cl->file_idx[cl->nfiles++] = i;
	else
		cl->nfiles++;
}

/* One option with its value (joined or separate) already split off. */
static void note_option(struct cmdline *cl, const char *opt, const char *val)
{
	for (size_t i = 0; i < COUNT(flag_opts); i++)
		if (!strcmp(opt, flag_opts[i].name)) {
			*(int *)((char *)cl + flag_opts[i].off) = flag_opts[i].val;
			return;
		}
	if (!strcmp(opt, "-E")) {
		cl->no_link = cl->saw_E = 1;
	} else if (!strcmp(opt, "-x")) {
		note_language(cl, val ? val : "");
	} else if (starts(opt, "-x") && opt[2]) {
		note_language(cl, opt + 2);
	} else if (starts(opt, "-l") || starts(opt, "-Wl,") ||
		   !strcmp(opt, "-Xlinker")) {
		cl->have_input = 1;
	} else if (starts(opt, "-fprofile-generate=")) {
		cl->gcov = 1;
	} else {
		note_query(cl, opt, val);
	}
}

char *args_scan(int argc, char *const *argv, struct cmdline *cl)
{
	memset(cl, 0, sizeof(*cl));
	cl->pie = -1;
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i], *val = NULL, *opt;

		if (arg[0] != '-' || !arg[1]) {
			note_file(cl, i, arg);
			continue;
		}
		opt = canonical(arg, &val);
		if (!val && takes_separate(opt)) {
			if (i + 1 >= argc)
				return xasprintf("missing argument to '%s'",
						 arg);
			val = argv[++i];
		}
		note_option(cl, opt, val);
	}
	return NULL;
}

int args_cpp_known_suffix(const char *file)
{
	static const char *const known[] = {
		".c", ".C", ".S", ".m", ".cc", ".cxx", ".cpp", ".cp", ".c++",
		".sx",
	};

	return has_suffix(file, known, COUNT(known));
}
