/* rulestest: the `rules test` command (see rulestest.h). Cases are data, as
 * in jq's test files: input, expected output or expected error. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "cmd.h"
#include "err.h"
#include "rules.h"
#include "rulestest.h"
#include "store.h"

/* Reads DIR/NAME<suffix> with trailing white space cut; NULL when absent. */
static char *read_expect(const char *dir, const char *name, const char *suffix)
{
	char path[4096];
	char *s;
	size_t n;

	snprintf(path, sizeof path, "%s/%s%s", dir, name, suffix);
	s = store_slurp(path, &n);
	if (!s)
		return NULL;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Prints text as TAP comment lines "#   ...". */
static void comment(const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		printf("#   %.*s\n", n, p);
		p = nl ? nl + 1 : NULL;
	}
}

typedef struct tally {
	int n, failed;
} tally;

static void report(tally *t, const char *dir, const char *name, const char *why, const char *detail)
{
	t->n++;
	if (!why) {
		printf("ok %d - %s/%s\n", t->n, dir, name);
		return;
	}
	t->failed++;
	printf("not ok %d - %s/%s: %s\n", t->n, dir, name, why);
	if (detail && *detail)
		comment(detail);
}

/* Runs one case; prints its line. */
static void run_case(rules *r, rules_out *out, tally *t, const char *dir, const char *name)
{
	char path[4096], why[1200];
	char *input = NULL, *expected = NULL, *exp_err = NULL, *exp_drop = NULL, *exp_warn = NULL;
	size_t inlen = 0, explen = 0;
	dbx_err err;
	int rc;

	snprintf(path, sizeof path, "%s/%s.input.json", dir, name);
	input = store_slurp(path, &inlen);
	if (!input) {
		snprintf(why, sizeof why, "cannot read %.1000s: %s", path, strerror(errno));
		report(t, dir, name, why, NULL);
		return;
	}
	snprintf(path, sizeof path, "%s/%s.expected.json", dir, name);
	expected = store_slurp(path, &explen);
	exp_err = read_expect(dir, name, ".expected-error.txt");
	exp_drop = read_expect(dir, name, ".expected-drop.txt");
	exp_warn = read_expect(dir, name, ".expected-warn.txt");
	if (!expected && !exp_err && !exp_drop && !exp_warn) {
		report(t, dir, name, "no .expected.json, .expected-error.txt, .expected-drop.txt or .expected-warn.txt beside it", NULL);
		goto out;
	}
	rc = rules_apply(r, NULL, input, inlen, RULES_CASE | RULES_NO_LINT, out, &err);
	if (rc && err.cls != ERR_RULE) {
		snprintf(why, sizeof why, "bad case %.100s.input.json: %.1000s", name, err.msg);
		report(t, dir, name, why, NULL);
		goto out;
	}
	if (exp_err) {
		if (!rc)
			report(t, dir, name, "expected an error, but the rules succeeded", exp_err);
		else if (!strstr(err.msg, exp_err))
			report(t, dir, name, "the error does not contain the expected text", err.msg);
		else
			report(t, dir, name, NULL, NULL);
		goto out;
	}
	if (rc) {
		report(t, dir, name, "the rules raised an error", err.msg);
		goto out;
	}
	if (exp_drop) {
		if (!out->dropped)
			report(t, dir, name, "expected a drop, but the object was kept", exp_drop);
		else if (!strstr(out->drop_reason.data ? out->drop_reason.data : "", exp_drop))
			report(t, dir, name, "the drop reason does not contain the expected text", out->drop_reason.data);
		else
			goto warn;
		goto out;
	}
	if (out->dropped) {
		snprintf(why, sizeof why, "the object was dropped: %.1000s", out->drop_reason.data);
		report(t, dir, name, why, NULL);
		goto out;
	}
	if (expected) {
		rc = rules_json_equal(r, out->object.data, out->object.len, expected, explen, why, sizeof why);
		if (rc != 1) {
			report(t, dir, name, rc < 0 ? why : "the result differs from the expected object",
			       rc < 0 ? NULL : why);
			goto out;
		}
	}
warn:
	if (exp_warn && !(out->warn_text.data && strstr(out->warn_text.data, exp_warn))) {
		snprintf(why, sizeof why, "no warning contains \"%.1000s\"", exp_warn);
		report(t, dir, name, why, out->nwarnings ? out->warn_text.data : "(no warnings)");
		goto out;
	}
	report(t, dir, name, NULL, NULL);
out:
	free(input);
	free(expected);
	free(exp_err);
	free(exp_drop);
	free(exp_warn);
}

/* Collects the NAMEs of DIR/NAME.input.json, sorted. */
static int list_cases(const char *dir, char ***names, size_t *n, dbx_err *err)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t cap = 0;
	static const char sfx[] = ".input.json";

	*names = NULL;
	*n = 0;
	if (!d)
		return err_set(err, ERR_USAGE, dir, "cannot open the case directory: %s", strerror(errno));
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char **v;
		if (l <= sizeof sfx - 1 || strcmp(e->d_name + l - (sizeof sfx - 1), sfx))
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 64;
			v = realloc(*names, cap * sizeof *v);
			if (!v)
				break;
			*names = v;
		}
		(*names)[*n] = strndup(e->d_name, l - (sizeof sfx - 1));
		if ((*names)[*n])
			(*n)++;
	}
	closedir(d);
	if (*n)
		qsort(*names, *n, sizeof **names, cmp_names);
	return 0;
}

int cmd_rules_test(int argc, char **argv)
{
	static const cli_cmd cmd = { "rules test", "--rules FILE.. [--var KEY=VALUE ..] DIR..",
		"run rules over the fixture cases in DIR and compare with the expected objects" };
	cli_strv files = { 0 }, vars = { 0 }, dirs = { 0 };
	int insn = 0, mem = 0, rc;
	const char *source = NULL, *target = NULL;
	rules_opts ro = { 0 };
	rules *r = NULL;
	rules_out out;
	tally t = { 0, 0 };
	dbx_err err;
	int i;
	cli_opt opts[] = {
		{ "--rules", 0, CLI_LIST, &files, "FILE", "rule file (repeatable, applied in order)" },
		{ "--var", 0, CLI_LIST, &vars, "KEY=VALUE", "rule variable, dbx.vars.KEY (repeatable)" },
		{ "--source-cloud", 0, CLI_STR, &source, "CLOUD", "ctx.source_cloud when a case names none (default azure)" },
		{ "--target-cloud", 0, CLI_STR, &target, "CLOUD", "ctx.target_cloud when neither a rule file nor a case names one" },
		{ "--rule-instructions", 0, CLI_INT, &insn, "N", "Lua instruction limit per object" },
		{ "--rule-memory", 0, CLI_INT, &mem, "MB", "Lua memory limit per object" },
		{ 0 },
	};

	err_clear(&err);
	rules_out_init(&out);
	rc = cli_parse(&cmd, opts, argc, argv, &dirs, &err);
	if (rc == 1) {
		rc = 0;
		goto out;
	}
	if (rc == 0 && files.n == 0)
		rc = err_set(&err, ERR_USAGE, "rules test", "--rules FILE is required");
	if (rc == 0 && dirs.n == 0)
		rc = err_set(&err, ERR_USAGE, "rules test", "give the directory of the cases (DIR)");
	if (rc) {
		err_print(&err);
		rc = 2;
		goto out;
	}
	ro.files = files.v;
	ro.nfiles = files.n;
	ro.vars = vars.v;
	ro.nvars = vars.n;
	ro.instructions = insn;
	ro.memory_mb = mem;
	ro.source_cloud = source ? source : "azure";
	ro.target_cloud = target;
	if (rules_open(&r, &ro, &err)) {
		err_print(&err);
		rc = err_exit_code(&err);
		goto out;
	}
	for (i = 0; i < dirs.n; i++) {
		char **names;
		size_t n, j;
		if (list_cases(dirs.v[i], &names, &n, &err)) {
			err_print(&err);
			rc = 2;
			goto out;
		}
		if (n == 0)
			fprintf(stderr, "dbxmig: rules test: %s: no NAME.input.json cases\n", dirs.v[i]);
		for (j = 0; j < n; j++) {
			run_case(r, &out, &t, dirs.v[i], names[j]);
			free(names[j]);
		}
		free(names);
	}
	printf("1..%d\n", t.n);
	printf("# %d case%s, %d passed, %d failed\n", t.n, t.n == 1 ? "" : "s", t.n - t.failed, t.failed);
	rc = t.failed || t.n == 0 ? 1 : 0;
out:
	fflush(stdout);
	rules_out_free(&out);
	rules_close(r);
	cli_strv_free(&files);
	cli_strv_free(&vars);
	cli_strv_free(&dirs);
	return rc;
}
