/* OpenMP (-fopenmp): a parallel loop with a reduction, run by the team
 * OMP_NUM_THREADS asks for. The expected output is for OMP_NUM_THREADS=4:
 * a team of 4 in which every thread ran its share of the loop (static
 * schedule), and the sum. Any other team size prints another first line. */
#include <omp.h>
#include <stdio.h>

#define N 1000000
#define MAX_THREADS 64

int main(void)
{
    long long sum = 0;
    int team = 0, worked[MAX_THREADS] = { 0 }, n = 0;

#pragma omp parallel reduction(+ : sum)
    {
#pragma omp single
        team = omp_get_num_threads();
#pragma omp for schedule(static)
        for (int i = 1; i <= N; i++) {
            sum += i;
            worked[omp_get_thread_num() % MAX_THREADS] = 1;
        }
    }
    for (int t = 0; t < MAX_THREADS; t++)
        n += worked[t];
    printf("team of %d threads, %d of them worked\n", team, n);
    printf("sum 1..%d = %lld\n", N, sum);
    return 0;
}
