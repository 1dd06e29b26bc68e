#include "args.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "strvec.h"

/* Options whose value may be the next argument ("-o file", "-MF dep"):
 * the "Separate" options of gcc 12's common.opt and c-family/c.opt.  Long
 * spellings not mapped in long_opts are listed as they are. */
static const char *const separate_opts[] = {
	"-o", "-x", "-I", "-L", "-l", "-D", "-U", "-u", "-e", "-T", "-A", "-B",
	"-z", "-R", "-h", "-F", "-include", "-imacros", "-idirafter",
	"-iprefix", "-iwithprefix", "-iwithprefixbefore", "-isystem",
	"-isysroot", "-imultilib", "-iquote", "-imultiarch", "-MF", "-MT",
	"-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor", "-aux-info",
	"-dumpbase", "-dumpbase-ext", "-dumpdir", "-wrapper", "-Tbss", "-Tdata",
	"-Ttext", "-specs", "--param", "--sysroot", "--specs", "--dump",
	"--dumpbase", "--dumpbase-ext", "--dumpdir", "--assert",
	"--output-pch=", "--print-file-name", "--print-prog-name", NULL,
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
	F("--coverage", coverage, 1), F("-fprofile-arcs", profile_arcs, 1),
	F("-fno-profile-arcs", profile_arcs, 0),
	F("-fprofile-generate", profile_gen, 1),
	F("-fno-profile-generate", profile_gen, 0),
	F("-fopenmp", openmp, 1), F("-fno-openmp", openmp, 0),
	F("-fopenacc", openacc, 1), F("-fno-openacc", openacc, 0),
	F("-fgnu-tm", gnu_tm, 1), F("-fno-gnu-tm", gnu_tm, 0),
	F("-flto", lto, 1), F("-fno-lto", lto, 0),
	F("-pthread", pthread, 1),
	F("-static-libgcc", static_libgcc, 1),
	F("-shared-libgcc", shared_libgcc, 1),
	F("-static-libstdc++", static_libstdcxx, 1),
};
#undef F

/* Informational options, in gcc 12's order of precedence (gcc.cc): the
 * -dump* options exit while the command line is read, so the first of
 * them wins; then maybe_print_and_exit() tries -print-search-dirs,
 * -print-file-name (the last one given; -print-libgcc-file-name is one),
 * -print-prog-name (the last one), ..., -print-sysroot, ..., --help and
 * --version.  rank: lower wins; RANK_DUMP: first wins; last: last wins. */
#define RANK_DUMP 0
static const struct {
	const char *name;
	enum query q;
	int prefix, rank, last;
} queries[] = {
	{ "-dumpmachine", Q_MACHINE, 0, RANK_DUMP, 0 },
	{ "-dumpversion", Q_PASS, 0, RANK_DUMP, 0 },
	{ "-dumpfullversion", Q_PASS, 0, RANK_DUMP, 0 },
	{ "-dumpspecs", Q_PASS, 0, RANK_DUMP, 0 },
	{ "-print-search-dirs", Q_SEARCH_DIRS, 0, 1, 0 },
	{ "-print-file-name=", Q_FILE_NAME, 1, 2, 1 },
	{ "-print-libgcc-file-name", Q_FILE_NAME, 0, 2, 1 },
	{ "-print-prog-name=", Q_PROG_NAME, 1, 3, 1 },
	{ "-print-multi-lib", Q_PASS, 0, 4, 0 },
	{ "-print-multi-directory", Q_PASS, 0, 5, 0 },
	{ "-print-multiarch", Q_PASS, 0, 6, 0 },
	{ "-print-sysroot", Q_SYSROOT, 0, 7, 0 },
	{ "-print-multi-os-directory", Q_PASS, 0, 8, 0 },
	{ "-print-sysroot-headers-suffix", Q_PASS, 0, 9, 0 },
	{ "--help", Q_PASS, 1, 10, 0 },
	{ "--target-help", Q_PASS, 0, 10, 0 },
	{ "--version", Q_PASS, 0, 11, 0 },
	{ "-print-", Q_PASS, 1, 12, 0 }, /* unknown: the driver complains */
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
	for (size_t i = 0; i < COUNT(queries); i++) {
		const char *name = queries[i].name;
		size_t len = strlen(name);
		int rank = queries[i].rank;

		if (queries[i].prefix ? !starts(opt, name) : strcmp(opt, name))
			continue;
		if (cl->query == Q_NONE || rank < cl->query_rank ||
		    (rank == cl->query_rank && queries[i].last)) {
			cl->query = queries[i].q;
			cl->query_rank = rank;
			/* "--print-file-name=x" arrives as opt
			 * "-print-file-name=" plus val "x" */
			if (queries[i].prefix)
				cl->query_arg = opt[len] || !val ? opt + len : val;
			else if (queries[i].q == Q_FILE_NAME)
				cl->query_arg = "libgcc.a"; /* gcc.cc does that */
			else
				cl->query_arg = NULL;
		}
		return;
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
	/* cppspec.cc adds -x c only before a -x (in command-line order) */
	if (!cl->nfiles && strcmp(arg, "-") && !cl->saw_x)
		cl->cpp_fixup = 1;
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
		/* gcc's %{fprofile-generate*}: no -fno- form cancels this */
		cl->profile_gen_dir = 1;
	} else if (starts(opt, "-flto=")) {
		cl->lto = 1;
	} else if (starts(opt, "-ftree-parallelize-loops=")) {
		/* gcc's %:gt(%{ftree-parallelize-loops=*:%*} 1): the last one */
		cl->parallel_loops = atoi(opt + 25);
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
		/* cppspec.cc rejects these; remember the first as spelled */
		if (!cl->cpp_bad && (!strcmp(opt, "-c") || !strcmp(opt, "-S")))
			cl->cpp_bad = arg;
		if (!val && (takes_separate(opt) || takes_separate(arg))) {
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
