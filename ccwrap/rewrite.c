/* Build the real compiler's command line.  The link line follows gcc 12's
 * own specs for Linux (gcc -dumpspecs: startfile, endfile, libgcc,
 * link_gcc_c_sequence, and g++spec.cc for C++); see README.md. */
#include <stdarg.h>
#include <string.h>

#include "args.h"
#include "ccwrap.h"
#include "layout.h"
#include "rsp.h"

struct rw {
	const struct ccwrap_input *in;
	struct ccwrap_result *res;
	struct cmdline cl;
	struct layout lay;
	struct strvec args;  /* user arguments, response files expanded */
	int link;            /* this run links */
	int pie;             /* a position-independent executable */
	int static_link;     /* -static or -static-pie */
};

static char *own(struct rw *w, char *s)
{
	sv_push(&w->res->owned, s);
	return s;
}

static void emit(struct rw *w, const char *arg)
{
	sv_push(&w->res->args, (char *)arg);
}

static void emitf(struct rw *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void emitf(struct rw *w, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	emit(w, own(w, xvasprintf(fmt, va)));
	va_end(va);
}

static void emit_all(struct rw *w, const char *opt, const struct strvec *v)
{
	for (size_t i = 0; i < v->n; i++) {
		if (opt)
			emit(w, opt);
		emit(w, v->v[i]);
	}
}

/* The result is text (an answer or an error) instead of a command. */
static void set_text(struct rw *w, enum ccwrap_action action, const char *fmt,
		     va_list va)
{
	w->res->text = own(w, xvasprintf(fmt, va));
	w->res->action = action;
}

static int fail(struct rw *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct rw *w, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	set_text(w, CCWRAP_ERROR, fmt, va);
	va_end(va);
	return -1;
}

static int exists(struct rw *w, const char *path)
{
	return w->in->exists(path, w->in->ctx);
}

/* First dir/name that exists, or NULL. */
static const char *find_in(struct rw *w, const struct strvec *dirs,
			   const char *name)
{
	for (size_t i = 0; i < dirs->n; i++) {
		char *p = own(w, xasprintf("%s/%s", dirs->v[i], name));
		if (exists(w, p))
			return p;
	}
	return NULL;
}

static int not_found(struct rw *w, const char *what, const struct strvec *dirs)
{
	char *where = own(w, sv_join(dirs, ":"));

	return fail(w, "%s not found (looked in %s)", what, where);
}

static int emit_found(struct rw *w, const char *name)
{
	const char *p = find_in(w, &w->lay.libdirs, name);

	if (!p)
		return not_found(w, name, &w->lay.libdirs);
	emit(w, p);
	return 0;
}

static int is_cxx(const struct rw *w)
{
	return w->in->lang == CCWRAP_LANG_CXX;
}

/* gcc's *startfile spec: which crt1 variant, if any. */
static const char *crt1_name(const struct rw *w)
{
	const struct cmdline *cl = &w->cl;

	if (cl->shared)
		return NULL;
	if (cl->pg)
		return cl->static_pie ? "grcrt1.o" : "gcrt1.o";
	if (cl->is_static)
		return "crt1.o";
	if (cl->static_pie)
		return "rcrt1.o";
	return w->pie ? "Scrt1.o" : "crt1.o";
}

/* crtbegin/crtend flavour: T for -static (begin only), S for shared code. */
static const char *crt_suffix(const struct rw *w, int begin)
{
	const struct cmdline *cl = &w->cl;

	if (cl->is_static)
		return begin ? "T" : "";
	return cl->shared || cl->static_pie || w->pie ? "S" : "";
}

static int add_startfiles(struct rw *w)
{
	const char *crt1 = crt1_name(w);
	char *begin = own(w, xasprintf("crtbegin%s.o", crt_suffix(w, 1)));

	if (crt1 && emit_found(w, crt1))
		return -1;
	if (emit_found(w, "crti.o"))
		return -1;
	return emit_found(w, begin);
}

static int add_endfiles(struct rw *w)
{
	char *end = own(w, xasprintf("crtend%s.o", crt_suffix(w, 0)));

	if (emit_found(w, end))
		return -1;
	return emit_found(w, "crtn.o");
}

/* gcc's *libgcc spec, plus g++'s default of -shared-libgcc.  Without a
 * libgcc_s.so (gcc built --disable-shared) the static sequence is the only
 * one that can work; without libgcc_eh.a its contents are in libgcc.a. */
static void add_libgcc(struct rw *w)
{
	const struct cmdline *cl = &w->cl;
	int shared_libgcc = (cl->shared_libgcc || is_cxx(w)) && !cl->static_libgcc;

	if (w->static_link || cl->static_libgcc ||
	    !find_in(w, &w->lay.libdirs, "libgcc_s.so")) {
		emit(w, "-lgcc");
		if (find_in(w, &w->lay.libdirs, "libgcc_eh.a"))
			emit(w, "-lgcc_eh");
	} else if (shared_libgcc) {
		emit(w, "-lgcc_s");
		if (!cl->shared)
			emit(w, "-lgcc");
	} else {
		emit(w, "-lgcc");
		emit(w, "-Wl,--push-state,--as-needed");
		emit(w, "-lgcc_s");
		emit(w, "-Wl,--pop-state");
	}
}

/* gcc's GOMP_SELF_SPECS / LINK_COMMAND_SPEC condition for libgomp. */
static int uses_gomp(const struct cmdline *cl)
{
	return cl->openmp || cl->openacc || cl->parallel_loops > 1;
}

/* The option that made the link use libgomp, for messages. */
static const char *gomp_option(const struct cmdline *cl)
{
	if (cl->openmp)
		return "-fopenmp";
	return cl->openacc ? "-fopenacc" : "-ftree-parallelize-loops";
}

/* gcc's LINK_COMMAND_SPEC reads LIB.spec (libgomp.spec, libitm.spec) from
 * its startfile prefixes on every link with OPTION, -nostdlib or not, and
 * stops with "cannot read spec file" when it is not there. The moved
 * driver's own prefixes point nowhere, so the library dir that has it goes
 * to gcc as a -B prefix; without one, one line says which option needs
 * which library (a toolchain built without it). */
static int add_spec_dir(struct rw *w, const char *lib, const char *option)
{
	const char *spec = own(w, xasprintf("%s.spec", lib));
	const char *p = find_in(w, &w->lay.libdirs, spec);

	if (!p) {
		char *where = own(w, sv_join(&w->lay.libdirs, ":"));

		return fail(w, "%s needs %s: %s not found (looked in %s)",
			    option, lib, spec, where);
	}
	emitf(w, "-B%.*s/", (int)(strrchr(p, '/') - p), p);
	return 0;
}

/* The runtime libraries' spec files a link needs (see add_spec_dir). */
static int add_spec_dirs(struct rw *w)
{
	const struct cmdline *cl = &w->cl;

	if (uses_gomp(cl) && add_spec_dir(w, "libgomp", gomp_option(cl)))
		return -1;
	if (cl->gnu_tm && add_spec_dir(w, "libitm", "-fgnu-tm"))
		return -1;
	return 0;
}

/* gcc's *lib spec (libc part of link_gcc_c_sequence); GOMP_SELF_SPECS and
 * GTM_SELF_SPECS imply -pthread. */
static int add_libc(struct rw *w)
{
	const struct cmdline *cl = &w->cl;

	if (cl->nolibc)
		return 0;
	if (!find_in(w, &w->lay.libdirs, "libc.a") &&
	    (w->static_link || !find_in(w, &w->lay.libdirs, "libc.so")))
		return not_found(w, "libc", &w->lay.libdirs);
	if (cl->pthread || uses_gomp(cl) || cl->gnu_tm)
		emit(w, "-lpthread");
	emit(w, "-lc");
	return 0;
}

/* g++spec.cc appends -lstdc++ -lm to the inputs. */
static void add_cxx_libs(struct rw *w)
{
	const struct cmdline *cl = &w->cl;

	if (is_cxx(w) && !cl->nostdlibxx) {
		/* g++spec.cc: -static-libstdc++ only matters when linking
		 * dynamically. */
		int bstatic = cl->static_libstdcxx && !w->static_link;

		if (bstatic)
			emit(w, "-Wl,-Bstatic");
		emit(w, "-lstdc++");
		if (bstatic)
			emit(w, "-Wl,-Bdynamic");
		emit(w, "-lm");
	}
}

/* The libraries gcc's LINK_COMMAND_SPEC adds right after the inputs, even
 * with -nostdlib: libgomp.spec's -lgomp, libitm.spec's -litm, -lgcov.
 * The real gcc adds them too, but after ccwrap's crtn.o (its %o); these
 * copies put them where gcc would, before libc and the end files. */
static void add_driver_libs(struct rw *w)
{
	const struct cmdline *cl = &w->cl;

	if (uses_gomp(cl))
		emit(w, "-lgomp");
	if (cl->gnu_tm)
		emit(w, "-litm");
	if (cl->coverage || cl->profile_arcs || cl->profile_gen ||
	    cl->profile_gen_dir)
		emit(w, "-lgcov");
}

static int add_libs(struct rw *w)
{
	if (w->static_link) {
		emit(w, "-Wl,--start-group");
		add_libgcc(w);
		if (add_libc(w))
			return -1;
		emit(w, "-Wl,--end-group");
		return 0;
	}
	add_libgcc(w);
	if (add_libc(w))
		return -1;
	add_libgcc(w);
	return 0;
}

/* cpp's "cpp [in [out]]" convention (gcc's cppspec.cc): -x c for an input
 * with an unknown suffix, second input is the output, stdin by default. */
static int add_cpp_args(struct rw *w)
{
	const struct cmdline *cl = &w->cl;

	if (cl->cpp_bad)
		return fail(w, "'%s' is not a valid option to the preprocessor",
			    cl->cpp_bad);
	if (cl->nfiles > 2)
		return fail(w, "too many input files");
	for (size_t i = 0; i < w->args.n; i++) {
		const char *a = w->args.v[i];
		size_t len = strlen(a);

		if (cl->nfiles > 0 && (int)i == cl->file_idx[0] && cl->cpp_fixup &&
		    !args_cpp_known_suffix(a)) {
			emit(w, "-x");
			emit(w, len >= 2 && !strcmp(a + len - 2, ".s")
					? "assembler-with-cpp" : "c");
		}
		if (cl->nfiles > 1 && (int)i == cl->file_idx[1])
			emit(w, "-o");
		emit(w, a);
	}
	if (!cl->nfiles && !cl->saw_stdin)
		emit(w, "-");
	return 0;
}

static void add_includes(struct rw *w)
{
	const struct cmdline *cl = &w->cl;

	/* Informational runs don't compile anything. */
	if (cl->nostdinc || cl->query != Q_NONE)
		return;
	if ((is_cxx(w) || cl->cxx_input) && !cl->nostdincxx)
		emit_all(w, "-isystem", &w->lay.inc_cxx);
	emit_all(w, "-isystem", &w->lay.inc);
}

static int check_cc(struct rw *w)
{
	const char *cc = w->lay.cc;

	/* A bare name is looked up in $PATH by the caller. */
	if (strchr(cc, '/') && !exists(w, cc))
		return fail(w, "real compiler not found (looked in %s)", cc);
	return 0;
}

/* Everything the driver must not take from its build-time configuration. */
static void add_base(struct rw *w)
{
	emit(w, w->lay.cc);
	if (w->in->lang == CCWRAP_LANG_CPP && !w->cl.saw_E)
		emit(w, "-E");
	emitf(w, "-B%s/", w->lay.libexec);
	emitf(w, "-B%s/", w->lay.bindir);
	emitf(w, "--sysroot=%s", w->lay.ld_sysroot);
	emit(w, "-nostdinc");
	emit(w, "-nostdlib");
}

static int build(struct rw *w)
{
	const struct cmdline *cl = &w->cl;
	int exe = !cl->shared && !cl->relocatable;
	int startfiles, deflibs;

	w->link = !cl->no_link && cl->have_input && cl->query == Q_NONE &&
		  w->in->lang != CCWRAP_LANG_CPP;
	w->static_link = cl->is_static || cl->static_pie;
	w->pie = exe && !w->static_link &&
		 (cl->pie >= 0 ? cl->pie : w->in->default_pie);
	startfiles = w->link && !cl->nostdlib && !cl->nostartfiles &&
		     !cl->relocatable;
	deflibs = w->link && !cl->nostdlib && !cl->nodefaultlibs &&
		  !cl->relocatable;

	if (check_cc(w))
		return -1;
	add_base(w);
	if (w->link && add_spec_dirs(w))
		return -1;
	if (w->link && exe && !w->static_link) {
		/* Before the user's args, so their own -dynamic-linker wins. */
		emitf(w, "-Wl,-dynamic-linker,%s", w->lay.dynamic_linker);
		/* Must agree with the crt files picked below. */
		if (cl->pie < 0)
			emit(w, w->pie ? "-pie" : "-no-pie");
	}
	/* Without a linker plugin (the static toolchain's ld cannot load one)
	 * lto-wrapper does not learn that the output is an executable and
	 * keeps every global function interposable, which stops inlining
	 * across files. In an executable nothing can interpose them, so say
	 * so; before the user's args, so -fsemantic-interposition wins. */
	if (w->link && exe && cl->lto)
		emit(w, "-fno-semantic-interposition");
	if (startfiles && add_startfiles(w))
		return -1;
	if (w->in->lang == CCWRAP_LANG_CPP) {
		if (add_cpp_args(w))
			return -1;
	} else {
		emit_all(w, NULL, &w->args);
	}
	/* A trailing -x would make gcc compile crtend.o as source. */
	if (cl->x_active) {
		emit(w, "-x");
		emit(w, "none");
	}
	add_includes(w);
	if (w->link) {
		for (size_t i = 0; i < w->lay.libdirs.n; i++)
			emitf(w, "-L%s", w->lay.libdirs.v[i]);
		/* -Xlinker, not -Wl: a comma in the path must stay. */
		for (size_t i = 0; i < w->lay.rpath_link.n; i++) {
			emit(w, "-Xlinker");
			emit(w, "-rpath-link");
			emit(w, "-Xlinker");
			emit(w, w->lay.rpath_link.v[i]);
		}
	}
	if (deflibs)
		add_cxx_libs(w);
	if (deflibs || startfiles)
		add_driver_libs(w);
	if (deflibs && add_libs(w))
		return -1;
	if (startfiles && add_endfiles(w))
		return -1;
	return 0;
}

static void print(struct rw *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void print(struct rw *w, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	set_text(w, CCWRAP_PRINT, fmt, va);
	va_end(va);
}

static void print_found(struct rw *w, const struct strvec *dirs,
			const char *name)
{
	const char *p = find_in(w, dirs, name);

	print(w, "%s\n", p ? p : name);
}

/* Answers for the relocated layout that the moved driver would get wrong.
 * Returns 0 if the query is left to the real driver. */
static int answer(struct rw *w)
{
	const struct layout *l = &w->lay;

	switch (w->cl.query) {
	case Q_FILE_NAME:
		print_found(w, &l->libdirs, w->cl.query_arg);
		return 1;
	case Q_PROG_NAME:
		print_found(w, &l->progdirs, w->cl.query_arg);
		return 1;
	case Q_SEARCH_DIRS:
		print(w, "install: %s/\nprograms: =%s/\nlibraries: =%s/\n",
		      l->gcc_dir, own(w, sv_join(&l->progdirs, "/:")),
		      own(w, sv_join(&l->libdirs, "/:")));
		return 1;
	case Q_SYSROOT:
		print(w, "%s\n", l->sysroot);
		return 1;
	case Q_MACHINE:
		print(w, "%s\n", l->triplet);
		return 1;
	case Q_NONE:
	case Q_PASS:
		break;
	}
	return 0;
}

static char *read_none(const char *path, void *ctx)
{
	(void)path, (void)ctx;
	return NULL;
}

void ccwrap_rewrite(const struct ccwrap_input *in, struct ccwrap_result *res)
{
	struct rw w = { .in = in, .res = res };
	const char *err;
	char *msg;

	memset(res, 0, sizeof(*res));
	res->action = CCWRAP_EXEC;
	err = rsp_expand(in->argc, in->argv,
			 in->read_file ? in->read_file : read_none, in->ctx,
			 &w.args, &res->owned);
	if (err) {
		fail(&w, "%s", err);
	} else if ((msg = args_scan((int)w.args.n, w.args.v, &w.cl))) {
		fail(&w, "%s", own(&w, msg));
	} else {
		layout_init(&w.lay, in, &res->owned);
		if (!answer(&w))
			build(&w);
		layout_free(&w.lay);
	}
	sv_free(&w.args);
	if (res->action == CCWRAP_EXEC)
		res->argv = res->args.v;
}

void ccwrap_result_free(struct ccwrap_result *res)
{
	sv_free(&res->args);
	sv_free_all(&res->owned);
	res->argv = NULL;
	res->text = NULL;
}
