/* Unit tests of the helpers: response-file splitting, shell quoting,
 * names, and finding the install dir with and without /proc. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ccwrap.h"
#include "rsp.h"
#include "selfpath.h"
#include "unit.h"

/* printf("%s", NULL) is undefined; failures print "(null)" this way. */
static const char *str(const char *s)
{
	return s ? s : "(null)";
}

static void test_split(struct suite_result *res)
{
	static const struct {
		const char *text, *want; /* args joined with '|' */
	} cases[] = {
		{ "", "" },
		{ "  \n\t ", "" },
		{ "a b\tc\nd", "a|b|c|d" },
		{ "'a b' \"c d\"", "a b|c d" },
		{ "a\\ b", "a b" },
		{ "'it'\\''s'", "it's" },
		{ "\"\"", "" },
		{ "x'' y", "x|y" },
		{ "-DX=\"a b\" -c", "-DX=a b|-c" },
		{ "trail\\", "trail" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strvec out = { 0 }, pool = { 0 };
		char *got;

		rsp_split(cases[i].text, &out, &pool);
		got = out.n ? sv_join(&out, "|") : xstrdup("");
		CHECK(res, !strcmp(got, cases[i].want), "split(%s) = %s",
		      cases[i].text, got);
		free(got);
		sv_free(&out);
		sv_free_all(&pool);
	}
}

static void test_quote(struct suite_result *res)
{
	char *argv[] = { "gcc", "a b", "it's", "", "-DX=1", NULL };
	char *q = ccwrap_shell_quote(argv);

	CHECK(res, !strcmp(q, "gcc 'a b' 'it'\\''s' '' -DX=1"), "quote: %s", q);
	free(q);
}

static void test_names(struct suite_result *res)
{
	CHECK(res, ccwrap_lang_from_name("aarch64-linux-musl-g++") == CCWRAP_LANG_CXX, "g++");
	CHECK(res, ccwrap_lang_from_name("c++") == CCWRAP_LANG_CXX, "c++");
	CHECK(res, ccwrap_lang_from_name("cpp") == CCWRAP_LANG_CPP, "cpp");
	CHECK(res, ccwrap_lang_from_name("aarch64-linux-musl-cc") == CCWRAP_LANG_C, "cc");
	CHECK(res, ccwrap_lang_from_name("gcc") == CCWRAP_LANG_C, "gcc");
	CHECK(res, ccwrap_lang_from_name("aarch64-linux-gnu-g++-9") == CCWRAP_LANG_CXX, "g++-9");
	CHECK(res, ccwrap_lang_from_name("aarch64-linux-gnu-cpp-12.2.0") == CCWRAP_LANG_CPP, "cpp-12.2.0");
	CHECK(res, ccwrap_lang_from_name("aarch64-linux-gnu-gcc-9") == CCWRAP_LANG_C, "gcc-9");
	CHECK(res, ccwrap_lang_from_name("c++-") == CCWRAP_LANG_C, "c++- is no version");
	CHECK(res, ccwrap_lang_from_name("9") == CCWRAP_LANG_C, "bare digits");
	CHECK(res, ccwrap_flavour_from_name("aarch64-linux-gnu-gcc") == 1, "gnu");
	CHECK(res, ccwrap_flavour_from_name("aarch64-linux-musl-gcc") == 0, "musl");
	CHECK(res, ccwrap_flavour_from_name("gcc") == -1, "plain");
}

/* A real directory tree: <tmp>/inst dir/bin/aarch64-linux-musl-gcc plus
 * symlinks, to check the /proc-less fallback and the symlink walk. */
static void test_selfpath(struct suite_result *res)
{
	char tmpl[] = "/tmp/ccwrap-unit-XXXXXX";
	char *tmp = mkdtemp(tmpl), *exe, *top, *want_top, *cmd, *path;

	CHECK(res, tmp != NULL, "mkdtemp");
	if (!tmp)
		return;
	cmd = xasprintf("set -e; cd '%s'; mkdir -p 'inst dir/bin' farm;"
			" printf '' > 'inst dir/bin/aarch64-linux-musl-gcc';"
			" chmod +x 'inst dir/bin/aarch64-linux-musl-gcc';"
			" ln -s aarch64-linux-musl-gcc 'inst dir/bin/aarch64-linux-gnu-gcc';"
			" ln -s '../inst dir/bin/aarch64-linux-gnu-gcc' farm/gcc;"
			" ln -s '%s/inst dir/bin/aarch64-linux-musl-gcc' farm/cc",
			tmp, tmp);
	CHECK(res, system(cmd) == 0, "setup %s", cmd);
	free(cmd);
	want_top = xasprintf("%s/inst dir", tmp);
	path = xasprintf("/nonexistent:%s/farm", tmp);

	/* via PATH, relative symlink to a relative symlink, no /proc */
	exe = self_exe("gcc", path, "/nonexistent/exe");
	CHECK(res, exe && strstr(exe, "/bin/aarch64-linux-musl-gcc"), "exe %s", str(exe));
	top = exe ? self_top(exe) : NULL;
	CHECK(res, top && !strcmp(top, want_top), "top %s", str(top));
	free(exe);
	free(top);
	/* absolute symlink given with a slash */
	cmd = xasprintf("%s/farm/cc", tmp);
	exe = self_exe(cmd, "", "/nonexistent/exe");
	top = exe ? self_top(exe) : NULL;
	CHECK(res, top && !strcmp(top, want_top), "abs top %s", str(top));
	free(cmd);
	free(exe);
	free(top);
	CHECK(res, self_exe("nosuchcc", path, "/nonexistent/exe") == NULL, "none");
	/* flavour comes from the first triplet name along the chain */
	CHECK(res, self_flavour("gcc", path) == 1, "farm gcc -> gnu");
	CHECK(res, self_flavour("cc", path) == 0, "farm cc -> musl");
	free(path);
	free(want_top);
	cmd = xasprintf("rm -rf '%s'", tmp);
	CHECK(res, system(cmd) == 0, "cleanup");
	free(cmd);
}

static int all_exist(const char *path, void *ctx)
{
	(void)path, (void)ctx;
	return 1;
}

/* "@big" holds NBIG arguments */
#define NBIG 60000
static char *read_big(const char *path, void *ctx)
{
	struct strvec v = { 0 }, pool = { 0 };
	char *text;

	(void)ctx;
	if (strcmp(path, "big"))
		return NULL;
	for (int i = 0; i < NBIG; i++) {
		sv_push(&pool, xasprintf("-DR%d", i));
		sv_push(&v, pool.v[pool.n - 1]);
	}
	text = sv_join(&v, "\n");
	sv_free(&v);
	sv_free_all(&pool);
	return text;
}

/* No fixed limit on the number of arguments, given or from @files:
 * all of them arrive, in order. */
static void test_many_args(struct suite_result *res)
{
	enum { N = 100000 };
	struct strvec argv = { 0 }, pool = { 0 };
	struct ccwrap_input in = { 0 };
	struct ccwrap_result r;
	size_t n = 0, at = 0;
	int in_order = 1;

	for (int i = 0; i < N; i++) {
		sv_push(&pool, xasprintf(i == N / 2 ? "@big" : "-DA%d", i));
		sv_push(&argv, pool.v[pool.n - 1]);
	}
	sv_push(&argv, "x.o");
	in.argc = (int)argv.n;
	in.argv = argv.v;
	in.top = "/t";
	in.exists = all_exist;
	in.read_file = read_big;
	ccwrap_rewrite(&in, &r);
	CHECK(res, r.action == CCWRAP_EXEC, "many args: action %d", r.action);
	for (; r.action == CCWRAP_EXEC && r.argv[n]; n++) {
		const char *a = r.argv[n];
		char *want;

		if (strncmp(a, "-DA", 3) && strncmp(a, "-DR", 3))
			continue;
		want = at < N / 2 ? xasprintf("-DA%zu", at)
		       : at < N / 2 + NBIG ? xasprintf("-DR%zu", at - N / 2)
		       : xasprintf("-DA%zu", at - NBIG + 1);
		in_order &= !strcmp(a, want);
		free(want);
		at++;
	}
	CHECK(res, in_order && at == N - 1 + NBIG, "many args: %zu in order %d",
	      at, in_order);
	CHECK(res, n > 6 && !strcmp(r.argv[n - 1] + strlen(r.argv[n - 1]) - 6,
				    "crtn.o"),
	      "many args: links");
	ccwrap_result_free(&r);
	sv_free(&argv);
	sv_free_all(&pool);
}

struct suite_result suite_misc(void)
{
	struct suite_result res = { 0, 0 };

	test_split(&res);
	test_quote(&res);
	test_names(&res);
	test_selfpath(&res);
	test_many_args(&res);
	return res;
}
