/* Table-driven tests of ccwrap_rewrite() against a fake file system.
 *
 * seq: tokens that must appear in this order (other args may sit between
 * them); "*x" matches any arg ending in x, "x*" any arg starting with x.
 * exact: seq must be the whole command.  not: tokens that must not occur. */
#include <stdlib.h>
#include <string.h>

#include "ccwrap.h"
#include "unit.h"

#define T "/t"
#define G T "/lib/gcc/aarch64-linux-musl/12.2.0"
#define S T "/aarch64-linux-musl"
#define L S "/lib"
#define X T "/libexec/gcc/aarch64-linux-musl/12.2.0"
#define SR T "/sysroot/aarch64-linux-gnu"
#define ML SR "/lib/aarch64-linux-gnu"
#define MU SR "/usr/lib/aarch64-linux-gnu"
#define CXXI S "/include/c++/12.2.0"
#define BASE(cc)                                                          \
	T "/libexec/ccwrap/" cc " -B" X "/ -B" S "/bin/ --sysroot=" S     \
	  " -nostdinc -nostdlib"
#define INC "-isystem " S "/include -isystem " G "/include"
#define DYN "-Wl,-dynamic-linker,/lib/ld-musl-aarch64.so.1"
#define GCC_S "-lgcc -Wl,--push-state,--as-needed -lgcc_s -Wl,--pop-state"
#define LOOKED "(looked in " G ":" L ")"

/* The fake install: a complete musl toolchain plus glibc sysroots. */
static const char *const base_files[] = {
	T "/libexec/ccwrap/gcc", T "/libexec/ccwrap/g++", X "/cc1",
	S "/bin/ld", G "/crtbegin.o", G "/crtbeginS.o", G "/crtbeginT.o",
	G "/crtend.o", G "/crtendS.o", G "/libgcc.a", G "/libgcc_eh.a",
	G "/libgcov.a", G "/include/stddef.h", L "/crt1.o", L "/Scrt1.o",
	L "/rcrt1.o", L "/crti.o", L "/crtn.o", L "/libc.a", L "/libc.so",
	L "/libgcc_s.so", L "/libstdc++.so", L "/libm.a", S "/include/stdio.h",
	/* gcc's runtime spec files, as a build with libgomp and libitm has */
	L "/libgomp.spec", L "/libitm.spec",
	CXXI "/iostream",
	/* Debian multiarch sysroot at the default place */
	ML "/libc.so.6", MU "/crt1.o", MU "/Scrt1.o", MU "/crti.o",
	MU "/crtn.o", MU "/libc.so", MU "/libc.a",
	SR "/usr/include/aarch64-linux-gnu/bits/types.h",
	SR "/usr/include/stdio.h",
	/* flat layout like /usr/aarch64-linux-gnu */
	"/x/include/stdio.h", "/x/lib/crt1.o", "/x/lib/Scrt1.o",
	"/x/lib/crti.o", "/x/lib/crtn.o", "/x/lib/libc.so", "/x/lib/libc.a",
	NULL,
};

struct tc {
	const char *name;
	const char *prog;          /* invoked name; default aarch64-linux-musl-gcc */
	const char *args[16];
	int pie;                   /* real gcc defaults to PIE */
	const char *topdir, *cc, *dl, *sysroot; /* environment */
	const char *missing[4];    /* base files that are absent */
	const char *extra[4];      /* more files that exist */
	const char *files[3][2];   /* response files: path, contents */
	enum ccwrap_action act;
	const char *seq, *not, *text;
	int exact;
};

static const struct tc cases[] = {
	/* --- compile only: no startfiles, no libs --- */
	{ "compile", .args = { "-c", "x.c", "-o", "x.o" }, .exact = 1,
	  .seq = BASE("gcc") " -c x.c -o x.o " INC },
	{ "compile-S", .args = { "-S", "x.c" },
	  .seq = "-S x.c " INC, .not = "*crt1.o -L* -lc" },
	{ "preprocess-E", .args = { "-E", "x.c" },
	  .seq = "-E x.c " INC, .not = "*crt1.o *crti.o -L* -lc" },
	{ "dep-M-no-link", .args = { "-M", "x.c" }, .not = "*crt1.o -lc" },
	{ "dep-MM-no-link", .args = { "-MM", "x.c" }, .not = "*crt1.o -lc" },
	{ "dep-MD-links", .args = { "-MD", "-MF", "x.d", "x.c" },
	  .seq = "*/crt1.o -MD -MF x.d x.c -lc" },
	{ "syntax-only", .args = { "-fsyntax-only", "x.c" }, .not = "*crt1.o" },
	{ "c-with-lfoo", .args = { "-c", "x.c", "-lfoo" },
	  .seq = "-c x.c -lfoo", .not = "*crt1.o -lc -L*" },
	{ "long-compile", .args = { "--compile", "x.c" }, .not = "*crt1.o" },
	/* --- option values are not inputs --- */
	{ "o-value-not-input", .args = { "-o", "x.c" },
	  .seq = "-o x.c", .not = "*crt1.o -lc" },
	{ "long-output-value", .args = { "--output", "x.c" }, .not = "*crt1.o" },
	{ "I-dir-not-input", .args = { "-I", "dir" }, .not = "*crt1.o" },
	{ "MF-not-input", .args = { "-MF", "file.c" }, .not = "*crt1.o" },
	{ "include-not-input", .args = { "-include", "f.h" },
	  .not = "*crt1.o" },
	{ "x-value-not-input", .args = { "-x", "c" }, .not = "*crt1.o" },
	{ "o-cc-no-cxx-headers", .args = { "-o", "prog.cc", "y.o" },
	  .seq = "*/crt1.o -o prog.cc y.o -lc", .not = CXXI "*" },
	{ "l-separate-links", .args = { "-l", "foo" },
	  .seq = "*/crt1.o -l foo -lc" },
	{ "missing-o-arg", .args = { "x.c", "-o" }, .act = CCWRAP_ERROR,
	  .text = "missing argument to '-o'" },
	{ "missing-Xlinker-arg", .args = { "x.o", "-Xlinker" },
	  .act = CCWRAP_ERROR, .text = "missing argument to '-Xlinker'" },
	{ "values-not-inputs-1",
	  .args = { "-MT", "a.c", "-MQ", "b.c", "-imacros", "c.h", "-iquote",
		    "d.c", "-isystem", "e.c", "-idirafter", "f.c", "-L", "g.c" },
	  .seq = "-MT a.c -MQ b.c -imacros c.h", .not = "*crt1.o -lc" },
	{ "values-not-inputs-2",
	  .args = { "-T", "s.ld", "-u", "s.c", "-z", "now", "-e", "e.c",
		    "--param", "x=y", "-aux-info", "f.c", "-Xassembler", "a.s",
		    "-Xpreprocessor", "p.c" },
	  .not = "*crt1.o -lc" },
	{ "values-not-inputs-3",
	  .args = { "-specs", "a.c", "--specs", "b.c", "--assert", "c.c",
		    "--dumpdir", "d.c", "--dump", "e", "-R", "f.c", "-h", "g.c",
		    "-F", "h.c" },
	  .not = "*crt1.o -lc" },
	{ "values-not-inputs-4",
	  .args = { "--dumpbase", "a.c", "--dumpbase-ext", ".c",
		    "--output-pch=", "c.c", "-include", "f.h", "-dumpdir", "x.c",
		    "-wrapper", "w.c", "-imultilib", "m.c", "-isysroot", "s.c" },
	  .not = "*crt1.o -lc" },
	{ "values-then-input-links",
	  .args = { "-L", "dir", "-T", "s.ld", "x.o", "-l", "m" },
	  .seq = "*/crtbegin.o -L dir -T s.ld x.o -l m -L" G " -L" L " " GCC_S
		 " -lc" },
	{ "o-dash-not-stdin", .args = { "-E", "x.c", "-o", "-" }, .exact = 1,
	  .seq = BASE("gcc") " -E x.c -o - " INC },
	{ "link-objects-archives-shared", .args = { "a.o", "libb.a", "libc2.so" },
	  .seq = "*/crtbegin.o a.o libb.a libc2.so -L" G " -L" L " " GCC_S
		 " -lc " GCC_S " */crtend.o */crtn.o" },
	{ "fuse-ld-passed", .args = { "-fuse-ld=gold", "x.o" },
	  .seq = "*/crtbegin.o -fuse-ld=gold x.o -lc */crtn.o" },
	{ "hash3-links", .args = { "-###", "x.o" },
	  .seq = "*/crt1.o -### x.o -lc */crtn.o" },
	{ "save-temps-links", .args = { "-save-temps", "x.c" },
	  .seq = "*/crt1.o -save-temps x.c " INC " -L" G " -lc */crtn.o" },
	/* --- languages --- */
	{ "x-c-stdin", .args = { "-x", "c", "-" },
	  .seq = "*/crti.o -x c - -x none " INC " -L" G " -lc */crtn.o" },
	{ "xc-joined", .args = { "-xc", "-", "-c" }, .seq = "-xc - -c -x none" },
	{ "x-none-not-repeated", .args = { "-x", "c", "a.c", "-x", "none", "b.o" },
	  .seq = "-x c a.c -x none b.o -isystem" },
	{ "gcc-cxx-source-gets-cxx-headers", .args = { "-c", "x.cpp" },
	  .seq = "-c x.cpp -isystem " CXXI " -isystem " CXXI
		 "/aarch64-linux-musl -isystem " CXXI "/backward " INC },
	{ "gcc-x-cxx-gets-cxx-headers", .args = { "-x", "c++", "-c", "-" },
	  .seq = "-isystem " CXXI },
	{ "gcc-c-no-cxx-headers", .args = { "-c", "x.c" }, .not = CXXI "*" },
	/* --- linker options --- */
	{ "Wl-rpath-links", .args = { "-Wl,-rpath,x" },
	  .seq = "*/crt1.o -Wl,-rpath,x -lc */crtn.o" },
	{ "Xlinker-value", .args = { "-Xlinker", "--foo", "x.o" },
	  .seq = "*/crtbegin.o -Xlinker --foo x.o -lc" },
	{ "user-L-first", .args = { "-Lmine", "x.o" },
	  .seq = "-Lmine x.o -L" G " -L" L },
	{ "user-dynamic-linker-wins", .args = { "x.o", "-Wl,-dynamic-linker,/my/ld" },
	  .seq = DYN " x.o -Wl,-dynamic-linker,/my/ld" },
	/* --- link lines (gcc 12 specs) --- */
	{ "link-dynamic", .args = { "x.o" }, .exact = 1,
	  .seq = BASE("gcc") " " DYN " -no-pie " L "/crt1.o " L "/crti.o " G
		 "/crtbegin.o x.o " INC " -L" G " -L" L " " GCC_S " -lc "
		 GCC_S " " G "/crtend.o " L "/crtn.o" },
	{ "link-default-pie", .args = { "x.o" }, .pie = 1,
	  .seq = DYN " -pie " L "/Scrt1.o " L "/crti.o " G "/crtbeginS.o x.o "
		 GCC_S " -lc " GCC_S " " G "/crtendS.o " L "/crtn.o" },
	{ "link-no-pie-over-default", .args = { "-no-pie", "x.o" }, .pie = 1,
	  .seq = L "/crt1.o " G "/crtbegin.o -no-pie x.o " G "/crtend.o",
	  .not = "-pie *Scrt1.o" },
	{ "link-pie", .args = { "-pie", "x.o" },
	  .seq = L "/Scrt1.o " G "/crtbeginS.o -pie x.o " G "/crtendS.o",
	  .not = "-no-pie" },
	{ "link-static", .args = { "-static", "x.o" },
	  .seq = "-nostdlib " L "/crt1.o " L "/crti.o " G "/crtbeginT.o -static"
		 " x.o -Wl,--start-group -lgcc -lgcc_eh -lc -Wl,--end-group "
		 G "/crtend.o " L "/crtn.o",
	  .not = "-Wl,-dynamic-linker* -pie -no-pie" },
	{ "link-static-long", .args = { "--static", "x.o" },
	  .seq = G "/crtbeginT.o" },
	{ "link-static-pie", .args = { "-static-pie", "x.o" }, .pie = 1,
	  .seq = L "/rcrt1.o " L "/crti.o " G "/crtbeginS.o -static-pie x.o "
		 "-Wl,--start-group -lgcc -lgcc_eh -lc -Wl,--end-group " G
		 "/crtendS.o " L "/crtn.o",
	  .not = "-Wl,-dynamic-linker* -pie" },
	{ "link-shared", .args = { "-shared", "x.o", "-o", "libx.so" },
	  .seq = L "/crti.o " G "/crtbeginS.o -shared x.o -o libx.so " GCC_S
		 " -lc " GCC_S " " G "/crtendS.o " L "/crtn.o",
	  .not = "*crt1.o -Wl,-dynamic-linker* -pie -no-pie" },
	{ "shared-nostdlib", .args = { "-shared", "-nostdlib", "x.o" },
	  .seq = "-shared -nostdlib x.o -L" G,
	  .not = "*crti.o *crtbeginS.o -lc -lgcc *crtn.o" },
	{ "relocatable", .args = { "-r", "a.o", "b.o", "-o", "ab.o" },
	  .seq = "-r a.o b.o -o ab.o",
	  .not = "*crti.o *crt1.o -lc -lgcc -Wl,-dynamic-linker* -no-pie" },
	{ "nostartfiles", .args = { "-nostartfiles", "x.o" },
	  .seq = "x.o -lgcc -lc", .not = "*crt1.o *crti.o *crtn.o" },
	{ "nodefaultlibs", .args = { "-nodefaultlibs", "x.o" },
	  .seq = "*/crt1.o x.o */crtend.o */crtn.o", .not = "-lc -lgcc" },
	{ "nolibc", .args = { "-nolibc", "x.o" },
	  .seq = "x.o -lgcc -lgcc */crtn.o", .not = "-lc" },
	{ "static-libgcc", .args = { "-static-libgcc", "x.o" },
	  .seq = "x.o -lgcc -lgcc_eh -lc -lgcc -lgcc_eh */crtend.o",
	  .not = "-lgcc_s" },
	{ "shared-libgcc", .args = { "-shared-libgcc", "x.o" },
	  .seq = "x.o -lgcc_s -lgcc -lc -lgcc_s -lgcc */crtend.o" },
	{ "pthread", .args = { "-pthread", "x.o" }, .seq = "x.o -lpthread -lc" },
	{ "coverage", .args = { "--coverage", "x.o" },
	  .seq = "--coverage x.o -lgcov -lgcc -Wl,--push-state,--as-needed" },
	{ "fprofile-arcs", .args = { "-fprofile-arcs", "x.o" },
	  .seq = "x.o -lgcov -lgcc" },
	{ "fprofile-generate-dir", .args = { "-fprofile-generate=d", "x.o" },
	  .seq = "x.o -lgcov" },
	{ "fno-profile-arcs", .args = { "-fprofile-arcs", "-fno-profile-arcs",
					"x.o" }, .not = "-lgcov" },
	{ "fno-profile-generate-keeps-dir",
	  .args = { "-fprofile-generate=d", "-fno-profile-generate", "x.o" },
	  .seq = "x.o -lgcov -lgcc" },
	{ "coverage-nodefaultlibs-before-crtend",
	  .args = { "-nodefaultlibs", "--coverage", "x.o" },
	  .seq = "x.o -lgcov */crtend.o */crtn.o", .not = "-lc -lgcc" },
	{ "coverage-nostdlib-left-to-gcc", .args = { "-nostdlib", "--coverage",
						     "x.o" },
	  .not = "-lgcov" },
	{ "fopenmp-lgomp-before-crtn", .args = { "-fopenmp", "x.o" },
	  .seq = "x.o -lgomp " GCC_S " -lpthread -lc " GCC_S
		 " */crtend.o */crtn.o" },
	{ "fopenmp-static", .args = { "-static", "-fopenmp", "x.o" },
	  .seq = "x.o -lgomp -Wl,--start-group -lgcc -lgcc_eh -lpthread -lc "
		 "-Wl,--end-group */crtend.o */crtn.o" },
	{ "fno-openmp", .args = { "-fopenmp", "-fno-openmp", "x.o" },
	  .not = "-lgomp -lpthread" },
	{ "fopenacc-lgomp", .args = { "-fopenacc", "x.o" },
	  .seq = "x.o -lgomp -lgcc" },
	{ "parallelize-loops-lgomp", .args = { "-ftree-parallelize-loops=4",
					       "x.o" },
	  .seq = "x.o -lgomp -lgcc */crtn.o" },
	{ "parallelize-loops-1-no-lgomp",
	  .args = { "-ftree-parallelize-loops=4", "-ftree-parallelize-loops=1",
		    "x.o" },
	  .not = "-lgomp -lpthread" },
	{ "fopenmp-nostdlib-left-to-gcc", .args = { "-nostdlib", "-fopenmp",
						    "x.o" },
	  .not = "-lgomp -lpthread" },
	{ "fgnu-tm-litm", .args = { "-fgnu-tm", "x.o" },
	  .seq = "x.o -litm -lgcc -Wl,--push-state,--as-needed -lgcc_s "
		 "-Wl,--pop-state -lpthread -lc" },
	{ "fopenmp-compile-only", .args = { "-fopenmp", "-c", "x.c" },
	  .not = "-lgomp -lpthread -B" L "/" },
	/* libgomp and -pthread's -lpthread only for the options that ask */
	{ "plain-link-no-gomp", .args = { "x.o" },
	  .not = "-lgomp -lpthread -pthread -litm -B" L "/" },
	{ "plain-static-link-no-gomp", .args = { "-static", "x.o" },
	  .not = "-lgomp -lpthread -pthread -B" L "/" },
	{ "plain-cxx-link-no-gomp", .prog = "g++", .args = { "x.o" },
	  .not = "-lgomp -lpthread -pthread -B" L "/" },
	{ "glibc-plain-link-no-gomp", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "x.o" }, .not = "-lgomp -lpthread -pthread" },
	{ "fopenmp-compile-no-libgomp-needed", .args = { "-fopenmp", "-c", "x.c" },
	  .missing = { L "/libgomp.spec" }, .seq = "-fopenmp -c x.c" },
	/* gcc reads libgomp.spec itself: its directory becomes a -B prefix */
	{ "fopenmp-spec-dir", .args = { "-fopenmp", "x.o" },
	  .seq = "-nostdlib -B" L "/ " DYN " -no-pie */crt1.o -fopenmp x.o "
		 "-lgomp" },
	{ "fopenmp-nostdlib-spec-dir", .args = { "-nostdlib", "-fopenmp", "x.o" },
	  .seq = "-B" L "/ -nostdlib -fopenmp x.o", .not = "-lgomp" },
	{ "fopenmp-no-libgomp", .args = { "-fopenmp", "x.o" },
	  .missing = { L "/libgomp.spec" }, .act = CCWRAP_ERROR,
	  .text = "-fopenmp needs libgomp: libgomp.spec not found " LOOKED },
	{ "fopenacc-no-libgomp", .args = { "-fopenacc", "x.o" },
	  .missing = { L "/libgomp.spec" }, .act = CCWRAP_ERROR,
	  .text = "-fopenacc needs libgomp: libgomp.spec not found " LOOKED },
	{ "parallelize-loops-no-libgomp",
	  .args = { "-ftree-parallelize-loops=2", "x.o" },
	  .missing = { L "/libgomp.spec" }, .act = CCWRAP_ERROR,
	  .text = "-ftree-parallelize-loops needs libgomp: libgomp.spec not "
		  "found " LOOKED },
	{ "fno-openmp-no-libgomp-needed", .args = { "-fopenmp", "-fno-openmp",
						    "x.o" },
	  .missing = { L "/libgomp.spec" }, .seq = "x.o -lc" },
	{ "fgnu-tm-no-libitm", .args = { "-fgnu-tm", "x.o" },
	  .missing = { L "/libitm.spec" }, .act = CCWRAP_ERROR,
	  .text = "-fgnu-tm needs libitm: libitm.spec not found " LOOKED },
	{ "glibc-fopenmp-own-dirs", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-fopenmp", "x.o" }, .act = CCWRAP_ERROR,
	  .text = "-fopenmp needs libgomp: libgomp.spec not found (looked in "
		  G ":" ML ":" MU ":" SR "/lib:" SR "/usr/lib)" },
	{ "glibc-fopenmp-runtime-spec", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-fopenmp", "x.o" },
	  .extra = { T "/sysroot-runtime/lib/libgomp.spec" },
	  .seq = "-B" T "/sysroot-runtime/lib/ -Wl,-dynamic-linker* -no-pie "
		 "*/crt1.o -fopenmp x.o -L" T "/sysroot-runtime/lib -L" G
		 " -lgomp -lgcc -lgcc_eh -lpthread -lc" },
	{ "glibc-fopenmp-static-runtime", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-static", "-fopenmp", "x.o" },
	  .extra = { T "/sysroot-runtime/lib/libgomp.spec",
		     T "/sysroot-runtime/lib/libgomp.a" },
	  .seq = "-B" T "/sysroot-runtime/lib/ */crt1.o -static -fopenmp x.o "
		 "-L" T "/sysroot-runtime/lib -lgomp -Wl,--start-group -lgcc "
		 "-lgcc_eh -lpthread -lc -Wl,--end-group" },
	/* the runtime's omp.h goes with its libgomp: before the musl build's
	 * (gcc's include dir, which has one too) */
	{ "glibc-runtime-omp-h-first", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-fopenmp", "-c", "x.c" },
	  .extra = { T "/sysroot-runtime/include/omp.h", G "/include/omp.h" },
	  .seq = "-fopenmp -c x.c -isystem " T "/sysroot-runtime/include "
		 "-isystem " G "/include -isystem " SR "/usr/include" },
	{ "glibc-runtime-omp-h-cxx", .prog = "aarch64-linux-gnu-g++",
	  .args = { "-fopenmp", "-c", "x.cc" },
	  .extra = { T "/sysroot-runtime/include/omp.h",
		     T "/sysroot-runtime/include/c++/12.2.0/vector" },
	  .seq = "x.cc -isystem " T "/sysroot-runtime/include/c++/12.2.0 "
		 "-isystem " T "/sysroot-runtime/include -isystem " G
		 "/include" },
	{ "glibc-no-runtime-no-runtime-include", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-fopenmp", "-c", "x.c" },
	  .not = T "/sysroot-runtime/include" },
	/* musl links never take the glibc runtime's libgomp */
	{ "musl-fopenmp-not-glibc-runtime",
	  .args = { "-fopenmp", "x.o" }, .missing = { L "/libgomp.spec" },
	  .extra = { T "/sysroot-runtime/lib/libgomp.spec" },
	  .act = CCWRAP_ERROR,
	  .text = "-fopenmp needs libgomp: libgomp.spec not found " LOOKED },
	{ "musl-compile-no-runtime-include", .args = { "-fopenmp", "-c", "x.c" },
	  .extra = { T "/sysroot-runtime/include/omp.h" },
	  .seq = "x.c " INC, .not = T "/sysroot-runtime/include" },
	{ "pg-needs-gcrt1", .args = { "-pg", "x.o" }, .act = CCWRAP_ERROR,
	  .text = "gcrt1.o not found " LOOKED },
	{ "pg-with-gcrt1", .args = { "-pg", "x.o" }, .extra = { L "/gcrt1.o" },
	  .seq = L "/gcrt1.o " L "/crti.o " G "/crtbegin.o -pg x.o",
	  .not = "*/crt1.o" },
	{ "dynamic-linker-env", .args = { "x.o" }, .dl = "/lib/my-ld.so",
	  .seq = "-Wl,-dynamic-linker,/lib/my-ld.so x.o" },
	{ "no-libgcc_s-static-sequence", .args = { "x.o" },
	  .missing = { L "/libgcc_s.so" },
	  .seq = "x.o -lgcc -lgcc_eh -lc -lgcc -lgcc_eh", .not = "-lgcc_s" },
	{ "no-libgcc_eh", .args = { "-static", "x.o" },
	  .missing = { G "/libgcc_eh.a" },
	  .seq = "-Wl,--start-group -lgcc -lc -Wl,--end-group",
	  .not = "-lgcc_eh" },
	/* --- C++ --- */
	{ "cxx-link", .prog = "aarch64-linux-musl-g++", .args = { "x.cc" },
	  .seq = BASE("g++") " " DYN " -no-pie */crt1.o */crti.o */crtbegin.o"
		 " x.cc -isystem " CXXI " -isystem " CXXI "/aarch64-linux-musl"
		 " -isystem " CXXI "/backward " INC " -L" G " -L" L
		 " -lstdc++ -lm -lgcc_s -lgcc -lc -lgcc_s -lgcc " G "/crtend.o "
		 L "/crtn.o" },
	{ "cxx-c-file-is-cxx", .prog = "c++", .args = { "-c", "x.c" },
	  .seq = T "/libexec/ccwrap/g++ -B* -c x.c -isystem " CXXI },
	{ "cxx-shared", .prog = "g++", .args = { "-shared", "x.o" },
	  .seq = "x.o -lstdc++ -lm -lgcc_s -lc -lgcc_s */crtendS.o",
	  .not = "-lgcc" },
	{ "cxx-static", .prog = "g++", .args = { "-static", "x.o" },
	  .seq = "x.o -lstdc++ -lm -Wl,--start-group -lgcc -lgcc_eh -lc "
		 "-Wl,--end-group" },
	{ "cxx-static-libstdc++", .prog = "g++",
	  .args = { "-static-libstdc++", "x.o" },
	  .seq = "x.o -Wl,-Bstatic -lstdc++ -Wl,-Bdynamic -lm -lgcc_s" },
	{ "cxx-static-libgcc", .prog = "g++", .args = { "-static-libgcc", "x.o" },
	  .seq = "x.o -lstdc++ -lm -lgcc -lgcc_eh -lc -lgcc -lgcc_eh" },
	{ "cxx-nostdlib++", .prog = "g++", .args = { "-nostdlib++", "x.o" },
	  .seq = "x.o -lgcc_s -lgcc -lc", .not = "-lstdc++ -lm" },
	{ "cxx-nostdinc++", .prog = "g++", .args = { "-nostdinc++", "-c", "x.cc" },
	  .seq = "x.cc " INC, .not = CXXI "*" },
	{ "nostdinc", .args = { "-nostdinc", "-c", "x.c" }, .not = "-isystem" },
	{ "cxx-coverage-order", .prog = "g++", .args = { "--coverage", "x.o" },
	  .seq = "x.o -lstdc++ -lm -lgcov -lgcc_s" },
	{ "cxx-fopenmp-order", .prog = "g++", .args = { "-fopenmp", "x.o" },
	  .seq = "x.o -lstdc++ -lm -lgomp -lgcc_s -lgcc -lpthread -lc" },
	/* --- cpp --- */
	{ "cpp-in-out", .prog = "aarch64-linux-musl-cpp", .args = { "x.h", "out.i" },
	  .seq = T "/libexec/ccwrap/gcc -E -B" X "/ -B" S "/bin/ --sysroot=" S
		 " -nostdinc -nostdlib -x c x.h -o out.i",
	  .not = "*crt1.o -L*" },
	{ "cpp-E-once", .prog = "cpp", .args = { "-E", "x.c" },
	  .seq = "-nostdlib -E x.c", .not = "-x" },
	{ "cpp-stdin", .prog = "cpp", .args = { "-DX" }, .seq = "-DX - " INC },
	{ "cpp-dot-s", .prog = "cpp", .args = { "a.s" },
	  .seq = "-x assembler-with-cpp a.s" },
	{ "cpp-too-many", .prog = "cpp", .args = { "a.c", "b.i", "c.i" },
	  .act = CCWRAP_ERROR, .text = "too many input files" },
	{ "cpp-c-rejected", .prog = "cpp", .args = { "-c", "x.c" },
	  .act = CCWRAP_ERROR,
	  .text = "'-c' is not a valid option to the preprocessor" },
	{ "cpp-S-rejected", .prog = "aarch64-linux-musl-cpp",
	  .args = { "x.c", "-S" }, .act = CCWRAP_ERROR,
	  .text = "'-S' is not a valid option to the preprocessor" },
	{ "cpp-compile-rejected-as-spelled", .prog = "cpp",
	  .args = { "--compile", "x.c" }, .act = CCWRAP_ERROR,
	  .text = "'--compile' is not a valid option to the preprocessor" },
	{ "cpp-x-after-file-still-fixes", .prog = "cpp",
	  .args = { "x.h", "-x", "c" }, .seq = "-nostdlib -x c x.h -x c" },
	{ "cpp-x-before-file-no-fixup", .prog = "cpp",
	  .args = { "-x", "c", "x.h" }, .seq = "-nostdlib -x c x.h -x none" },
	{ "cpp-stdin-then-file", .prog = "cpp", .args = { "-", "x.h" },
	  .seq = "-nostdlib - -x c x.h " INC, .not = "-o" },
	{ "cpp-o-dash", .prog = "cpp", .args = { "x.c", "-o", "-" },
	  .exact = 1,
	  .seq = T "/libexec/ccwrap/gcc -E -B" X "/ -B" S "/bin/ --sysroot=" S
		 " -nostdinc -nostdlib x.c -o - " INC },
	/* --- response files --- */
	{ "rsp-expanded", .args = { "@/r/a" },
	  .files = { { "/r/a", "-c\n x.c -o 'y.o'" } },
	  .seq = "-c x.c -o y.o", .not = "*crt1.o @/r/a" },
	{ "rsp-nested", .args = { "@/r/a" },
	  .files = { { "/r/a", "@/r/b x.o" }, { "/r/b", "-shared" } },
	  .seq = "*/crtbeginS.o -shared x.o", .not = "*crt1.o" },
	{ "rsp-o-then-arg", .args = { "@/r/o", "x.c" },
	  .files = { { "/r/o", "-o" } }, .seq = "-o x.c", .not = "*crt1.o" },
	{ "rsp-missing-is-input", .args = { "@nope" },
	  .seq = "*/crt1.o @nope -lc" },
	{ "rsp-loop", .args = { "@/r/self" }, .files = { { "/r/self", "@/r/self" } },
	  .act = CCWRAP_ERROR, .text = "too many @-files encountered" },
	/* --- informational options --- */
	{ "print-file-name-libgcc", .args = { "-print-file-name=libgcc.a" },
	  .act = CCWRAP_PRINT, .text = G "/libgcc.a\n" },
	{ "print-file-name-libc", .args = { "-print-file-name=libc.so" },
	  .act = CCWRAP_PRINT, .text = L "/libc.so\n" },
	{ "print-file-name-unknown", .args = { "-print-file-name=nope.a" },
	  .act = CCWRAP_PRINT, .text = "nope.a\n" },
	{ "print-file-name-include", .args = { "-print-file-name=include" },
	  .act = CCWRAP_PRINT, .text = G "/include\n" },
	{ "print-file-name-long", .args = { "--print-file-name=crt1.o" },
	  .act = CCWRAP_PRINT, .text = L "/crt1.o\n" },
	{ "print-libgcc-file-name", .args = { "-print-libgcc-file-name" },
	  .act = CCWRAP_PRINT, .text = G "/libgcc.a\n" },
	{ "print-prog-name-ld", .args = { "-print-prog-name=ld" },
	  .act = CCWRAP_PRINT, .text = S "/bin/ld\n" },
	{ "print-prog-name-cc1", .args = { "-print-prog-name=cc1" },
	  .act = CCWRAP_PRINT, .text = X "/cc1\n" },
	{ "print-prog-name-unknown", .args = { "-print-prog-name=foo" },
	  .act = CCWRAP_PRINT, .text = "foo\n" },
	{ "print-search-dirs", .args = { "-print-search-dirs" },
	  .act = CCWRAP_PRINT,
	  .text = "install: " G "/\nprograms: =" X "/:" S "/bin/\nlibraries: ="
		  G "/:" L "/\n" },
	{ "print-sysroot", .args = { "-print-sysroot" }, .act = CCWRAP_PRINT,
	  .text = S "\n" },
	{ "dumpmachine", .args = { "-dumpmachine" }, .act = CCWRAP_PRINT,
	  .text = "aarch64-linux-musl\n" },
	{ "version-passthrough", .args = { "--version" }, .exact = 1,
	  .seq = BASE("gcc") " --version" },
	{ "print-file-name-separate", .args = { "--print-file-name", "libc.so" },
	  .act = CCWRAP_PRINT, .text = L "/libc.so\n" },
	{ "print-prog-name-separate", .args = { "--print-prog-name", "ld" },
	  .act = CCWRAP_PRINT, .text = S "/bin/ld\n" },
	{ "query-file-name-before-prog-name",
	  .args = { "-print-prog-name=ld", "-print-file-name=libc.a",
		    "-print-file-name=crt1.o" },
	  .act = CCWRAP_PRINT, .text = L "/crt1.o\n" },
	{ "query-libgcc-is-last-file-name",
	  .args = { "-print-file-name=libc.a", "-print-libgcc-file-name" },
	  .act = CCWRAP_PRINT, .text = G "/libgcc.a\n" },
	{ "query-file-name-after-libgcc",
	  .args = { "-print-libgcc-file-name", "-print-file-name=libc.a" },
	  .act = CCWRAP_PRINT, .text = L "/libc.a\n" },
	{ "query-dump-first", .args = { "-print-search-dirs", "-dumpmachine" },
	  .act = CCWRAP_PRINT, .text = "aarch64-linux-musl\n" },
	{ "query-dumpversion-before-dumpmachine",
	  .args = { "-dumpversion", "-dumpmachine" }, .exact = 1,
	  .seq = BASE("gcc") " -dumpversion -dumpmachine" },
	{ "query-sysroot-before-version", .args = { "--version",
						    "-print-sysroot" },
	  .act = CCWRAP_PRINT, .text = S "\n" },
	{ "query-file-name-before-help", .args = { "--help",
						   "-print-file-name=crt1.o" },
	  .act = CCWRAP_PRINT, .text = L "/crt1.o\n" },
	{ "query-multiarch-before-sysroot",
	  .args = { "-print-sysroot", "-print-multiarch" }, .exact = 1,
	  .seq = BASE("gcc") " -print-sysroot -print-multiarch" },
	{ "print-multiarch-passthrough", .args = { "-print-multiarch" },
	  .exact = 1, .seq = BASE("gcc") " -print-multiarch" },
	{ "dumpversion-passthrough", .args = { "-dumpversion" }, .exact = 1,
	  .seq = BASE("gcc") " -dumpversion" },
	{ "dumpfullversion-passthrough", .args = { "-dumpfullversion", "x.o" },
	  .exact = 1, .seq = BASE("gcc") " -dumpfullversion x.o" },
	{ "dumpspecs-passthrough", .args = { "-dumpspecs", "x.o" },
	  .seq = "-dumpspecs x.o", .not = "*crt1.o -lc" },
	{ "v-alone-no-link", .args = { "-v" }, .not = "*crt1.o -lc" },
	{ "v-with-input-links", .args = { "-v", "x.o" },
	  .seq = "*/crt1.o -v x.o -lc" },
	/* --- environment --- */
	{ "topdir-env", .args = { "-c", "x.c" }, .topdir = "/o",
	  .seq = T "/libexec/ccwrap/gcc -B" X "/ -B" S
		 "/bin/ --sysroot=/o/aarch64-linux-musl -nostdinc -nostdlib -c x.c"
		 " -isystem /o/aarch64-linux-musl/include -isystem "
		 "/o/lib/gcc/aarch64-linux-musl/12.2.0/include" },
	{ "cc-env-path", .args = { "-c", "x.c" }, .cc = "/bin/true",
	  .extra = { "/bin/true" },
	  .seq = "/bin/true -B*" },
	{ "cc-env-bare-name", .args = { "-c", "x.c" }, .cc = "mygcc",
	  .missing = { T "/libexec/ccwrap/gcc" }, .seq = "mygcc -B*" },
	/* --- missing pieces --- */
	{ "missing-compiler", .args = { "-c", "x.c" },
	  .missing = { T "/libexec/ccwrap/gcc" }, .act = CCWRAP_ERROR,
	  .text = "real compiler not found (looked in " T "/libexec/ccwrap/gcc)" },
	{ "missing-crt1", .args = { "x.o" }, .missing = { L "/crt1.o" },
	  .act = CCWRAP_ERROR, .text = "crt1.o not found " LOOKED },
	{ "missing-crtbegin", .args = { "-shared", "x.o" },
	  .missing = { G "/crtbeginS.o" }, .act = CCWRAP_ERROR,
	  .text = "crtbeginS.o not found " LOOKED },
	{ "missing-libc", .args = { "x.o" },
	  .missing = { L "/libc.so", L "/libc.a" }, .act = CCWRAP_ERROR,
	  .text = "libc not found " LOOKED },
	{ "static-needs-libc-a", .args = { "-static", "x.o" },
	  .missing = { L "/libc.a" }, .act = CCWRAP_ERROR,
	  .text = "libc not found " LOOKED },
	{ "lto-exe-no-interposition", .args = { "-flto", "-O2", "a.c", "b.o" },
	  .seq = "-fno-semantic-interposition -flto -O2 a.c b.o" },
	{ "lto-jobs-static-exe", .args = { "-static", "-flto=2", "x.o" },
	  .seq = "-fno-semantic-interposition -static -flto=2 x.o" },
	{ "lto-shared-keeps-interposition", .args = { "-shared", "-flto", "x.o" },
	  .not = "-fno-semantic-interposition" },
	{ "lto-compile-only", .args = { "-c", "-flto", "x.c" },
	  .not = "-fno-semantic-interposition" },
	{ "lto-cancelled", .args = { "-flto", "-fno-lto", "x.o" },
	  .not = "-fno-semantic-interposition" },
	{ "lto-relocatable", .args = { "-r", "-flto", "x.o" },
	  .not = "-fno-semantic-interposition" },
	/* --- glibc sysroot flavour --- */
	{ "glibc-link", .prog = "aarch64-linux-gnu-gcc", .args = { "x.o" },
	  .exact = 1,
	  .seq = T "/libexec/ccwrap/gcc -B" X "/ -B" S "/bin/ --sysroot=" SR
		 " -nostdinc -nostdlib -Wl,-dynamic-linker,/lib/ld-linux-aarch64"
		 ".so.1 -no-pie " MU "/crt1.o " MU "/crti.o " G "/crtbegin.o x.o"
		 " -isystem " G "/include -isystem " SR
		 "/usr/include/aarch64-linux-gnu -isystem " SR "/usr/include -L"
		 G " -L" ML " -L" MU " -L" SR "/lib -L" SR "/usr/lib"
		 " -Xlinker -rpath-link -Xlinker " ML
		 " -Xlinker -rpath-link -Xlinker " MU
		 " -lgcc -lgcc_eh -lc -lgcc -lgcc_eh " G
		 "/crtend.o " MU "/crtn.o" },
	{ "glibc-pie-libgcc_s", .prog = "aarch64-linux-gnu-gcc", .args = { "x.o" },
	  .pie = 1, .extra = { MU "/libgcc_s.so" },
	  .seq = "-pie " MU "/Scrt1.o " MU "/crti.o " G "/crtbeginS.o x.o "
		 GCC_S " -lc " GCC_S " " G "/crtendS.o " MU "/crtn.o" },
	{ "glibc-static", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-static", "x.o" },
	  .seq = MU "/crt1.o " MU "/crti.o " G "/crtbeginT.o -static x.o "
		 "-Wl,--start-group -lgcc -lgcc_eh -lc -Wl,--end-group" },
	{ "glibc-flat-sysroot", .prog = "aarch64-linux-gnu-gcc", .args = { "x.o" },
	  .sysroot = "/x",
	  .seq = "--sysroot=/ */ld-linux-aarch64.so.1 /x/lib/crt1.o /x/lib/crti.o"
		 " x.o -isystem " G "/include -isystem /x/include -L" G
		 " -L/x/lib -lc /x/lib/crtn.o" },
	{ "glibc-cxx-no-runtime-yet", .prog = "aarch64-linux-gnu-g++",
	  .args = { "-c", "x.cc" }, .seq = "x.cc -isystem " G "/include",
	  .not = "*c++*" },
	{ "glibc-cxx-runtime-hook", .prog = "aarch64-linux-gnu-g++",
	  .args = { "-c", "x.cc" },
	  .extra = { T "/sysroot-runtime/include/c++/12.2.0/vector" },
	  .seq = "x.cc -isystem " T "/sysroot-runtime/include/c++/12.2.0 "
		 "-isystem " G "/include" },
	{ "glibc-runtime-before-musl-libgcc", .prog = "aarch64-linux-gnu-g++",
	  .args = { "x.o" },
	  .extra = { T "/sysroot-runtime/lib/crtbegin.o",
		     T "/sysroot-runtime/lib/libstdc++.a" },
	  .seq = T "/sysroot-runtime/lib/crtbegin.o x.o -L" T
		 "/sysroot-runtime/lib -L" G " -L" ML " -lstdc++ -lm" },
	{ "glibc-print-sysroot", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-print-sysroot" }, .act = CCWRAP_PRINT, .text = SR "\n" },
	{ "glibc-dumpmachine", .prog = "aarch64-linux-gnu-cc",
	  .args = { "-dumpmachine" }, .act = CCWRAP_PRINT,
	  .text = "aarch64-linux-gnu\n" },
	{ "glibc-print-file-name", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "-print-file-name=libc.so" }, .act = CCWRAP_PRINT,
	  .text = MU "/libc.so\n" },
	{ "glibc-missing-crt1", .prog = "aarch64-linux-gnu-gcc",
	  .args = { "x.o" }, .missing = { MU "/crt1.o" }, .act = CCWRAP_ERROR,
	  .text = "crt1.o not found (looked in " G ":" ML ":" MU ":" SR
		  "/lib:" SR "/usr/lib)" },
};

/* ---- fake file system ---- */

struct fakefs {
	const struct tc *tc;
};

static int listed(const char *const *list, size_t n, const char *path,
		  int as_dir)
{
	size_t len = strlen(path);

	for (size_t i = 0; i < n && list[i]; i++) {
		if (!strcmp(list[i], path))
			return 1;
		if (as_dir && !strncmp(list[i], path, len) && list[i][len] == '/')
			return 1;
	}
	return 0;
}

static int is_missing(const struct tc *tc, const char *path)
{
	return listed(tc->missing, 4, path, 0);
}

/* A path exists if it is a listed file or a directory above one. */
static int fake_exists(const char *path, void *ctx)
{
	const struct tc *tc = ((struct fakefs *)ctx)->tc;
	size_t len = strlen(path);

	if (listed(tc->extra, 4, path, 1))
		return 1;
	for (size_t i = 0; base_files[i]; i++) {
		const char *f = base_files[i];

		if (is_missing(tc, f))
			continue;
		if (!strcmp(f, path) ||
		    (!strncmp(f, path, len) && f[len] == '/'))
			return 1;
	}
	return 0;
}

static char *fake_read(const char *path, void *ctx)
{
	const struct tc *tc = ((struct fakefs *)ctx)->tc;

	for (int i = 0; i < 3 && tc->files[i][0]; i++)
		if (!strcmp(tc->files[i][0], path))
			return xstrdup(tc->files[i][1]);
	return NULL;
}

/* ---- matching ---- */

static int match(const char *pat, const char *arg)
{
	size_t lp = strlen(pat), la = strlen(arg);

	if (pat[0] == '*')
		return la >= lp - 1 && !strcmp(arg + la - (lp - 1), pat + 1);
	if (lp && pat[lp - 1] == '*')
		return !strncmp(arg, pat, lp - 1);
	return !strcmp(pat, arg);
}

static void split(const char *s, struct strvec *out, struct strvec *pool)
{
	while (s && *s) {
		size_t n = strcspn(s, " ");
		if (n) {
			sv_push(pool, xstrndup(s, n));
			sv_push(out, pool->v[pool->n - 1]);
		}
		s += n + (s[n] == ' ');
	}
}

/* Returns NULL or a description of the first mismatch (static). */
static const char *check_seq(const struct tc *tc, char **argv)
{
	static char why[512];
	struct strvec pat = { 0 }, pool = { 0 };
	size_t a = 0, p = 0;

	split(tc->seq, &pat, &pool);
	for (; p < pat.n; p++, a++) {
		while (argv[a] && !match(pat.v[p], argv[a]) && !tc->exact)
			a++;
		if (!argv[a] || !match(pat.v[p], argv[a]))
			break;
	}
	why[0] = 0;
	if (p < pat.n)
		snprintf(why, sizeof(why), "expected '%s' (pattern #%zu)",
			 pat.v[p], p);
	else if (tc->exact && argv[a])
		snprintf(why, sizeof(why), "unexpected trailing '%s'", argv[a]);
	sv_free(&pat);
	sv_free_all(&pool);
	return why[0] ? why : NULL;
}

static const char *check_not(const struct tc *tc, char **argv)
{
	static char why[512];
	struct strvec pat = { 0 }, pool = { 0 };

	why[0] = 0;
	split(tc->not, &pat, &pool);
	for (size_t p = 0; p < pat.n && !why[0]; p++)
		for (size_t a = 0; argv[a] && !why[0]; a++)
			if (match(pat.v[p], argv[a]))
				snprintf(why, sizeof(why),
					 "'%s' should not match '%s'",
					 argv[a], pat.v[p]);
	sv_free(&pat);
	sv_free_all(&pool);
	return why[0] ? why : NULL;
}

static const char *check(const struct tc *tc, const struct ccwrap_result *r)
{
	static const char *const names[] = { "exec", "print", "error" };
	static char why[256];
	const char *w;

	if (r->action != tc->act) {
		snprintf(why, sizeof(why), "action %s, expected %s",
			 names[r->action], names[tc->act]);
		return why;
	}
	if (tc->act != CCWRAP_EXEC)
		return strcmp(r->text, tc->text) ? "wrong text" : NULL;
	if ((w = check_seq(tc, r->argv)))
		return w;
	return check_not(tc, r->argv);
}

static void run_case(const struct tc *tc, struct suite_result *res)
{
	struct fakefs fs = { tc };
	struct ccwrap_input in = { 0 };
	struct ccwrap_result r;
	const char *prog = tc->prog ? tc->prog : "aarch64-linux-musl-gcc";
	const char *why;
	int argc = 0;

	while (argc < 16 && tc->args[argc])
		argc++;
	in.lang = ccwrap_lang_from_name(prog);
	in.glibc = ccwrap_flavour_from_name(prog) == 1 || tc->sysroot;
	in.default_pie = tc->pie;
	in.argc = argc;
	in.argv = (char *const *)tc->args;
	in.top = T;
	in.topdir = tc->topdir;
	in.cc = tc->cc;
	in.dynamic_linker = tc->dl;
	in.sysroot = tc->sysroot;
	in.exists = fake_exists;
	in.read_file = fake_read;
	in.ctx = &fs;

	ccwrap_rewrite(&in, &r);
	why = check(tc, &r);
	CHECK(res, !why, "case %s: %s", tc->name, why);
	if (why) {
		char *line = r.action == CCWRAP_EXEC ? ccwrap_shell_quote(r.argv)
						     : xstrdup(r.text);
		printf("     got: %s\n", line);
		free(line);
	}
	ccwrap_result_free(&r);
}

struct suite_result suite_rewrite(void)
{
	struct suite_result res = { 0, 0 };

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i], &res);
	return res;
}
