/* POSIX threads, a mutex, C11 atomics and thread-local storage. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#define THREADS 4
#define ROUNDS 100000

static _Thread_local long tls_counter;
static atomic_long atomic_total;
static long locked_total;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *work(void *arg)
{
    long id = (long)arg;
    for (int i = 0; i < ROUNDS; i++) {
        tls_counter += id;
        atomic_fetch_add(&atomic_total, 1);
        pthread_mutex_lock(&lock);
        locked_total++;
        pthread_mutex_unlock(&lock);
    }
    return (void *)(tls_counter / ROUNDS);
}

int main(void)
{
    pthread_t t[THREADS];
    for (long i = 0; i < THREADS; i++)
        if (pthread_create(&t[i], NULL, work, (void *)(i + 1)))
            return 1;
    for (int i = 0; i < THREADS; i++) {
        void *r;
        pthread_join(t[i], &r);
        printf("thread %d tls=%ld\n", i + 1, (long)r);
    }
    printf("main tls=%ld atomic=%ld locked=%ld\n", tls_counter, (long)atomic_total, locked_total);
    return 0;
}
