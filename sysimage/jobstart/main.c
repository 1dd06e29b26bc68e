/* crossboot-jobstart: one distcc job's sandbox, started. distcc-sandbox.sh
 * decides the policy (what the job sees: bubblewrap's arguments; the
 * limits) and writes it once as this program's command line (--prepare);
 * qemu (a guestfwd "cmd:" forward) or socat (a listening compile host)
 * then runs this for every connection, with the connection on stdin and
 * stdout. It does what ulimit, setpriv, keyctl, unshare, mount, flock,
 * timeout and a log filter did before, in one small static program: those,
 * and the shell around them, were a dozen programs started for every
 * compile job, and their start-up was most of what the sandbox cost. The
 * sandbox itself is bubblewrap's.
 *
 * This process: checks the client's address (--allow), takes a job slot
 * (slots.c), forks the job (enter.c: limits, leaves root, a new session
 * keyring, its own user, mount and pid namespaces with a bounded tmpfs,
 * then exec of PROGRAM, bubblewrap, as that pid namespace's pid 1),
 * relays the job's messages to the log with its tag (relay.c), kills it at
 * the wall time, and exits with its status (128 + signal when killed). */
#define _GNU_SOURCE /* pipe2, O_NOFOLLOW */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobstart.h"

static const char *log_tag = "";
static volatile sig_atomic_t stop_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

/* catch_stop: SIGTERM, SIGINT and SIGHUP (a compile host stopping) end the
 * job as its wall time does, logged; they are blocked but while relay()
 * waits (ppoll), so none is missed between a check and the wait. */
static void catch_stop(sigset_t *blocked)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop; /* no SA_RESTART */
	sigemptyset(&sa.sa_mask);
	sigemptyset(blocked);
	sigaddset(blocked, SIGTERM);
	sigaddset(blocked, SIGINT);
	sigaddset(blocked, SIGHUP);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int stop_requested(void)
{
	return stop_signal != 0;
}

void set_log_tag(const char *tag)
{
	log_tag = tag;
}

void die(const char *fmt, ...)
{
	va_list ap;

	if (*log_tag)
		fprintf(stderr, "%s: ", log_tag);
	fputs("distcc-sandbox: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

/* open_log: the log on stderr (until it is open, stderr may be the
 * connection or a terminal: nothing goes there). */
static void open_log(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);

	if (fd < 0 || dup2(fd, 2) < 0)
		exit(2);
	close(fd);
}

/* cap_log: this process (the relay) writes the log no further than
 * LOG_TOTAL_LIMIT bytes: each job logs at most LOG_LIMIT, but a client can
 * start jobs without end. Writes past it fail (SIGXFSZ is ignored). */
static void cap_log(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_FSIZE, &r) == 0 && r.rlim_cur > (rlim_t)LOG_TOTAL_LIMIT) {
		r.rlim_cur = (rlim_t)LOG_TOTAL_LIMIT;
		setrlimit(RLIMIT_FSIZE, &r);
	}
}

/* cmdlist_pipe: a pipe holding TEXT, its read end returned. */
static int cmdlist_pipe(const char *text)
{
	int p[2];
	size_t len = strlen(text);

	if (len > 60000)
		die("the command list is longer than a pipe holds");
	if (pipe2(p, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	if (write(p[1], text, len) != (ssize_t)len)
		die("writing the command list: %s", strerror(errno));
	close(p[1]);
	return p[0];
}

int main(int argc, char **argv)
{
	struct job_options o;
	int logp[2], status, killed, rc, cmdlist = -1;
	char tag[64], **loaded = NULL;
	sigset_t stops, unblocked;
	pid_t child, parent;

	/* An ignored SIGCHLD (inherited through exec) would reap the job
	 * before waitpid() sees its status. */
	signal(SIGCHLD, SIG_DFL);

	if (argc == 3 && !strcmp(argv[1], "--args")) {
		int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (fd < 0 || dup2(fd, 2) < 0)
			return 2;
		close(fd);
		argv = loaded = load_args(argv[2], &argc);
	}
	parse_options(argc, argv, &o);
	if (o.log)
		open_log(o.log);
	if (!strcmp(o.tag, "job")) {
		snprintf(tag, sizeof(tag), "job %ld", (long)getpid());
		o.tag = tag;
	}
	set_log_tag(o.tag);
	if (geteuid() == 0 && o.uid < 0)
		die("started by root without --uid and --gid: a job never runs as root");
	if (o.nallow && peer_allowed(getenv("SOCAT_PEERADDR"), o.allow, o.nallow) != 1)
		die("refused: %s is not in the allowed networks",
		    getenv("SOCAT_PEERADDR") ? getenv("SOCAT_PEERADDR") : "a client of unknown address");
	/* A full or too large log must not end the job's relay. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGXFSZ, SIG_IGN);
	take_slot(&o);
	if (o.cmdlist)
		cmdlist = cmdlist_pipe(o.cmdlist);
	if (pipe2(logp, O_CLOEXEC))
		die("pipe: %s", strerror(errno));
	catch_stop(&stops);
	sigprocmask(SIG_BLOCK, &stops, &unblocked);
	/* (a starter that had them blocked: they must get in while waiting) */
	sigdelset(&unblocked, SIGTERM);
	sigdelset(&unblocked, SIGINT);
	sigdelset(&unblocked, SIGHUP);
	parent = getpid();
	child = fork();
	if (child < 0)
		die("fork: %s", strerror(errno));
	if (child == 0) {
		signal(SIGPIPE, SIG_DFL);
		signal(SIGXFSZ, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		sigprocmask(SIG_SETMASK, &unblocked, NULL);
		enter_and_exec(&o, logp[1], cmdlist, parent);
	}
	cap_log();
	close(logp[1]);
	if (cmdlist >= 0)
		close(cmdlist);
	if (relay(logp[0], o.tag, o.wall, child, &killed, &unblocked))
		die("the job's processes did not end after it was killed");
	close(logp[0]);
	while (waitpid(child, &status, 0) < 0)
		if (errno != EINTR)
			die("waitpid: %s", strerror(errno));
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (rc) {
		if (*o.tag)
			fprintf(stderr, "%s: ", o.tag);
		fprintf(stderr, "distcc-sandbox: job ended with exit %d%s\n", rc,
			killed == KILLED_STOP ? " (killed: the host is stopping)"
			: killed == KILLED_WALL ? " (killed: its wall time is over)"
			: rc == 137 ? " (killed: a limit)" : "");
	}
	if (loaded) {
		free(loaded[1]); /* the file's words, one buffer */
		free(loaded);
	}
	return rc;
}
