/* crossboot-jobstart: starts one distcc job's sandbox (see main.c). */
#ifndef JOBSTART_H
#define JOBSTART_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

#define MAX_ALLOW 64

/* What distcc-sandbox.sh asks for; see usage() in options.c. */
struct job_options {
	const char *tag;      /* prefix of every log line ("" for none) */
	const char *log;      /* the log to append to (else stderr as it is) */
	const char *slots;    /* directory of run.N / wait.N lock files, or NULL */
	long jobs;            /* run slots (wait slots: twice as many) */
	long wall;            /* seconds of wall time, for the job and for a slot */
	const char *scratch;  /* where the job's tmpfs is mounted */
	const char *tmpfs;    /* its tmpfs options (size, nr_inodes, mode) */
	long procs;           /* RLIMIT_NPROC inside the job's user namespace */
	long cpu, mem_mb, file_mb; /* RLIMIT_CPU (s), _AS and _FSIZE (MiB); 0: as is */
	long uid, gid;        /* the user to run as when started by root; -1: stay */
	const char *cmdlist;  /* text the job reads on descriptor 3, or NULL */
	const char *allow[MAX_ALLOW]; /* client networks ADDR/BITS (SOCAT_PEERADDR) */
	int nallow;
	char **argv;          /* the program (bubblewrap) and its arguments */
};

#define LOG_LIMIT (1024L * 1024L) /* bytes a job may log */
#define LOG_TOTAL_LIMIT (256L * 1024L * 1024L) /* bytes the log may grow to */

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void set_log_tag(const char *tag);
void parse_options(int argc, char **argv, struct job_options *o);
char **load_args(const char *file, int *argc);
int peer_allowed(const char *peer, const char *const *nets, int n);
void take_slot(const struct job_options *o);
void enter_and_exec(const struct job_options *o, int log_fd, int cmdlist_fd, pid_t parent)
	__attribute__((noreturn));
enum { KILLED_NOT, KILLED_WALL, KILLED_STOP };
int stop_requested(void);
int relay(int from, const char *tag, long wall, pid_t child, int *killed,
	  const sigset_t *waiting_mask);

#endif
