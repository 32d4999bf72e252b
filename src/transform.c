/* transform: the transform command (see transform.h). Streams record by
 * record through one rules state: memory does not grow with the number of
 * objects. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "cli.h"
#include "cmd.h"
#include "err.h"
#include "kinds.h"
#include "log.h"
#include "rules.h"
#include "store.h"
#include "transform.h"

#define LINT_SHOWN 30

/* A side file of mapped/ written through a temp file and renamed at the end. */
typedef struct side {
	char path[4096], tmp[4200];
	FILE *f;
} side;

static int side_open(store *st, side *s, const char *name, dbx_err *err)
{
	if (!store_path(st, s->path, sizeof s->path, "mapped"))
		return err_set(err, ERR_IO, name, "path too long");
	if (mkdir(s->path, 0700) && errno != EEXIST)
		return err_set(err, ERR_IO, s->path, "cannot create: %s", strerror(errno));
	if (!store_path(st, s->path, sizeof s->path, "mapped/%s", name))
		return err_set(err, ERR_IO, name, "path too long");
	snprintf(s->tmp, sizeof s->tmp, "%s.tmp", s->path);
	/* 0600 like every session file (fopen would leave it to the umask) */
	int fd = open(s->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || !(s->f = fdopen(fd, "w"))) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return err_set(err, ERR_IO, s->tmp, "cannot create: %s", strerror(e));
	}
	return 0;
}

static int side_close(side *s, dbx_err *err)
{
	int rc = 0;

	if (!s->f)
		return 0;
	if (fflush(s->f) || fsync(fileno(s->f)))
		rc = err_set(err, ERR_IO, s->tmp, "cannot write: %s", strerror(errno));
	if (fclose(s->f) && !rc)
		rc = err_set(err, ERR_IO, s->tmp, "cannot write: %s", strerror(errno));
	s->f = NULL;
	if (!rc && rename(s->tmp, s->path))
		rc = err_set(err, ERR_IO, s->path, "cannot replace: %s", strerror(errno));
	if (rc)
		unlink(s->tmp);
	return rc;
}

static void side_abort(side *s)
{
	if (s->f) {
		fclose(s->f);
		s->f = NULL;
		unlink(s->tmp);
	}
}

static int side_put(side *s, const lj_buf *b)
{
	if (!s->f || !b->len)
		return 0;
	return fwrite(b->data, 1, b->len, s->f) == b->len ? 0 : -1;
}

/* The key of a record line, for failures (the rules never saw it). */
static void key_of_line(const char *line, size_t len, char *buf, size_t size)
{
	cJSON *rec = cJSON_ParseWithLength(line, len);
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(rec, "key");

	snprintf(buf, size, "%s", cJSON_IsString(k) ? k->valuestring : "?");
	cJSON_Delete(rec);
}

typedef struct counts {
	long objects, changed, dropped, warnings, failed, rule_failed, lint;
} counts;

static const char *meta_str(cJSON *meta, const char *a, const char *b)
{
	const char *s = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(meta, a), b));

	return s && strcmp(s, "unknown") ? s : NULL;
}

static int file_exists(store *st, const char *phase, const char *kind)
{
	char path[4096];

	return store_path(st, path, sizeof path, "%s/%s.jsonl", phase, kind) && access(path, F_OK) == 0;
}

/* Records the rule files (with hashes), vars and counts in session.json. */
static int record_meta(store *st, const cli_strv *files, const cli_strv *vars, const counts *c, dbx_err *err)
{
	cJSON *meta = store_meta(st), *t, *arr, *v;
	char hash[64], when[32];
	time_t now = time(NULL);
	struct tm tm;
	int i;

	cJSON_DeleteItemFromObjectCaseSensitive(meta, "transform");
	t = cJSON_AddObjectToObject(meta, "transform");
	arr = cJSON_AddArrayToObject(t, "rules");
	for (i = 0; i < files->n; i++) {
		cJSON *f = cJSON_CreateObject();
		cJSON_AddStringToObject(f, "file", files->v[i]);
		if (rules_file_hash(files->v[i], hash, sizeof hash) == 0)
			cJSON_AddStringToObject(f, "hash", hash);
		cJSON_AddItemToArray(arr, f);
	}
	v = cJSON_AddObjectToObject(t, "vars");
	for (i = 0; i < vars->n; i++) {
		const char *eq = strchr(vars->v[i], '=');
		char k[256];
		snprintf(k, sizeof k, "%.*s", (int)(eq - vars->v[i]), vars->v[i]);
		cJSON_DeleteItemFromObjectCaseSensitive(v, k);
		cJSON_AddStringToObject(v, k, eq + 1);
	}
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	cJSON_AddStringToObject(t, "time", when);
	cJSON_AddNumberToObject(t, "objects", (double)c->objects);
	cJSON_AddNumberToObject(t, "changed", (double)c->changed);
	cJSON_AddNumberToObject(t, "dropped", (double)c->dropped);
	cJSON_AddNumberToObject(t, "warnings", (double)c->warnings);
	cJSON_AddNumberToObject(t, "failed", (double)c->failed);
	cJSON_AddNumberToObject(t, "lint_findings", (double)c->lint);
	return store_meta_save(st, err);
}

/* Lints mapped/ (transform --check). Returns the exit code. */
static int run_check(store *st, rules *r)
{
	rules_out out;
	dbx_err err;
	long findings = 0, objects = 0;
	size_t i;
	int rc = 0;

	rules_out_init(&out);
	for (i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		jsonl_in *in;
		const char *line;
		size_t len;

		if (!file_exists(st, "mapped", kind_name(k)))
			continue;
		in = store_read(st, "mapped", kind_name(k), &err);
		if (!in) {
			err_print(&err);
			rc = 1;
			continue;
		}
		while (jsonl_in_next_raw(in, &line, &len)) {
			objects++;
			if (rules_apply(r, kind_singular(k), line, len, RULES_LINT_ONLY, &out, &err)) {
				fprintf(stderr, "dbxmig: %s:%ld: %s\n", jsonl_in_path(in), jsonl_in_line(in), err.msg);
				rc = 1;
				continue;
			}
			if (out.nlint)
				fwrite(out.lint.data, 1, out.lint.len, stdout);
			findings += out.nlint;
		}
		jsonl_in_close(in);
	}
	rules_out_free(&out);
	printf("transform --check: %ld finding%s in %ld object%s\n", findings, findings == 1 ? "" : "s",
	       objects, objects == 1 ? "" : "s");
	return rc ? rc : findings ? 1 : 0;
}

int cmd_transform(int argc, char **argv)
{
	static const cli_cmd cmd = { "transform",
		"--session S --rules FILE [--rules FILE ..] [--var KEY=VALUE ..] [--dry-run] [--check]",
		"run the Lua rules over the exported objects" };
	const char *dir = "./migration", *session = NULL, *target = NULL;
	cli_strv files = { 0 }, vars = { 0 };
	int dry = 0, check = 0, insn = 0, mem = 0, rc = 0, color, flags;
	store *st = NULL;
	rules *r = NULL;
	rules_opts ro = { 0 };
	rules_out out;
	side audit = { 0 }, warn = { 0 }, drop = { 0 }, lint = { 0 };
	counts tot = { 0 };
	dbx_err err;
	size_t i;
	cli_opt opts[] = {
		{ "--dir", 0, CLI_STR, &dir, "DIR", "migration directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &session, "ID", "session name" },
		{ "--rules", 0, CLI_LIST, &files, "FILE", "rule file (repeatable, applied in order)" },
		{ "--var", 0, CLI_LIST, &vars, "KEY=VALUE", "rule variable, dbx.vars.KEY (repeatable)" },
		{ "--dry-run", 0, CLI_FLAG, &dry, NULL, "print what would change; write nothing" },
		{ "--check", 0, CLI_FLAG, &check, NULL, "lint mapped/ with the rules' lint tables (exit 1 on findings)" },
		{ "--target-cloud", 0, CLI_STR, &target, "CLOUD", "ctx.target_cloud when no rule file sets one" },
		{ "--rule-instructions", 0, CLI_INT, &insn, "N", "Lua instruction limit per object" },
		{ "--rule-memory", 0, CLI_INT, &mem, "MB", "Lua memory limit per object" },
		{ 0 },
	};

	err_clear(&err);
	rules_out_init(&out);
	rc = cli_parse(&cmd, opts, argc, argv, NULL, &err);
	if (rc == 1) {
		rc = 0;
		goto out;
	}
	if (rc == 0 && !cli_require(&cmd, session, "--session", &err) && files.n == 0)
		rc = err_set(&err, ERR_USAGE, "transform", "--rules FILE is required");
	if (rc || err.cls != ERR_NONE || store_open(&st, dir, session, 0, &err)) {
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
	ro.source_cloud = meta_str(store_meta(st), "source", "cloud");
	ro.target_cloud = target ? target : meta_str(store_meta(st), "target", "cloud");
	if (rules_open(&r, &ro, &err)) {
		err_print(&err);
		rc = err_exit_code(&err);
		goto out;
	}
	if (check) {
		rc = run_check(st, r);
		goto out;
	}
	color = dry && isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
	flags = dry ? RULES_DIFF | (color ? RULES_COLOR : 0) : 0;
	if (!dry && (side_open(st, &audit, "audit.jsonl", &err) || side_open(st, &warn, "warnings.jsonl", &err) ||
		     side_open(st, &drop, "dropped.jsonl", &err) || side_open(st, &lint, "lint.txt", &err))) {
		err_print(&err);
		rc = 1;
		goto out;
	}
	if (!dry)
		printf("%-20s %9s %9s %9s %9s %9s\n", "kind", "objects", "changed", "dropped", "warnings", "failed");
	for (i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		const char *name = kind_name(k);
		counts c = { 0 };
		jsonl_in *in;
		jsonl_out *o = NULL;
		const char *line;
		size_t len;
		char fpath[4096];

		if (!file_exists(st, "export", name))
			continue;
		in = store_read(st, "export", name, &err);
		if (!in) {
			err_print(&err);
			rc = 1;
			continue;
		}
		if (!dry) {
			if (store_path(st, fpath, sizeof fpath, "logs/failed_transform_%s.jsonl", name))
				unlink(fpath);
			o = store_rewrite(st, "mapped", name, &err);
			if (!o) {
				err_print(&err);
				jsonl_in_close(in);
				rc = 1;
				continue;
			}
		}
		while (jsonl_in_next_raw(in, &line, &len)) {
			c.objects++;
			if (rules_apply(r, kind_singular(k), line, len, flags, &out, &err)) {
				char key[512];
				dbx_err ferr;
				key_of_line(line, len, key, sizeof key);
				if (err.cls != ERR_RULE)
					err_prefix(&err, "%s:%ld", jsonl_in_path(in), jsonl_in_line(in));
				if (!err.where[0])
					snprintf(err.where, sizeof err.where, "%.40s %.400s", kind_singular(k), key);
				c.failed++;
				if (err.cls == ERR_RULE)
					c.rule_failed++;
				if (dry) {
					fprintf(stderr, "dbxmig: %s\n", err.msg);
				} else if (store_fail(st, "transform", name, key, &err, &ferr)) {
					/* the failure cannot be recorded: stop, as for mapped/ */
					err_prefix(&ferr, "transform stopped, the session cannot be written");
					err_print(&ferr);
					rc = 1;
					break;
				}
				continue;
			}
			c.changed += out.changed;
			c.warnings += out.nwarnings;
			c.lint += out.nlint;
			if (out.dropped)
				c.dropped++;
			if (dry) {
				if (out.changed || out.dropped || out.nwarnings)
					fputs(out.diff.data, stdout);
				continue;
			}
			if (out.dropped) {
				if (side_put(&drop, &out.dropped_rec) || fputc('\n', drop.f) == EOF)
					goto io_fail;
			} else if (jsonl_out_put_raw(o, out.key.data, out.record.data, out.record.len, &err)) {
				err_print(&err);
				rc = 1;
				break;
			}
			if (side_put(&audit, &out.audit) || side_put(&warn, &out.warnings) || side_put(&lint, &out.lint))
				goto io_fail;
			if (out.nlint && tot.lint + c.lint - out.nlint < LINT_SHOWN)
				fputs(out.lint.data, stderr);
			continue;
io_fail:
			err_set(&err, ERR_IO, "mapped/", "cannot write: %s", strerror(errno));
			err_print(&err);
			rc = 1;
			break;
		}
		jsonl_in_close(in);
		if (o && (rc ? (jsonl_out_abort(o), 0) : jsonl_out_close(o, &err))) {
			err_print(&err);
			rc = 1;
		}
		if (!dry)
			printf("%-20s %9ld %9ld %9ld %9ld %9ld\n", name, c.objects, c.changed, c.dropped, c.warnings, c.failed);
		tot.objects += c.objects;
		tot.changed += c.changed;
		tot.dropped += c.dropped;
		tot.warnings += c.warnings;
		tot.failed += c.failed;
		tot.rule_failed += c.rule_failed;
		tot.lint += c.lint;
		if (dry && (c.changed || c.dropped || c.warnings || c.failed))
			printf("# %s: %ld object%s, %ld would change, %ld dropped, %ld warning%s, %ld failed\n", name,
			       c.objects, c.objects == 1 ? "" : "s", c.changed, c.dropped, c.warnings,
			       c.warnings == 1 ? "" : "s", c.failed);
		if (rc)
			break;
	}
	if (dry) {
		printf("dry run: %ld object%s, %ld would change, %ld dropped, %ld warning%s, %ld failed, %ld lint finding%s; nothing written\n",
		       tot.objects, tot.objects == 1 ? "" : "s", tot.changed, tot.dropped, tot.warnings,
		       tot.warnings == 1 ? "" : "s", tot.failed, tot.lint, tot.lint == 1 ? "" : "s");
	} else if (!rc) {
		if (side_close(&audit, &err) || side_close(&warn, &err) || side_close(&drop, &err) ||
		    side_close(&lint, &err) || record_meta(st, &files, &vars, &tot, &err)) {
			err_print(&err);
			rc = 1;
		}
		if (tot.lint > LINT_SHOWN)
			fprintf(stderr, "... and %ld more lint findings (all in %s/mapped/lint.txt)\n",
				tot.lint - LINT_SHOWN, store_root(st));
		if (tot.failed)
			fprintf(stderr, "dbxmig: transform: %ld object%s failed (see %s/logs/failed_transform_*.jsonl)\n",
				tot.failed, tot.failed == 1 ? "" : "s", store_root(st));
	}
	if (!rc && tot.rule_failed)
		rc = 3;
	else if (!rc && tot.failed)
		rc = 1;
out:
	side_abort(&audit);
	side_abort(&warn);
	side_abort(&drop);
	side_abort(&lint);
	rules_out_free(&out);
	rules_close(r);
	store_close(st);
	cli_strv_free(&files);
	cli_strv_free(&vars);
	return rc;
}
