/* Where everything lives for the musl and glibc-sysroot flavours. */
#ifndef CCWRAP_LAYOUT_H
#define CCWRAP_LAYOUT_H

#include "ccwrap.h"

struct layout {
	const char *cc;          /* real compiler driver */
	const char *libexec;     /* -B: cc1, collect2, lto plugin */
	const char *bindir;      /* -B: binutils' unprefixed as, ld */
	const char *gcc_dir;     /* libgcc, crtbegin*.o, gcc's headers */
	const char *sysroot;     /* what -print-sysroot answers */
	const char *ld_sysroot;  /* what --sysroot tells gcc and ld */
	const char *triplet;
	const char *dynamic_linker;
	struct strvec inc_cxx;   /* C++ headers, searched first */
	struct strvec inc;       /* C headers in search order */
	struct strvec libdirs;   /* -L and startfile search order */
	struct strvec rpath_link; /* where ld finds shared libs' DT_NEEDED */
	struct strvec progdirs;  /* -print-prog-name search order */
};

/* All strings are recorded in pool, which owns them. */
void layout_init(struct layout *l, const struct ccwrap_input *in,
		 struct strvec *pool);
void layout_free(struct layout *l);

#endif
