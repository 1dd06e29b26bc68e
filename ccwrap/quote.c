/* Shell quoting for the CCWRAP_DEBUG trace, so it can be pasted back. */
#include <string.h>

#include "ccwrap.h"

static int needs_quotes(const char *s)
{
	if (!*s)
		return 1;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789-_./=+,:@%", *s))
			return 1;
	return 0;
}

/* 'it'\''s' style; every byte is safe inside single quotes except '. */
static size_t quote_one(const char *s, char *out)
{
	size_t n = 0;

	if (!needs_quotes(s)) {
		n = strlen(s);
		if (out)
			memcpy(out, s, n);
		return n;
	}
	if (out)
		out[n] = '\'';
	n++;
	for (; *s; s++) {
		const char *piece = *s == '\'' ? "'\\''" : NULL;
		size_t l = piece ? 4 : 1;

		if (out)
			memcpy(out + n, piece ? piece : s, l);
		n += l;
	}
	if (out)
		out[n] = '\'';
	return n + 1;
}

char *ccwrap_shell_quote(char *const *argv)
{
	size_t len = 1;
	char *out, *p;

	for (char *const *a = argv; *a; a++)
		len += quote_one(*a, NULL) + 1;
	p = out = xmalloc(len);
	for (char *const *a = argv; *a; a++) {
		if (a != argv)
			*p++ = ' ';
		p += quote_one(*a, p);
	}
	*p = 0;
	return out;
}
