/* The job's side, after the fork: what ulimit, setpriv, keyctl, unshare
 * and mount did for it before, then exec of the sandbox (bubblewrap) as
 * pid 1 of a pid namespace of the job's own. Every failure ends the job
 * (status 126) with one line in the log. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/capability.h>

#include "jobstart.h"

#define KEYCTL_JOIN_SESSION_KEYRING 1 /* <linux/keyctl.h> */

static void fail(const char *what) __attribute__((noreturn));
static void fail(const char *what)
{
	dprintf(2, "distcc-sandbox: error: %s: %s\n", what, strerror(errno));
	_exit(126);
}

/* close_others: every descriptor but the connection (0, 1), the log pipe
 * (2) and the command list (3). */
static void close_others(void)
{
#ifdef SYS_close_range
	if (!syscall(SYS_close_range, 4U, ~0U, 0U))
		return;
#endif
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int keep;

	if (!d)
		fail("listing /proc/self/fd");
	keep = dirfd(d);
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);

		if (fd > 3 && fd != keep)
			close(fd);
	}
	closedir(d);
}

/* drop_root: as setpriv --reuid --regid --clear-groups --inh-caps=-all. */
static void drop_root(long uid, long gid)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (uid < 0)
		return;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		fail("clearing ambient capabilities");
	if (setgroups(0, NULL))
		fail("setgroups");
	if (setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid))
		fail("setresgid");
	if (setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid))
		fail("setresuid");
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capset, &h, d))
		fail("clearing capabilities");
	/* The change of user made this process undumpable, and so its /proc
	 * files root's: the namespace maps below could not be written. An
	 * exec (bwrap's) makes it dumpable again anyway. */
	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0))
		fail("PR_SET_DUMPABLE");
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t n = strlen(text);

	if (fd < 0 || write(fd, text, n) != (ssize_t)n)
		fail(path);
	close(fd);
}

/* own_namespaces: a user namespace where this user is root, a mount
 * namespace of its own in which the job's bounded tmpfs is mounted (bwrap's
 * own --tmpfs has no file limit), and a pid namespace for the next process
 * (first_in_pid_namespace); RLIMIT_NPROC set in there. */
static void own_namespaces(const struct job_options *o)
{
	char map[64];
	uid_t uid = getuid();
	gid_t gid = getgid();
	/* (+1: the process waiting for the job's pid 1 counts too) */
	struct rlimit r = { (rlim_t)o->procs + 1, (rlim_t)o->procs + 1 };

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID))
		fail("unshare (user or pid namespaces may be off: sysctl user.max_user_namespaces, "
		     "user.max_pid_namespaces, kernel.unprivileged_userns_clone, "
		     "AppArmor's restrict_unprivileged_userns)");
	write_file("/proc/self/setgroups", "deny");
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	write_file("/proc/self/uid_map", map);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	write_file("/proc/self/gid_map", map);
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		fail("making the mounts private");
	if (mount("crossboot-job", o->scratch, "tmpfs", MS_NOSUID | MS_NODEV, o->tmpfs))
		fail("mounting the job's tmpfs");
	if (setrlimit(RLIMIT_NPROC, &r))
		fail("setting the process limit");
}

/* limit: RESOURCE set to VALUE x UNIT (soft and hard), or to the hard limit
 * if that is lower; VALUE < 0: as is. */
static void limit(int resource, long value, rlim_t unit, const char *what)
{
	struct rlimit r;

	if (value < 0)
		return;
	if (getrlimit(resource, &r))
		fail(what);
	if (r.rlim_max == RLIM_INFINITY || (rlim_t)value * unit < r.rlim_max)
		r.rlim_max = (rlim_t)value * unit;
	r.rlim_cur = r.rlim_max;
	if (setrlimit(resource, &r))
		fail(what);
}

/* limits: what every process of the job inherits; the process limit is
 * set later, inside the job's user namespace. */
static void limits(const struct job_options *o)
{
	limit(RLIMIT_CORE, 0, 1, "RLIMIT_CORE");
	limit(RLIMIT_NOFILE, 1024, 1, "RLIMIT_NOFILE");
	limit(RLIMIT_CPU, o->cpu ? o->cpu : -1, 1, "RLIMIT_CPU");
	limit(RLIMIT_AS, o->mem_mb ? o->mem_mb : -1, 1024 * 1024, "RLIMIT_AS");
	limit(RLIMIT_FSIZE, o->file_mb ? o->file_mb : -1, 1024 * 1024, "RLIMIT_FSIZE");
}

/* move_fd: FROM as TO, inherited by the exec (dup2 leaves a descriptor
 * that already is TO close-on-exec). */
static void move_fd(int from, int to)
{
	if (from == to ? fcntl(to, F_SETFD, 0) : dup2(from, to) < 0)
		fail("dup2");
}

/* first_in_pid_namespace: returns in a child, pid 1 of the namespace
 * own_namespaces() made, killed when this process dies; this process waits
 * for it and exits as it did. When pid 1 ends, however it ends, the kernel
 * kills every process left in its namespace and in those nested in it. The
 * sandbox's own --die-with-parent does not make that sure: bwrap killed
 * during its set-up leaves its child waiting forever on an eventfd, before
 * that child asks to die with its parent (found by the farm test: such a
 * child, holding the connection, outlived its killed host). */
static void first_in_pid_namespace(void)
{
	int alive[2], status;
	struct pollfd p;
	pid_t pid;

	if (pipe2(alive, O_CLOEXEC))
		fail("pipe");
	pid = fork();
	if (pid < 0)
		fail("fork (the job's pid namespace)");
	if (pid == 0) {
		close(alive[1]);
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
			fail("PR_SET_PDEATHSIG");
		/* Its parent is outside its namespace (getppid() says 0): the
		 * pipe's other end, closed, tells that the parent is gone. */
		p.fd = alive[0];
		p.events = POLLIN;
		p.revents = 0;
		if (poll(&p, 1, 0) != 0)
			_exit(126);
		close(alive[0]);
		return;
	}
	close(alive[0]);
	/* The host's stop (SIGTERM to every job process by name) is the
	 * starter's to handle: it kills this with SIGKILL and says why. */
	signal(SIGTERM, SIG_IGN);
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	/* The connection and the command list are the job's alone (the
	 * pipe's end stays, whatever number it got). */
	for (int fd = 0; fd <= 3; fd++)
		if (fd != 2 && fd != alive[1])
			close(fd);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			fail("waitpid");
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

void enter_and_exec(const struct job_options *o, int log_fd, int cmdlist_fd, pid_t parent)
{
	move_fd(log_fd, 2);
	if (cmdlist_fd >= 0)
		move_fd(cmdlist_fd, 3);
	else
		close(3);
	close_others();
	limits(o);
	drop_root(o->uid, o->gid);
	/* A new session keyring: the one this was started with, and so its
	 * keys, stay out. */
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0)
		fail("joining a new session keyring");
	own_namespaces(o);
	/* Killed with the starter (kill -9, the OOM killer), and the job's
	 * pid 1 with this (which the relay kills at the wall time): else the
	 * job would outlive its wall time. Set here, after the last change of
	 * user, which clears it. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0))
		fail("PR_SET_PDEATHSIG");
	if (getppid() != parent)
		_exit(126);
	first_in_pid_namespace();
	execvp(o->argv[0], o->argv);
	fail(o->argv[0]);
}
