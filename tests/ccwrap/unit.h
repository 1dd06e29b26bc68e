/* Tiny test harness shared by the ccwrap unit test suites. */
#ifndef CCWRAP_UNIT_H
#define CCWRAP_UNIT_H

#include <stdio.h>

struct suite_result {
	int run, failed;
};

struct suite_result suite_rewrite(void);
struct suite_result suite_misc(void);

#define CHECK(res, cond, ...)                                               \
	do {                                                                \
		(res)->run++;                                               \
		if (!(cond)) {                                              \
			(res)->failed++;                                    \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);         \
			printf(__VA_ARGS__);                                \
			printf("\n");                                       \
		}                                                           \
	} while (0)

#endif
