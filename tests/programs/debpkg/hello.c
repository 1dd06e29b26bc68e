/* A C program for the cross-built test package. */
#include <stdio.h>

int main(void)
{
	puts("hello from a cross-built package");
	return 0;
}
