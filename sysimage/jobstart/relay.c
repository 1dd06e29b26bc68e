/* The job's messages: read from its pipe, each line marked with the tag and
 * written to the log (this process's stderr), at most LOG_LIMIT bytes of
 * them; the job killed when its wall time is over. The job holds only the
 * pipe, never a descriptor of the log it could reopen through /proc. */
#define _GNU_SOURCE /* ppoll */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jobstart.h"

static long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* put: LEN bytes to the log; write errors are ignored (the job goes on). */
static void put(const char *s, size_t len)
{
	while (len) {
		ssize_t w = write(2, s, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		s += w;
		len -= (size_t)w;
	}
}

/* printable: control bytes but tab and newline as '?': whoever reads the
 * log on a terminal gets no escape sequences of a job's. */
static void printable(char *buf, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];

		if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
			buf[i] = '?';
	}
}

static const char limit_msg[] =
	"distcc-sandbox: the job's log limit is reached; the rest is left out\n";

struct out {
	const char *tag;
	long logged;   /* the job's bytes written so far */
	int mid_line;  /* the last byte written was not a newline */
};

/* emit: the job's bytes, a tag before each line, up to the limit. */
static void emit(struct out *o, const char *buf, size_t len)
{
	while (len && o->logged < LOG_LIMIT) {
		const char *nl = memchr(buf, '\n', len);
		size_t n = nl ? (size_t)(nl - buf) + 1 : len;

		if ((long)n > LOG_LIMIT - o->logged)
			n = (size_t)(LOG_LIMIT - o->logged);
		if (!o->mid_line && *o->tag) {
			put(o->tag, strlen(o->tag));
			put(": ", 2);
		}
		put(buf, n);
		o->logged += (long)n;
		o->mid_line = buf[n - 1] != '\n';
		buf += n;
		len -= n;
		if (o->logged >= LOG_LIMIT) {
			if (o->mid_line)
				put("\n", 1);
			o->mid_line = 0;
			if (*o->tag) {
				put(o->tag, strlen(o->tag));
				put(": ", 2);
			}
			put(limit_msg, sizeof(limit_msg) - 1);
		}
	}
}

/* relay FROM TAG WALL CHILD KILLED MASK: until the pipe's end (every
 * process of the job gone), or the wall time or a stop signal: then CHILD
 * (whose death ends the job's pid namespace, every process in it) is killed
 * (KILLED says why), and the pipe read to its end for a few seconds more.
 * The stop signals are let in (MASK) only while it waits. Returns 0, or -1
 * if the pipe never ended. */
int relay(int from, const char *tag, long wall, pid_t child, int *killed,
	  const sigset_t *waiting_mask)
{
	struct out o = { tag, 0, 0 };
	long long deadline = now_ms() + wall * 1000LL;
	char buf[8192];

	*killed = KILLED_NOT;
	for (;;) {
		struct pollfd p = { from, POLLIN, 0 };
		long long left = deadline - now_ms();
		struct timespec t;
		int r;
		ssize_t n;

		if (!*killed && (left <= 0 || stop_requested())) {
			kill(child, SIGKILL);
			*killed = left <= 0 ? KILLED_WALL : KILLED_STOP;
			deadline = now_ms() + 5000; /* to read what is left */
			continue;
		}
		if (left <= 0)
			return -1;
		if (left > 60000)
			left = 60000;
		t.tv_sec = (time_t)(left / 1000);
		t.tv_nsec = (long)(left % 1000) * 1000000L;
		r = ppoll(&p, 1, &t, waiting_mask);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			continue;
		n = read(from, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		printable(buf, (size_t)n);
		emit(&o, buf, (size_t)n);
	}
	if (o.mid_line)
		put("\n", 1);
	return 0;
}
