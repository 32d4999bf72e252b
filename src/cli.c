/* cli: strict, declarative option parsing for every command.
 *
 * Strict because a typo in a migration tool must stop the run before it
 * touches a workspace: unknown options, missing values, malformed numbers
 * and stray arguments are usage errors (exit 2) with a hint. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "http.h"
#include "log.h"

static int g_verbose, g_quiet, g_debug, g_help, g_insecure;

const cli_opt cli_global_opts[] = {
	{ "--verbose", 'v', CLI_FLAG, &g_verbose, NULL, "more messages" },
	{ "--quiet", 'q', CLI_FLAG, &g_quiet, NULL, "errors and the final summary only" },
	{ "--debug", 0, CLI_FLAG, &g_debug, NULL, "log every HTTP request (secrets redacted)" },
	{ "--insecure", 0, CLI_FLAG, &g_insecure, NULL,
	  "do not verify TLS certificates (dangerous: warns)" },
	{ "--help", 'h', CLI_FLAG, &g_help, NULL, "show this help" },
	{ 0 },
};

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev[64], cur[64];

	if (la >= 63 || lb >= 63)
		return (size_t)-1;
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof *prev);
	}
	return prev[lb];
}

const char *cli_suggest(const char *word, const char *const *cands, size_t n)
{
	const char *best = NULL, *prefix = NULL;
	size_t bestd = (size_t)-1, i, wl = strlen(word), nprefix = 0;

	for (i = 0; i < n; i++) {
		size_t d = edit_distance(word, cands[i]);
		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
		if (wl >= 3 && strncmp(cands[i], word, wl) == 0) {
			prefix = cands[i];
			nprefix++;
		}
	}
	if (best && bestd <= (wl > 9 ? 3 : 2) && bestd < wl)
		return best;
	return nprefix == 1 ? prefix : NULL;
}

static const cli_opt *find_long(const cli_opt *opts, const char *name, size_t len)
{
	const cli_opt *o;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (o = pass ? cli_global_opts : opts; o && o->name; o++)
			if (strlen(o->name) == len && strncmp(o->name, name, len) == 0)
				return o;
	return NULL;
}

static const cli_opt *find_short(const cli_opt *opts, char c)
{
	const cli_opt *o;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (o = pass ? cli_global_opts : opts; o && o->name; o++)
			if (o->short_name && o->short_name == c)
				return o;
	return NULL;
}

static int unknown(const cli_cmd *cmd, const cli_opt *opts, const char *arg, size_t len,
		   dbx_err *err)
{
	const char *cands[128], *hint;
	char word[128];
	size_t n = 0;
	const cli_opt *o;
	int pass;

	for (pass = 0; pass < 2; pass++)
		for (o = pass ? cli_global_opts : opts; o && o->name && n < 128; o++)
			cands[n++] = o->name;
	snprintf(word, sizeof word, "%.*s", (int)(len < 127 ? len : 127), arg);
	hint = cli_suggest(word, cands, n);
	if (hint)
		return err_set(err, ERR_USAGE, cmd->name,
			       "unknown option '%s' (did you mean %s?)", word, hint);
	return err_set(err, ERR_USAGE, cmd->name, "unknown option '%s'; see 'dbxmig %s --help'",
		       word, cmd->name);
}

static int set_value(const cli_cmd *cmd, const cli_opt *o, const char *val, dbx_err *err)
{
	char *end;

	switch (o->type) {
	case CLI_FLAG:
		*(int *)o->dest = 1;
		return 0;
	case CLI_STR:
		*(const char **)o->dest = val;
		return 0;
	case CLI_INT: {
		long v;
		errno = 0;
		v = strtol(val, &end, 10);
		if (errno || end == val || *end || v < 0 || v > INT_MAX)
			return err_set(err, ERR_USAGE, cmd->name,
				       "%s wants a whole number >= 0, not '%s'", o->name, val);
		*(int *)o->dest = (int)v;
		return 0;
	}
	case CLI_DOUBLE: {
		double v;
		errno = 0;
		v = strtod(val, &end);
		if (errno || end == val || *end || !isfinite(v) || v < 0)
			return err_set(err, ERR_USAGE, cmd->name,
				       "%s wants a number >= 0, not '%s'", o->name, val);
		*(double *)o->dest = v;
		return 0;
	}
	case CLI_LIST: {
		cli_strv *sv = o->dest;
		const char **nv = realloc(sv->v, (size_t)(sv->n + 1) * sizeof *nv);
		if (!nv)
			return err_set(err, ERR_IO, cmd->name, "out of memory");
		sv->v = nv;
		sv->v[sv->n++] = val;
		return 0;
	}
	}
	return err_set(err, ERR_USAGE, cmd->name, "%s: bad option type", o->name);
}

static void apply_globals(void)
{
	if (g_insecure)
		http_default_insecure(1);
	if (g_debug)
		log_set_level(LOG_DEBUG);
	else if (g_verbose)
		log_set_level(LOG_VERBOSE);
	else if (g_quiet)
		log_set_level(LOG_QUIET);
}

int cli_parse(const cli_cmd *cmd, const cli_opt *opts, int argc, char **argv,
	      cli_strv *pos, dbx_err *err)
{
	int i, only_pos = 0;

	g_help = g_verbose = g_quiet = g_debug = g_insecure = 0;
	for (i = 1; i < argc; i++) {
		const char *a = argv[i], *val = NULL;
		const cli_opt *o;

		if (only_pos || a[0] != '-' || a[1] == '\0') {
			cli_opt po = { "argument", 0, CLI_LIST, pos, NULL, NULL };
			if (!pos)
				return err_set(err, ERR_USAGE, cmd->name,
					       "unexpected argument '%s'; see 'dbxmig %s --help'",
					       a, cmd->name);
			if (set_value(cmd, &po, a, err))
				return -1;
			continue;
		}
		if (strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (a[1] == '-') {
			const char *eq = strchr(a, '=');
			size_t len = eq ? (size_t)(eq - a) : strlen(a);
			o = find_long(opts, a, len);
			if (!o)
				return unknown(cmd, opts, a, len, err);
			if (eq) {
				if (o->type == CLI_FLAG)
					return err_set(err, ERR_USAGE, cmd->name,
						       "%s takes no value", o->name);
				val = eq + 1;
			}
		} else {
			o = a[2] == '\0' ? find_short(opts, a[1]) : NULL;
			if (!o)
				return unknown(cmd, opts, a, strlen(a), err);
		}
		if (o->type != CLI_FLAG && !val) {
			if (i + 1 >= argc)
				return err_set(err, ERR_USAGE, cmd->name, "%s needs a value (%s)",
					       o->name, o->metavar ? o->metavar : "VALUE");
			val = argv[++i];
		}
		if (set_value(cmd, o, val, err))
			return -1;
	}
	apply_globals();
	if (g_help) {
		cli_usage(stdout, cmd, opts);
		return 1;
	}
	return 0;
}

static void print_opts(FILE *f, const cli_opt *o)
{
	for (; o && o->name; o++) {
		char left[64], sh[8] = "    ";

		if (o->short_name)
			snprintf(sh, sizeof sh, "-%c, ", o->short_name);
		if (snprintf(left, sizeof left, "%s%s %s", sh, o->name,
			     o->metavar ? o->metavar : "") < 0)
			left[0] = '\0';
		fprintf(f, "  %-26s %s%s\n", left, o->help ? o->help : "",
			o->type == CLI_LIST && !(o->help && strstr(o->help, "repeatable"))
				? " (repeatable)" : "");
	}
}

void cli_usage(FILE *f, const cli_cmd *cmd, const cli_opt *opts)
{
	fprintf(f, "usage: dbxmig %s %s\n", cmd->name, cmd->synopsis ? cmd->synopsis : "");
	if (cmd->summary)
		fprintf(f, "\n%s\n", cmd->summary);
	if (opts && opts->name) {
		fprintf(f, "\noptions:\n");
		print_opts(f, opts);
	}
	fprintf(f, "\nglobal options:\n");
	print_opts(f, cli_global_opts);
}

int cli_require(const cli_cmd *cmd, const char *value, const char *opt, dbx_err *err)
{
	if (value && *value)
		return 0;
	return err_set(err, ERR_USAGE, cmd->name, "%s is required; see 'dbxmig %s --help'",
		       opt, cmd->name);
}

int cli_session_cmd(const cli_cmd *cmd, const cli_opt *opts, int argc, char **argv,
		    const char *const *session)
{
	dbx_err err = { 0 };
	int r = cli_parse(cmd, opts, argc, argv, NULL, &err);

	if (r == 1)
		return 0;
	if (r < 0 || cli_require(cmd, *session, "--session", &err) < 0) {
		err_print(&err);
		return 2;
	}
	return -1;
}

void cli_strv_free(cli_strv *v)
{
	if (!v)
		return;
	free(v->v);
	v->v = NULL;
	v->n = 0;
}
