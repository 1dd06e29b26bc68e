#include "rsp.h"

#include <stdlib.h>
#include <string.h>

/* Same limit as libiberty: a self-including file must not hang us. */
#define RSP_MAX_FILES 2000

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	       c == '\r';
}

/* Copy one argument starting at *pp into buf; returns its length. */
static size_t split_one(const char **pp, char *buf)
{
	const char *p = *pp;
	size_t n = 0;
	int squote = 0, dquote = 0, bsquote = 0;

	for (; *p; p++) {
		if (is_space(*p) && !squote && !dquote && !bsquote)
			break;
		if (bsquote)
			bsquote = 0, buf[n++] = *p;
		else if (*p == '\\')
			bsquote = 1;
		else if (squote)
			*p == '\'' ? (void)(squote = 0) : (void)(buf[n++] = *p);
		else if (dquote)
			*p == '"' ? (void)(dquote = 0) : (void)(buf[n++] = *p);
		else if (*p == '\'')
			squote = 1;
		else if (*p == '"')
			dquote = 1;
		else
			buf[n++] = *p;
	}
	*pp = p;
	return n;
}

void rsp_split(const char *text, struct strvec *out, struct strvec *pool)
{
	/* No argument can be longer than the whole text. */
	char *buf = xmalloc(strlen(text) + 1);

	for (;;) {
		size_t n;

		while (is_space(*text))
			text++;
		if (!*text)
			break;
		n = split_one(&text, buf);
		sv_push(pool, xstrndup(buf, n));
		sv_push(out, pool->v[pool->n - 1]);
	}
	free(buf);
}

static const char *expand(int argc, char *const *argv, rsp_read_fn read_file,
			  void *ctx, struct strvec *out, struct strvec *pool,
			  int *budget)
{
	for (int i = 0; i < argc; i++) {
		struct strvec sub = { 0 };
		const char *err;
		char *text;

		if (argv[i][0] != '@' || !(text = read_file(argv[i] + 1, ctx))) {
			sv_push(out, argv[i]);
			continue;
		}
		if (--*budget < 0) {
			free(text);
			return "too many @-files encountered";
		}
		rsp_split(text, &sub, pool);
		free(text);
		err = expand((int)sub.n, sub.v, read_file, ctx, out, pool,
			     budget);
		sv_free(&sub);
		if (err)
			return err;
	}
	return NULL;
}

const char *rsp_expand(int argc, char *const *argv, rsp_read_fn read_file,
		       void *ctx, struct strvec *out, struct strvec *pool)
{
	int budget = RSP_MAX_FILES;

	return expand(argc, argv, read_file, ctx, out, pool, &budget);
}
