/* Growable NULL-terminated string vectors and allocation helpers that
 * exit on out-of-memory (ccwrap has nothing useful to do without memory). */
#ifndef CCWRAP_STRVEC_H
#define CCWRAP_STRVEC_H

#include <stdarg.h>
#include <stddef.h>

struct strvec {
	char **v;      /* always NULL-terminated once anything was pushed */
	size_t n, cap;
};

void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xvasprintf(const char *fmt, va_list va);
char *xasprintf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

void sv_push(struct strvec *sv, char *s);
/* Free the array only (elements are owned elsewhere). */
void sv_free(struct strvec *sv);
/* Free the elements and the array. */
void sv_free_all(struct strvec *sv);
/* Join with sep into a new string. */
char *sv_join(const struct strvec *sv, const char *sep);

#endif
