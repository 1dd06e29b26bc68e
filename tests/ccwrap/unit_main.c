/* Runs the ccwrap unit test suites and prints one summary per suite. */
#include <stdio.h>

#include "unit.h"

int main(void)
{
	static const struct {
		const char *name;
		struct suite_result (*fn)(void);
	} suites[] = {
		{ "rewrite", suite_rewrite },
		{ "misc", suite_misc },
	};
	int failed = 0;

	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		struct suite_result r = suites[i].fn();

		printf("suite %s: %d run, %d passed, %d failed\n",
		       suites[i].name, r.run, r.run - r.failed, r.failed);
		failed += r.failed;
	}
	return failed ? 1 : 0;
}
