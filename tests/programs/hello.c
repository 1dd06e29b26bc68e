/* The smallest check: libc start-up, stdio, exit status. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argv;
    printf("hello from aarch64, argc=%d\n", argc);
    return 0;
}
