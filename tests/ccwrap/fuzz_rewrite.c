/* libFuzzer target: arbitrary command lines and response files through
 * ccwrap_rewrite() over a pseudo-random fake file system.
 * Input: byte 0 picks language/flavour/PIE/env, the rest is split at '\n'
 * into arguments; the text after the first "\n\n" is every response
 * file's contents. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ccwrap.h"

struct fctx {
	const char *rsp;
	uint8_t seed;
};

/* Deterministic "random" file system: depends on path and seed. */
static int f_exists(const char *path, void *ctx)
{
	uint32_t h = ((struct fctx *)ctx)->seed;

	for (const char *p = path; *p; p++)
		h = h * 31 + (uint8_t)*p;
	return (h >> 3) % 4 != 0;
}

static char *f_read(const char *path, void *ctx)
{
	struct fctx *c = ctx;

	return c->rsp && path[0] == 'r' ? xstrdup(c->rsp) : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strvec args = { 0 }, pool = { 0 };
	struct ccwrap_input in = { 0 };
	struct ccwrap_result r;
	struct fctx c = { 0 };
	char *text, *sep, *p;
	uint8_t flags;

	if (size < 1)
		return 0;
	flags = data[0];
	text = xstrndup((const char *)data + 1, size - 1);
	if ((sep = strstr(text, "\n\n"))) {
		*sep = 0;
		c.rsp = sep + 2;
	}
	for (p = text; p;) {
		char *nl = strchr(p, '\n');
		if (nl)
			*nl = 0;
		sv_push(&pool, xstrdup(p));
		sv_push(&args, pool.v[pool.n - 1]);
		p = nl ? nl + 1 : NULL;
	}
	c.seed = flags;
	in.lang = (enum ccwrap_lang)(flags % 3);
	in.glibc = (flags >> 2) & 1;
	in.default_pie = (flags >> 3) & 1;
	in.argc = (int)args.n;
	in.argv = args.v;
	in.top = "/t";
	in.topdir = (flags & 0x10) ? "/o" : NULL;
	in.cc = (flags & 0x20) ? "cc" : NULL;
	in.sysroot = (flags & 0x40) ? "/s" : NULL;
	in.dynamic_linker = (flags & 0x80) ? "/ld" : NULL;
	in.exists = f_exists;
	in.read_file = f_read;
	in.ctx = &c;

	ccwrap_rewrite(&in, &r);
	if (r.action == CCWRAP_EXEC) {
		char *q = ccwrap_shell_quote(r.argv);
		free(q);
	} else if (!r.text) {
		abort();
	}
	ccwrap_result_free(&r);
	sv_free(&args);
	sv_free_all(&pool);
	free(text);
	return 0;
}
