#include "layout.h"

#include <stdarg.h>

#include "config.h"

struct ctx {
	const struct ccwrap_input *in;
	struct strvec *pool;
};

static const char *path(struct ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *path(struct ctx *c, const char *fmt, ...)
{
	va_list va;

	va_start(va, fmt);
	sv_push(c->pool, xvasprintf(fmt, va));
	va_end(va);
	return c->pool->v[c->pool->n - 1];
}

static int exists(struct ctx *c, const char *p)
{
	return c->in->exists(p, c->in->ctx);
}

/* Add dir to v only if it exists: for layouts with optional parts. */
static void add_existing(struct ctx *c, struct strvec *v, const char *dir)
{
	if (exists(c, dir))
		sv_push(v, (char *)dir);
}

static void common(struct layout *l, struct ctx *c, const char *lib_top)
{
	const char *top = c->in->top;

	l->libexec = path(c, "%s/libexec/gcc/%s/%s", top, CCWRAP_TRIPLET,
			  CCWRAP_GCC_VERSION);
	l->bindir = path(c, "%s/%s/bin", top, CCWRAP_TRIPLET);
	l->gcc_dir = path(c, "%s/lib/gcc/%s/%s", lib_top, CCWRAP_TRIPLET,
			  CCWRAP_GCC_VERSION);
	l->cc = c->in->cc ? c->in->cc
			  : path(c, "%s/libexec/ccwrap/%s", top,
				 c->in->lang == CCWRAP_LANG_CXX ? "g++"
								: "gcc");
	sv_push(&l->progdirs, (char *)l->libexec);
	sv_push(&l->progdirs, (char *)l->bindir);
}

/* gcc's musl INCLUDE_DEFAULTS (gcc/config/linux.h): C++, libc, then gcc's
 * own include dir last; include-fixed is not searched for musl. */
static void musl(struct layout *l, struct ctx *c, const char *lib_top)
{
	const char *sys = path(c, "%s/%s", lib_top, CCWRAP_TRIPLET);
	const char *cxx = path(c, "%s/include/c++/%s", sys, CCWRAP_GCC_VERSION);

	l->sysroot = l->ld_sysroot = sys;
	l->triplet = CCWRAP_TRIPLET;
	l->dynamic_linker = CCWRAP_DYNAMIC_LINKER;
	sv_push(&l->inc_cxx, (char *)cxx);
	sv_push(&l->inc_cxx, (char *)path(c, "%s/%s", cxx, CCWRAP_TRIPLET));
	sv_push(&l->inc_cxx, (char *)path(c, "%s/backward", cxx));
	sv_push(&l->inc, (char *)path(c, "%s/include", sys));
	sv_push(&l->inc, (char *)path(c, "%s/include", l->gcc_dir));
	sv_push(&l->libdirs, (char *)l->gcc_dir);
	sv_push(&l->libdirs, (char *)path(c, "%s/lib", sys));
}

/* The glibc flavour's runtime (the glibc-runtime stage, extracted beside
 * bin/): C++ headers, libgomp's headers (omp.h) in include/, and libgcc,
 * start files, a static libstdc++ and libgomp (and libgomp.spec) built
 * against glibc, searched before the musl ones in gcc_dir. Optional: C
 * works without it, with the musl build's libgcc. */
static void glibc_runtime(struct layout *l, struct ctx *c,
			  const char *lib_top)
{
	const char *rt = path(c, "%s/sysroot-runtime", lib_top);
	const char *cxx = path(c, "%s/include/c++/%s", rt, CCWRAP_GCC_VERSION);

	add_existing(c, &l->inc_cxx, cxx);
	add_existing(c, &l->inc_cxx, path(c, "%s/%s", cxx, CCWRAP_GNU_TRIPLET));
	add_existing(c, &l->inc_cxx, path(c, "%s/backward", cxx));
	add_existing(c, &l->inc, path(c, "%s/include", rt));
	add_existing(c, &l->libdirs, path(c, "%s/lib", rt));
}

/* Debian multiarch sysroot (usr/include/<triplet>, lib/<triplet>) or the
 * flat layout of Debian's libc6-dev-*-cross (include, lib): use whichever
 * candidate dirs exist, in gcc's glibc order (gcc headers before libc). */
static void glibc(struct layout *l, struct ctx *c, const char *lib_top)
{
	const char *sys = c->in->sysroot
				  ? c->in->sysroot
				  : path(c, "%s/sysroot/%s", lib_top,
					 CCWRAP_GNU_TRIPLET);
	const char *multiarch_lib = path(c, "%s/lib/%s", sys, CCWRAP_GNU_TRIPLET);
	const char *multiarch_usrlib =
		path(c, "%s/usr/lib/%s", sys, CCWRAP_GNU_TRIPLET);

	l->sysroot = sys;
	l->triplet = CCWRAP_GNU_TRIPLET;
	l->dynamic_linker = CCWRAP_GNU_DYNAMIC_LINKER;
	/* Multiarch linker scripts say /lib/<triplet>/libc.so.6 and need ld's
	 * sysroot; the flat layout's scripts hold full host paths. */
	l->ld_sysroot = exists(c, multiarch_lib) || exists(c, multiarch_usrlib)
				? sys : "/";
	/* First: its omp.h goes with its libgomp, not the musl build's. */
	glibc_runtime(l, c, lib_top);
	sv_push(&l->libdirs, (char *)l->gcc_dir);
	add_existing(c, &l->inc, path(c, "%s/include", l->gcc_dir));
	add_existing(c, &l->inc, path(c, "%s/include-fixed", l->gcc_dir));
	add_existing(c, &l->inc,
		     path(c, "%s/usr/include/%s", sys, CCWRAP_GNU_TRIPLET));
	add_existing(c, &l->inc, path(c, "%s/usr/include", sys));
	add_existing(c, &l->inc, path(c, "%s/include", sys));
	add_existing(c, &l->libdirs, multiarch_lib);
	add_existing(c, &l->libdirs, multiarch_usrlib);
	/* libcrypto.so needs libpthread.so.0 (in lib/<triplet>): ld finds
	 * such DT_NEEDED libraries only through -rpath-link or the sysroot's
	 * etc/ld.so.conf, which a sysroot of -dev packages may not have. */
	add_existing(c, &l->rpath_link, multiarch_lib);
	add_existing(c, &l->rpath_link, multiarch_usrlib);
	add_existing(c, &l->libdirs, path(c, "%s/lib", sys));
	add_existing(c, &l->libdirs, path(c, "%s/usr/lib", sys));
}

void layout_init(struct layout *l, const struct ccwrap_input *in,
		 struct strvec *pool)
{
	struct ctx c = { in, pool };
	const char *lib_top = in->topdir ? in->topdir : in->top;

	*l = (struct layout){ 0 };
	common(l, &c, lib_top);
	(in->glibc ? glibc : musl)(l, &c, lib_top);
	if (in->dynamic_linker)
		l->dynamic_linker = in->dynamic_linker;
}

void layout_free(struct layout *l)
{
	sv_free(&l->inc_cxx);
	sv_free(&l->inc);
	sv_free(&l->libdirs);
	sv_free(&l->rpath_link);
	sv_free(&l->progdirs);
}
