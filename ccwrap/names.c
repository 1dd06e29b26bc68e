/* What the invoked name says about language and libc flavour. */
#include <string.h>

#include "ccwrap.h"
#include "config.h"

/* Length of base without a version suffix such as "-9" or "-12.2.0":
 * Debian's names (aarch64-linux-gnu-g++-9) say the language before it. */
static size_t unversioned_len(const char *base)
{
	size_t n = strlen(base), i = n;

	while (i > 0 && (strchr("0123456789.", base[i - 1])))
		i--;
	return i < n && i > 0 && base[i - 1] == '-' ? i - 1 : n;
}

static int ends_with(const char *s, size_t ls, const char *suffix)
{
	size_t lx = strlen(suffix);

	return ls >= lx && !strncmp(s + ls - lx, suffix, lx);
}

enum ccwrap_lang ccwrap_lang_from_name(const char *base)
{
	size_t n = unversioned_len(base);

	if (ends_with(base, n, "++"))
		return CCWRAP_LANG_CXX;
	if (ends_with(base, n, "cpp"))
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
