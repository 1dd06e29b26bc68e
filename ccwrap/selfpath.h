/* Finding ccwrap's own install directory and the name it was called by. */
#ifndef CCWRAP_SELFPATH_H
#define CCWRAP_SELFPATH_H

/* Canonical path of the running executable, malloc'd, or NULL.  Uses
 * proc_exe ("/proc/self/exe"); without /proc, argv0 is looked up in
 * path_env and its symlinks are followed by hand. */
char *self_exe(const char *argv0, const char *path_env, const char *proc_exe);

/* The parent of the directory holding exe, malloc'd. */
char *self_top(const char *exe);

/* Libc flavour named along argv0's symlink chain, first triplet-prefixed
 * name wins (so a masquerade "gcc" -> aarch64-linux-gnu-gcc is glibc):
 * 1 glibc, 0 musl, -1 none. */
int self_flavour(const char *argv0, const char *path_env);

#endif
