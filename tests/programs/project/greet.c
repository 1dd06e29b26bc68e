#include <stdio.h>

void greet(const char *who);

void greet(const char *who)
{
    printf("hello %s from C\n", who);
}
