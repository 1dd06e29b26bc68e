/* For the debugger tests: a breakpoint in inner(), called by outer(), called
 * by main(), with a local whose value is known (42). */
#include <stdio.h>

static int __attribute__((noinline)) inner(int x)
{
	int local = x * 6;
	printf("inner %d\n", local);
	return local;
}

static int __attribute__((noinline)) outer(int y)
{
	return inner(y + 1) + 1;
}

int main(void)
{
	printf("result %d\n", outer(6));
	return 0;
}
