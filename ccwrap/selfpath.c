#include "selfpath.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccwrap.h"

/* Symlink chains longer than this are loops (the kernel allows 40). */
#define MAX_HOPS 40

static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return xstrndup(path, slash == path ? 1 : (size_t)(slash - path));
}

static const char *base_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	return slash ? slash + 1 : path;
}

static int is_executable_file(const char *path)
{
	struct stat st;

	return !access(path, X_OK) && !stat(path, &st) && S_ISREG(st.st_mode);
}

/* What execvp would run for argv0. */
static char *search_path(const char *argv0, const char *path_env)
{
	const char *p = path_env;

	if (strchr(argv0, '/'))
		return xstrdup(argv0);
	while (p) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);
		char *cand = len ? xasprintf("%.*s/%s", (int)len, p, argv0)
				 : xasprintf("./%s", argv0);

		if (is_executable_file(cand))
			return cand;
		free(cand);
		p = colon ? colon + 1 : NULL;
	}
	return NULL;
}

/* readlink without a fixed-size buffer; NULL if not a symlink. */
static char *read_link(const char *path)
{
	for (size_t size = 128;; size *= 2) {
		char *buf = xmalloc(size);
		ssize_t n = readlink(path, buf, size);

		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n < size) {
			buf[n] = 0;
			return buf;
		}
		free(buf);
	}
}

/* Where the symlink at path points, as a path usable from here. */
static char *follow(const char *path)
{
	char *target = read_link(path), *dir, *next;

	if (!target || target[0] == '/')
		return target;
	dir = dir_of(path);
	next = xasprintf("%s/%s", dir, target);
	free(dir);
	free(target);
	return next;
}

/* Walk argv0's chain; stop early when visit returns nonzero.  Returns the
 * last path reached (malloc'd). */
static char *walk(const char *argv0, const char *path_env,
		  int (*visit)(const char *path, void *ctx), void *ctx)
{
	char *p = search_path(argv0, path_env);

	if (!p)
		p = xstrdup(argv0);
	for (int hop = 0; hop < MAX_HOPS; hop++) {
		char *next;

		if (visit && visit(p, ctx))
			break;
		if (!(next = follow(p)))
			break;
		free(p);
		p = next;
	}
	return p;
}

/* path made absolute with getcwd() (no /proc needed); takes path. */
static char *absolute(char *path)
{
	char *cwd, *abs;

	if (path[0] == '/')
		return path;
	for (size_t size = 256;; size *= 2) {
		cwd = xmalloc(size);
		if (getcwd(cwd, size))
			break;
		free(cwd);
		if (errno != ERANGE)
			return path; /* cwd unreachable: keep it relative */
	}
	abs = xasprintf("%s/%s", cwd, path);
	free(cwd);
	free(path);
	return abs;
}

char *self_exe(const char *argv0, const char *path_env, const char *proc_exe)
{
	char *p, *real = realpath(proc_exe, NULL);

	if (real)
		return real;
	p = walk(argv0, path_env, NULL, NULL);
	if (!is_executable_file(p)) {
		free(p);
		return NULL;
	}
	/* Without /proc some libcs (musl before 1.2.3) can't realpath(); the
	 * hand-followed path is good enough then, made absolute so that the
	 * paths passed to gcc don't depend on its working directory. */
	real = realpath(p, NULL);
	if (!real)
		return absolute(p);
	free(p);
	return real;
}

char *self_top(const char *exe)
{
	char *dir = dir_of(exe), *up = xasprintf("%s/..", dir);
	char *real = realpath(up, NULL);

	free(dir);
	if (!real)
		return up;
	free(up);
	return real;
}

static int visit_flavour(const char *path, void *ctx)
{
	int *flavour = ctx;

	*flavour = ccwrap_flavour_from_name(base_of(path));
	return *flavour >= 0;
}

int self_flavour(const char *argv0, const char *path_env)
{
	int flavour = -1;

	free(walk(argv0, path_env, visit_flavour, &flavour));
	return flavour;
}
