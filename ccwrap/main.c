/* Process glue: find the install dir, read the environment, rewrite the
 * command line (rewrite.c) and exec the real compiler. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ccwrap.h"
#include "config.h"
#include "selfpath.h"

static int fs_exists(const char *path, void *ctx)
{
	(void)ctx;
	return !access(path, F_OK);
}

static char *fs_read(const char *path, void *ctx)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, got;
	char *buf;
	int bad;

	(void)ctx;
	if (!f)
		return NULL;
	buf = xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
		n += got;
		if (n + 1 == cap)
			buf = xrealloc(buf, cap *= 2);
	}
	bad = ferror(f); /* e.g. a directory */
	fclose(f);
	if (bad) {
		free(buf);
		return NULL;
	}
	buf[n] = 0;
	return buf;
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

/* Name first, then CCWRAP_SYSROOT for unprefixed names, then the names
 * along the symlink chain; musl if nothing says otherwise. */
static int want_glibc(const char *argv0, const char *base)
{
	int flavour = ccwrap_flavour_from_name(base);

	if (flavour < 0 && env("CCWRAP_SYSROOT"))
		flavour = 1;
	if (flavour < 0)
		flavour = self_flavour(argv0, getenv("PATH"));
	return flavour == 1;
}

static int run(char **argv)
{
	if (env("CCWRAP_DEBUG")) {
		char *line = ccwrap_shell_quote(argv);
		fprintf(stderr, "ccwrap: %s\n", line);
		free(line);
	}
	if (strchr(argv[0], '/'))
		execv(argv[0], argv);
	else
		execvp(argv[0], argv);
	if (errno == ENOENT)
		fprintf(stderr, "ccwrap: real compiler not found (looked in %s)\n",
			strchr(argv[0], '/') ? argv[0] : "$PATH");
	else
		fprintf(stderr, "ccwrap: cannot run %s: %s\n", argv[0],
			strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	const char *argv0 = argc > 0 ? argv[0] : CCWRAP_TRIPLET "-gcc";
	const char *base = strrchr(argv0, '/') ? strrchr(argv0, '/') + 1 : argv0;
	char *exe = self_exe(argv0, getenv("PATH"), "/proc/self/exe"), *top;
	struct ccwrap_input in = { 0 };
	struct ccwrap_result res;
	int rc = 0;

	if (!exe) {
		fprintf(stderr, "ccwrap: own executable not found "
				"(looked in /proc/self/exe and $PATH)\n");
		return 1;
	}
	top = self_top(exe);
	in.lang = ccwrap_lang_from_name(base);
	in.glibc = want_glibc(argv0, base);
	in.default_pie = CCWRAP_DEFAULT_PIE;
	in.argc = argc > 0 ? argc - 1 : 0;
	in.argv = argc > 0 ? argv + 1 : argv;
	in.top = top;
	in.topdir = env("CCWRAP_TOPDIR");
	in.cc = env("CCWRAP_CC");
	in.dynamic_linker = env("CCWRAP_DYNAMIC_LINKER");
	in.sysroot = env("CCWRAP_SYSROOT");
	in.exists = fs_exists;
	in.read_file = fs_read;

	ccwrap_rewrite(&in, &res);
	switch (res.action) {
	case CCWRAP_PRINT:
		fputs(res.text, stdout);
		rc = fflush(stdout) ? 1 : 0;
		break;
	case CCWRAP_ERROR:
		fprintf(stderr, "ccwrap: %s\n", res.text);
		rc = 1;
		break;
	case CCWRAP_EXEC:
		rc = run(res.argv);
		break;
	}
	ccwrap_result_free(&res);
	free(top);
	free(exe);
	return rc;
}
