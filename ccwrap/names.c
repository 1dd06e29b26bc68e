/* What the invoked name says about language and libc flavour. */
#include <string.h>

#include "ccwrap.h"
#include "config.h"

static int ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && !strcmp(s + ls - lx, suffix);
}

enum ccwrap_lang ccwrap_lang_from_name(const char *base)
{
	if (ends_with(base, "++"))
		return CCWRAP_LANG_CXX;
	if (ends_with(base, "cpp"))
		return CCWRAP_LANG_CPP;
	return CCWRAP_LANG_C;
}

int ccwrap_flavour_from_name(const char *base)
{
	static const char *const prefixes[2] = {
		CCWRAP_TRIPLET "-", CCWRAP_GNU_TRIPLET "-",
	};

	/* glibc first: a name can't start with both unless they nest. */
	for (int glibc = 1; glibc >= 0; glibc--)
		if (!strncmp(base, prefixes[glibc], strlen(prefixes[glibc])))
			return glibc;
	return -1;
}
