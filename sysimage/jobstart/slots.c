/* The job slots: at most JOBS jobs run and 2 x JOBS wait; more connections
 * are refused at once. A slot is a lock (flock) on a file of the state's
 * slots directory, held by this process until the job ends, so a killed
 * job's slot frees itself. The descriptors are close-on-exec: the job
 * never gets them. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
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

static void on_alarm(int sig)
{
	(void)sig; /* only interrupts flock() */
}

void take_slot(const struct job_options *o)
{
	struct sigaction sa;
	int fd;

	if (!o->slots)
		return;
	if (lock_one(o->slots, "run", o->jobs) >= 0)
		return;
	if (lock_one(o->slots, "wait", o->jobs * 2) < 0)
		die("refused: %ld connections already wait", o->jobs * 2);
	/* Wait on one run slot (no polling) for at most the wall time. */
	fd = open_slot(o->slots, "run", (long)getpid() % o->jobs + 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm; /* no SA_RESTART: flock() returns EINTR */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	alarm((unsigned)o->wall);
	if (flock(fd, LOCK_EX)) {
		if (errno == EINTR)
			die("no free job slot in %ld s", o->wall);
		die("cannot lock a job slot: %s", strerror(errno));
	}
	alarm(0);
	/* the wait slot stays held too: it is freed when this process ends */
}
