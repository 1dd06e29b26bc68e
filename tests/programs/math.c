/* Floating point through libm and libgcc (long double is IEEE quad on
 * aarch64, done in software by libgcc's TF routines). */
#include <math.h>
#include <stdio.h>

int main(void)
{
    double s = 0;
    for (int i = 1; i <= 200000; i++)
        s += sin(i) * exp(-1.0 / i) + sqrt(i) / (i + 1.0);
    long double third = 1.0L / 3.0L;
    long double q = third * 3.0L - 1.0L;
    printf("sum=%.4f\n", s);
    printf("pow=%.10f log=%.10f atan2=%.10f\n", pow(2.5, 3.7), log(12345.678), atan2(1.0, -2.0));
    printf("quad third=%.25Lf residue=%Lg\n", third, q);
    printf("sizeof(long double)=%zu\n", sizeof(long double));
    return 0;
}
