/* Build-time target description; override with -D on the compiler
 * command line (the Makefile does that from TRIPLET=... etc.). */
#ifndef CCWRAP_CONFIG_H
#define CCWRAP_CONFIG_H

#ifndef CCWRAP_TRIPLET
#define CCWRAP_TRIPLET "aarch64-linux-musl"
#endif
/* No default: the Makefile takes it from scripts/sources.manifest. */
#ifndef CCWRAP_GCC_VERSION
#error "CCWRAP_GCC_VERSION is not defined (build with the Makefile)"
#endif
#ifndef CCWRAP_DYNAMIC_LINKER
#define CCWRAP_DYNAMIC_LINKER "/lib/ld-musl-aarch64.so.1"
#endif
#ifndef CCWRAP_GNU_TRIPLET
#define CCWRAP_GNU_TRIPLET "aarch64-linux-gnu"
#endif
#ifndef CCWRAP_GNU_DYNAMIC_LINKER
#define CCWRAP_GNU_DYNAMIC_LINKER "/lib/ld-linux-aarch64.so.1"
#endif
/* 1 if the real gcc was configured with --enable-default-pie. */
#ifndef CCWRAP_DEFAULT_PIE
#define CCWRAP_DEFAULT_PIE 0
#endif

#endif
