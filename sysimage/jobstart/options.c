/* The command line: every setting distcc-sandbox.sh passes, checked. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jobstart.h"

static void usage(void)
{
	die("usage: crossboot-jobstart --args FILE | [--tag TAG] [--log FILE] [--slots DIR --jobs N] "
	    "--wall SECONDS --scratch DIR --tmpfs OPTIONS --procs N [--cpu SECONDS] [--mem MiB] "
	    "[--file MiB] [--uid UID --gid GID] [--cmdlist TEXT] [--allow ADDR/BITS]... "
	    "-- PROGRAM [ARG...]");
}

/* number: VALUE as a whole number from MIN to MAX, or one line and exit. */
static long number(const char *name, const char *value, long min, long max)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 10);
	if (errno || end == value || *end || n < min || n > max)
		die("%s needs a whole number from %ld to %ld, not \"%s\"", name, min, max, value);
	return n;
}

void parse_options(int argc, char **argv, struct job_options *o)
{
	int i;

	memset(o, 0, sizeof(*o));
	o->tag = "";
	o->uid = o->gid = -1;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *v;

		if (!strcmp(a, "--"))
			break;
		if (i + 1 >= argc)
			usage();
		v = argv[++i];
		if (!strcmp(a, "--tag"))
			o->tag = v;
		else if (!strcmp(a, "--log"))
			o->log = v;
		else if (!strcmp(a, "--slots"))
			o->slots = v;
		else if (!strcmp(a, "--jobs"))
			o->jobs = number(a, v, 1, 4096);
		else if (!strcmp(a, "--wall"))
			o->wall = number(a, v, 1, 1000000);
		else if (!strcmp(a, "--scratch"))
			o->scratch = v;
		else if (!strcmp(a, "--tmpfs"))
			o->tmpfs = v;
		else if (!strcmp(a, "--procs"))
			o->procs = number(a, v, 1, 1000000);
		else if (!strcmp(a, "--cpu"))
			o->cpu = number(a, v, 1, 100000000);
		else if (!strcmp(a, "--mem"))
			o->mem_mb = number(a, v, 1, 100000000);
		else if (!strcmp(a, "--file"))
			o->file_mb = number(a, v, 1, 100000000);
		else if (!strcmp(a, "--uid"))
			o->uid = number(a, v, 1, 0x7fffffff);
		else if (!strcmp(a, "--gid"))
			o->gid = number(a, v, 1, 0x7fffffff);
		else if (!strcmp(a, "--cmdlist"))
			o->cmdlist = v;
		else if (!strcmp(a, "--allow")) {
			if (o->nallow == MAX_ALLOW)
				die("more than %d --allow networks", MAX_ALLOW);
			if (peer_allowed(NULL, &v, 1) < 0)
				die("--allow needs ADDR/BITS (IPv4), not \"%s\"", v);
			o->allow[o->nallow++] = v;
		} else
			usage();
	}
	if (i + 1 >= argc || !o->wall || !o->scratch || !o->tmpfs || !o->procs ||
	    (o->slots && !o->jobs) || ((o->uid < 0) != (o->gid < 0)))
		usage();
	o->argv = argv + i + 1;
}
