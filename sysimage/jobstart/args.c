/* --args FILE: the whole command line, prepared once by distcc-sandbox.sh
 * (--prepare) as NUL-separated words, so that a job costs no shell. It is
 * read (and run, maybe as root) only from a state directory that belongs
 * to this user and no one else can write, as a file of this user's that no
 * one else can write, not through a link. */
#define _GNU_SOURCE /* O_NOFOLLOW, O_DIRECTORY */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jobstart.h"

#define MAX_ARGS_BYTES (1024 * 1024)

/* owned_by_me FD WHAT: FD is this user's and only this user can write it. */
static void owned_by_me(int fd, const char *what)
{
	struct stat st;

	if (fstat(fd, &st))
		die("cannot stat %s: %s", what, strerror(errno));
	if (st.st_uid != geteuid() || (st.st_mode & 022))
		die("%s is not this user's, or others can write it", what);
}

char **load_args(const char *file, int *argc)
{
	char dir[4096], *slash, *buf, **argv;
	int dfd, fd, n = 0, i;
	ssize_t len = 0, r;

	if (snprintf(dir, sizeof(dir), "%s", file) >= (int)sizeof(dir))
		die("--args: the path is too long");
	slash = strrchr(dir, '/');
	if (!slash || slash == dir || !slash[1])
		die("--args needs STATE/FILE with an absolute or relative STATE: %s", file);
	*slash = 0;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		die("cannot open the state directory %s: %s", dir, strerror(errno));
	owned_by_me(dfd, dir);
	/* From here on, the state's log says why a job was refused. */
	fd = openat(dfd, "distccd.log", O_WRONLY | O_APPEND | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC);
	if (fd >= 0) {
		dup2(fd, 2);
		close(fd);
	}
	fd = openat(dfd, slash + 1, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die("cannot open %s: %s", file, strerror(errno));
	owned_by_me(fd, file);
	close(dfd);
	buf = malloc(MAX_ARGS_BYTES + 1);
	if (!buf)
		die("out of memory");
	while ((r = read(fd, buf + len, (size_t)(MAX_ARGS_BYTES + 1 - len))) > 0)
		len += r;
	if (r < 0)
		die("cannot read %s: %s", file, strerror(errno));
	close(fd);
	if (len > MAX_ARGS_BYTES || len == 0 || buf[len - 1])
		die("%s is not a list of NUL-terminated words under 1 MiB", file);
	for (i = 0; i < len; i++)
		n += !buf[i];
	argv = calloc((size_t)n + 2, sizeof(*argv));
	if (!argv)
		die("out of memory");
	argv[0] = "crossboot-jobstart";
	for (i = 0, n = 1; i < len; i += (int)strlen(buf + i) + 1)
		argv[n++] = buf + i;
	*argc = n;
	return argv; /* argv[1] is buf: main frees both */
}
