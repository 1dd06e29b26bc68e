/* The job slots: at most JOBS jobs run and 2 x JOBS wait; more connections
 * are refused at once. A slot is a lock (flock) on a file of the state's
 * slots directory, held by this process until the job ends, so a killed
 * job's slot frees itself. The descriptors are close-on-exec: the job
 * never gets them. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "jobstart.h"

static int open_slot(const char *dir, const char *kind, long k)
{
	char path[4096];
	int fd;

	if (snprintf(path, sizeof(path), "%s/%s.%ld", dir, kind, k) >= (int)sizeof(path))
		die("the slots directory's path is too long");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		die("cannot open the job slot %s: %s", path, strerror(errno));
	return fd;
}

/* lock_one: a lock on one of DIR/KIND.1 .. KIND.N without waiting; -1 when
 * all are taken. */
static int lock_one(const char *dir, const char *kind, long n)
{
	long k;

	for (k = 1; k <= n; k++) {
		int fd = open_slot(dir, kind, k);

		if (!flock(fd, LOCK_EX | LOCK_NB))
			return fd;
		close(fd);
	}
	return -1;
}

/* A waiter wakes when a slot file is closed (inotify on the directory: a
 * job's end closes its slot), so it takes whichever slot frees first, not
 * one fixed in advance. The kernel reports a close just before it drops the
 * file's lock, so a waiter that still finds every slot taken tries again
 * RETRY_MS later at most. */
#define RETRY_MS 50

static long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* wait_any: a lock on one of the N run slots, FDS (open), within WALL
 * seconds; returns its index. */
static long wait_any(const char *dir, int *fds, long n, long wall)
{
	long deadline = now_ms() + wall * 1000, k, left;
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	char events[4096];

	if (in < 0 || inotify_add_watch(in, dir, IN_CLOSE) < 0)
		die("cannot watch the slots directory: %s", strerror(errno));
	for (;;) {
		struct pollfd p = { .fd = in, .events = POLLIN };

		for (k = 0; k < n; k++)
			if (!flock(fds[k], LOCK_EX | LOCK_NB))
				break;
		if (k < n)
			break;
		left = deadline - now_ms();
		if (left <= 0)
			die("no free job slot in %ld s", wall);
		if (poll(&p, 1, (int)(left < RETRY_MS ? left : RETRY_MS)) < 0 && errno != EINTR)
			die("cannot wait for a job slot: %s", strerror(errno));
		while (read(in, events, sizeof(events)) > 0)
			; /* which file does not matter: every slot is tried again */
	}
	close(in);
	return k;
}

/* room_for N: a soft limit on open files of at least N where the hard one allows. */
static void room_for(long n)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) || r.rlim_cur == RLIM_INFINITY || r.rlim_cur >= (rlim_t)n)
		return;
	r.rlim_cur = (r.rlim_max == RLIM_INFINITY || r.rlim_max > (rlim_t)n) ? (rlim_t)n : r.rlim_max;
	setrlimit(RLIMIT_NOFILE, &r); /* short of it, open_slot says so */
}

void take_slot(const struct job_options *o)
{
	int *fds;
	long k, got;

	if (!o->slots)
		return;
	if (lock_one(o->slots, "run", o->jobs) >= 0)
		return;
	if (lock_one(o->slots, "wait", o->jobs * 2) < 0)
		die("refused: %ld connections already wait", o->jobs * 2);
	/* The run slots stay open while waiting: only a job's end closes one
	 * (up to 4096 of them: room made under the hard limit; the job's side
	 * sets its own). */
	room_for(o->jobs + 16);
	fds = calloc((size_t)o->jobs, sizeof(*fds));
	if (!fds)
		die("out of memory");
	for (k = 0; k < o->jobs; k++)
		fds[k] = open_slot(o->slots, "run", k + 1);
	got = wait_any(o->slots, fds, o->jobs, o->wall);
	for (k = 0; k < o->jobs; k++)
		if (k != got)
			close(fds[k]);
	free(fds);
	/* the wait slot stays held too: it is freed when this process ends */
}
