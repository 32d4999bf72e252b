/* dataplan: `dbxmig data-plan` (see dataplan.h). Pairs each table and
 * volume of export/ (its source location) with its mapped/ record (its
 * target name and location) and writes, per object, the statements and
 * file copies that move its data: Delta tables through Delta Sharing and
 * DEEP CLONE (or CTAS), external tables and volumes by a file copy to their
 * mapped location; Hive metastore tables (src/hive.h) by DEEP CLONE or
 * INSERT OVERWRITE DIRECTORY into a staging path, or a file copy. It
 * calls no API and moves nothing. */
#include "dataplan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "cmd.h"
#include "err.h"
#include "log.h"
#include "store.h"

/* mapped/ records by key: open addressing, keys borrowed from the records */
typedef struct rmap {
	cJSON **v;
	size_t cap, n;
} rmap;

static size_t hkey(const char *s)
{
	size_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static const char *rec_key(const cJSON *rec)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rec, "key"));
}

static int rmap_put(rmap *m, cJSON *rec)
{
	if ((m->n + 1) * 10 >= m->cap * 7) {
		size_t nc = m->cap ? m->cap * 2 : 64;
		cJSON **nv = calloc(nc, sizeof *nv);
		if (!nv)
			return -1;
		for (size_t j = 0; j < m->cap; j++) {
			if (!m->v[j])
				continue;
			size_t i = hkey(rec_key(m->v[j])) & (nc - 1);
			while (nv[i])
				i = (i + 1) & (nc - 1);
			nv[i] = m->v[j];
		}
		free(m->v);
		m->v = nv;
		m->cap = nc;
	}
	size_t i = hkey(rec_key(rec)) & (m->cap - 1);
	while (m->v[i]) {
		if (strcmp(rec_key(m->v[i]), rec_key(rec)) == 0) {	/* a later line wins */
			cJSON_Delete(m->v[i]);
			m->v[i] = rec;
			return 0;
		}
		i = (i + 1) & (m->cap - 1);
	}
	m->v[i] = rec;
	m->n++;
	return 0;
}

static const cJSON *rmap_get(const rmap *m, const char *key)
{
	if (!m->cap)
		return NULL;
	for (size_t i = hkey(key) & (m->cap - 1); m->v[i]; i = (i + 1) & (m->cap - 1))
		if (strcmp(rec_key(m->v[i]), key) == 0)
			return m->v[i];
	return NULL;
}

static void rmap_free(rmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		cJSON_Delete(m->v[i]);
	free(m->v);
}

static int load_mapped(store *st, const char *kind, rmap *m, dbx_err *err)
{
	jsonl_in *in = store_read(st, "mapped", kind, err);
	cJSON *rec;

	if (!in)
		return -1;
	while ((rec = jsonl_in_next(in))) {
		if (!rec_key(rec) || rmap_put(m, rec)) {
			cJSON_Delete(rec);
			continue;
		}
	}
	jsonl_in_close(in);
	return 0;
}

static const char *ostr(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

/* A dotted name as backquoted SQL identifiers: a.b.c -> `a`.`b`.`c`.
 * Backquotes inside a part are doubled. */
static void put_ident(FILE *f, const char *full)
{
	fputc('`', f);
	for (const char *p = full; *p; p++) {
		if (*p == '.')
			fputs("`.`", f);
		else if (*p == '`')
			fputs("``", f);
		else
			fputc(*p, f);
	}
	fputc('`', f);
}

/* One identifier part (no dots split). */
static void put_part(FILE *f, const char *s)
{
	fputc('`', f);
	for (; *s; s++) {
		if (*s == '`')
			fputc('`', f);
		fputc(*s, f);
	}
	fputc('`', f);
}

/* A SQL string literal: quotes and backslashes escaped. */
static void put_lit(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'' || *s == '\\')
			fputc('\\', f);
		fputc(*s, f);
	}
	fputc('\'', f);
}

/* A comment line never breaks out of "--": newlines become spaces. */
static void put_comment(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc(*s == '\n' || *s == '\r' ? ' ' : *s, f);
}

/* The alias of a source table inside the share: catalog__schema.table, so
 * that tables of two catalogs never collide in the shared catalog. */
static void put_alias(FILE *f, const char *full)
{
	const char *d1 = strchr(full, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	char sch[600];

	if (!d2) {
		put_part(f, full);
		return;
	}
	snprintf(sch, sizeof sch, "%.*s__%.*s", (int)(d1 - full), full, (int)(d2 - d1 - 1), d1 + 1);
	put_part(f, sch);
	fputc('.', f);
	put_part(f, d2 + 1);
}

typedef struct plan {
	FILE *f;
	const char *share, *src_catalog;
	long shared, copied, nodata, unmapped, volumes;
} plan;

/* Columns as DDL, for external tables whose format does not carry its
 * schema (CSV, JSON...): "(`a` BIGINT NOT NULL COMMENT '...', ...)". */
static void put_columns(FILE *f, const cJSON *cols)
{
	const cJSON *c;
	int first = 1;

	fputs(" (", f);
	cJSON_ArrayForEach(c, cols) {
		const char *n = ostr(c, "name"), *t = ostr(c, "type_text");
		if (!t)
			t = ostr(c, "type");
		if (!n || !t)
			continue;
		fputs(first ? "" : ", ", f);
		first = 0;
		put_part(f, n);
		fprintf(f, " %s", t);
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "nullable")))
			fputs(" NOT NULL", f);
		if (ostr(c, "comment")) {
			fputs(" COMMENT ", f);
			put_lit(f, ostr(c, "comment"));
		}
	}
	fputc(')', f);
}

/* "[copy] the files of LOC to TLOC" (and, with `tool`, which tool can):
 * 1, or 0 (counted as unmapped) when there is no target location or the
 * rules left it where the source's is (no storage map line named it:
 * which URLs belong to which cloud is the rules' knowledge, not ours). */
static int put_copy(plan *p, const char *loc, const char *tloc, int tool)
{
	FILE *f = p->f;
	fputs("-- [copy] the files of ", f);
	put_comment(f, loc ? loc : "(no location)");
	fputs(" to ", f);
	if (!tloc || (loc && !strcmp(loc, tloc))) {
		fputs("(no target location: map it with --var storage_map=FILE.csv and transform again)\n", f);
		p->unmapped++;
		return 0;
	}
	put_comment(f, tloc);
	fputs(tool ? " (a tool that reads the source storage and writes the target's: rclone, a job on the source)\n" : "\n", f);
	return 1;
}

static void plan_table(plan *p, const cJSON *src, const cJSON *dst)
{
	FILE *f = p->f;
	const char *full = ostr(src, "full_name"), *tfull = ostr(dst, "full_name");
	const char *type = ostr(src, "table_type"), *fmt = ostr(src, "data_source_format");
	const char *loc = ostr(src, "storage_location"), *tloc = ostr(dst, "storage_location");

	if (!full)
		return;
	if (!tfull)
		tfull = full;
	if (!type)
		type = "?";
	fputs("\n-- table ", f);
	put_comment(f, full);
	fprintf(f, " (%s%s%s)", type, fmt ? " " : "", fmt ? fmt : "");
	if (strcmp(tfull, full) != 0) {
		fputs(" -> ", f);
		put_comment(f, tfull);
	}
	fputc('\n', f);
	if (strcmp(type, "VIEW") == 0 || strcmp(type, "MATERIALIZED_VIEW") == 0 ||
	    strcmp(type, "STREAMING_TABLE") == 0) {
		fputs(strcmp(type, "VIEW") == 0
		      ? "-- no data: a view is created from its definition\n"
		      : "-- no data to copy: its pipeline refreshes it on the target\n", f);
		p->nodata++;
		return;
	}
	if (strcmp(type, "EXTERNAL") == 0) {
		if (!put_copy(p, loc, tloc, 1))
			return;
		fputs("-- [target] once copied:\nCREATE TABLE IF NOT EXISTS ", f);
		put_ident(f, tfull);
		if (!fmt || strcmp(fmt, "DELTA") != 0)
			put_columns(f, cJSON_GetObjectItemCaseSensitive(src, "columns"));
		fprintf(f, " USING %s LOCATION ", fmt ? fmt : "DELTA");
		put_lit(f, tloc);
		fputs(";\n", f);
		p->copied++;
		return;
	}
	if (fmt && strcmp(fmt, "DELTA") != 0) {
		/* Delta Sharing shares Delta tables only */
		fprintf(f, "-- a managed %s table cannot be shared: copy its files (", fmt);
		put_comment(f, loc ? loc : "(no location)");
		fputs(") to a staging path the target reads, then on the target:\nCREATE TABLE IF NOT EXISTS ", f);
		put_ident(f, tfull);
		fprintf(f, " AS SELECT * FROM %s.`<staging path>`;\n", fmt);
		p->copied++;
		return;
	}
	fputs("-- [source]\nALTER SHARE ", f);
	put_part(f, p->share);
	fputs(" ADD TABLE ", f);
	put_ident(f, full);
	fputs(" AS ", f);
	put_alias(f, full);
	/* import created it empty when it knew a warehouse: replace that */
	fputs(";\n-- [target] (replaces the empty table import created by SQL)\nCREATE OR REPLACE TABLE ", f);
	put_ident(f, tfull);
	fputs(" DEEP CLONE ", f);
	put_part(f, p->src_catalog);
	fputc('.', f);
	put_alias(f, full);
	fputs(";\n-- or, without Delta history: CREATE TABLE ... AS SELECT * FROM the shared table\n", f);
	p->shared++;
}

static void plan_volume(plan *p, const cJSON *src, const cJSON *dst)
{
	FILE *f = p->f;
	const char *full = ostr(src, "full_name"), *tfull = ostr(dst, "full_name");
	const char *type = ostr(src, "volume_type"), *loc = ostr(src, "storage_location");
	const char *tloc = ostr(dst, "storage_location");

	if (!full)
		return;
	if (!tfull)
		tfull = full;
	p->volumes++;
	fputs("\n-- volume ", f);
	put_comment(f, full);
	fprintf(f, " (%s)\n", type ? type : "?");
	if (type && strcmp(type, "EXTERNAL") == 0) {
		put_copy(p, loc, tloc, 0);
		return;
	}
	fputs("-- [copy] the files of /Volumes/", f);
	for (const char *s = full; *s; s++)
		fputc(*s == '.' ? '/' : (*s == '\n' ? ' ' : *s), f);
	fputs(" (source) to /Volumes/", f);
	for (const char *s = tfull; *s; s++)
		fputc(*s == '.' ? '/' : (*s == '\n' ? ' ' : *s), f);
	fputs(" (target): the Files API or `databricks fs cp -r` through a machine that reaches both\n", f);
}

/* A Hive table of the target named like `name` in the mapped database. */
static const cJSON *hive_twin(const cJSON *dst_db, const char *name)
{
	const cJSON *t;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(dst_db, "tables"))
		if (ostr(t, "name") && !strcmp(ostr(t, "name"), name))
			return t;
	return NULL;
}

static void put_hive(FILE *f, const char *db, const char *t)
{
	fputs("hive_metastore.", f);
	put_part(f, db);
	fputc('.', f);
	put_part(f, t);
}

/* "<staging path>/db/t" inside a quoted path */
static void put_staging(FILE *f, const char *db, const char *t)
{
	fputs("<staging path>/", f);
	put_comment(f, db);
	fputc('/', f);
	put_comment(f, t);
}

/* A Hive database (src/hive.h): import created its tables empty (managed)
 * or over their mapped location (external). Hive tables cannot be shared
 * (Delta Sharing shares Unity Catalog tables): managed data goes through
 * a staging path both workspaces reach, external data by a file copy. */
static void plan_hive_db(plan *p, const cJSON *src, const cJSON *dst)
{
	FILE *f = p->f;
	const char *db = ostr(src, "name"), *tdb = ostr(dst, "name");
	const cJSON *t;

	if (!db)
		return;
	if (!tdb)
		tdb = db;
	cJSON_ArrayForEach(t, cJSON_GetObjectItemCaseSensitive(src, "tables")) {
		const char *name = ostr(t, "name"), *type = ostr(t, "table_type"), *fmt = ostr(t, "format");
		const cJSON *tt = name ? hive_twin(dst, name) : NULL;
		const char *loc = ostr(t, "location"), *tloc = tt ? ostr(tt, "location") : NULL;
		const char *ddl = ostr(t, "ddl");
		int delta = !fmt || !strcmp(fmt, "delta");
		if (!name)
			continue;
		if (!type)
			type = "?";
		fputs("\n-- hive table ", f);
		put_comment(f, db);
		fputc('.', f);
		put_comment(f, name);
		fprintf(f, " (%s%s%s)\n", type, fmt ? " " : "", fmt ? fmt : "");
		if (!strcmp(type, "VIEW")) {
			fputs("-- no data: import created the view from its definition\n", f);
			p->nodata++;
			continue;
		}
		if (!strcmp(type, "EXTERNAL")) {
			if (!put_copy(p, loc, tloc, 1))
				continue;
			if (!delta && ddl && strstr(ddl, "PARTITIONED BY")) {
				fputs("-- [target] once copied, find the partitions:\nMSCK REPAIR TABLE ", f);
				put_hive(f, tdb, name);
				fputs(";\n", f);
			}
			p->copied++;
			continue;
		}
		/* managed: the data lives in the source workspace's own storage */
		if (delta) {
			fputs("-- [source] a Delta copy, history included, in a staging path the target reads:\n"
			      "CREATE TABLE delta.`", f);
			put_staging(f, db, name);
			fputs("` DEEP CLONE ", f);
		} else {
			fprintf(f, "-- [source] its rows as %s files in a staging path the target reads:\n"
				"INSERT OVERWRITE DIRECTORY '", fmt);
			put_staging(f, db, name);
			fprintf(f, "' USING %s SELECT * FROM ", fmt);
		}
		put_hive(f, db, name);
		fputs(";\n-- [target] into the table import created:\nINSERT INTO ", f);
		put_hive(f, tdb, name);
		fprintf(f, " SELECT * FROM %s.`", delta ? "delta" : fmt);
		put_staging(f, db, name);
		fputs("`;\n", f);
		p->copied++;
	}
}

/* Streams export/<kind> and plans each record against its mapped twin.
 * Objects a rule dropped (no mapped record) are said and skipped. */
static int plan_kind(plan *p, store *st, const char *kind,
		     void (*fn)(plan *, const cJSON *, const cJSON *), long *dropped, dbx_err *err)
{
	rmap m = { 0 };
	jsonl_in *in = NULL;
	cJSON *rec;
	int rc = -1;

	if (load_mapped(st, kind, &m, err))
		goto out;
	if (!(in = store_read(st, "export", kind, err)))
		goto out;
	while ((rec = jsonl_in_next(in))) {
		const char *key = rec_key(rec);
		const cJSON *mrec = key ? rmap_get(&m, key) : NULL;
		const cJSON *obj = cJSON_GetObjectItemCaseSensitive(rec, "object");
		if (!mrec) {
			if (key && m.n) {
				fputs("\n-- ", p->f);
				put_comment(p->f, kind);
				fputc(' ', p->f);
				put_comment(p->f, key);
				fputs(": not in mapped/ (dropped by a rule, or not transformed): not planned\n", p->f);
				(*dropped)++;
			} else if (key) {
				fn(p, obj, obj);	/* not transformed yet: names and places as exported */
			}
		} else {
			fn(p, obj, cJSON_GetObjectItemCaseSensitive(mrec, "object"));
		}
		cJSON_Delete(rec);
	}
	rc = 0;
out:
	if (in)
		jsonl_in_close(in);
	rmap_free(&m);
	return rc;
}

static void sanitize(char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			*s = '_';
}

int dataplan_run(const dataplan_opts *o)
{
	store *st = NULL;
	dbx_err err = { 0 };
	char path[4096], tmp[4200], share[200], srccat[240], provider[240];
	plan p = { 0 };
	long dropped = 0;
	int rc = 2;

	if (store_open(&st, o->dir ? o->dir : "migration", o->session, 0, &err))
		goto out;
	/* names end up in identifiers and comments: letters, digits, '_' */
	if (o->share)
		snprintf(share, sizeof share, "%s", o->share);
	else
		snprintf(share, sizeof share, "dbxmig_%s", o->session);
	sanitize(share);
	snprintf(srccat, sizeof srccat, "%s_src", share);
	if (o->provider) {
		snprintf(provider, sizeof provider, "%s", o->provider);
		sanitize(provider);
	} else {
		snprintf(provider, sizeof provider, "<source provider>");
	}
	p.share = share;
	p.src_catalog = srccat;
	rc = 1;
	if (!store_path(st, path, sizeof path, "data-plan.sql") ||
	    snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		err_set(&err, ERR_IO, NULL, "session path too long");
		goto out;
	}
	if (!(p.f = fopen(tmp, "w"))) {
		err_set(&err, ERR_IO, tmp, "cannot write the plan");
		goto out;
	}
	fprintf(p.f,
		"-- dbxmig data-plan, session %s\n"
		"-- dbxmig moves no data: these are the statements and copies to run, by hand or in\n"
		"-- a job, once import created the catalogs, schemas and locations on the target.\n"
		"-- [source] lines run on the source workspace, [target] lines on the target,\n"
		"-- [copy] lines are file copies (the target's credential must reach the bucket).\n"
		"--\n"
		"-- Delta tables go through Delta Sharing: on the source (a metastore admin)\n"
		"--   CREATE SHARE IF NOT EXISTS `%s`;\n"
		"--   CREATE RECIPIENT IF NOT EXISTS `%s_target` USING ID '<the target metastore's sharing\n"
		"--     identifier: SELECT CURRENT_METASTORE() on the target>';\n"
		"--   GRANT SELECT ON SHARE `%s` TO RECIPIENT `%s_target`;\n"
		"-- then on the target\n"
		"--   CREATE CATALOG IF NOT EXISTS `%s` USING SHARE `%s`.`%s`;\n",
		o->session, share, share, share, share, srccat, provider, share);
	if (plan_kind(&p, st, "tables", plan_table, &dropped, &err) ||
	    plan_kind(&p, st, "volumes", plan_volume, &dropped, &err) ||
	    plan_kind(&p, st, "hive_metastore", plan_hive_db, &dropped, &err))
		goto out;
	if (!p.shared && !p.copied && !p.nodata && !p.unmapped && !p.volumes)
		fputs("\n-- no tables or volumes in this session (export them: --only tables,volumes,"
		      "hive_metastore):\n-- nothing to plan\n", p.f);
	if (fflush(p.f) || ferror(p.f)) {
		err_set(&err, ERR_IO, tmp, "cannot write the plan");
		goto out;
	}
	if (fclose(p.f)) {
		p.f = NULL;
		err_set(&err, ERR_IO, tmp, "cannot write the plan");
		goto out;
	}
	p.f = NULL;
	if (rename(tmp, path)) {
		err_set(&err, ERR_IO, path, "cannot write the plan");
		goto out;
	}
	printf("data-plan: %ld table(s) through Delta Sharing, %ld by file copy, %ld without data, "
	       "%ld volume(s), %ld without a target location, %ld not planned (dropped): %s\n",
	       p.shared, p.copied, p.nodata, p.volumes, p.unmapped, dropped, path);
	printf("dbxmig moved no data: run the plan's statements and copies yourself\n");
	rc = 0;
out:
	if (p.f) {
		fclose(p.f);
		remove(tmp);
	}
	if (rc)
		err_print(&err);
	if (st)
		store_close(st);
	return rc;
}

int cmd_data_plan(int argc, char **argv)
{
	dataplan_opts o = { 0 };
	static const cli_cmd cmd = {
		"data-plan", "--session S [--share NAME] [--provider NAME]",
		"write the statements and file copies that move the session's data (moves none itself)",
	};
	const cli_opt opts[] = {
		{ "--dir", 0, CLI_STR, &o.dir, "DIR", "session directory (default ./migration)" },
		{ "--session", 0, CLI_STR, &o.session, "ID", "the migration session" },
		{ "--share", 0, CLI_STR, &o.share, "NAME", "Delta Sharing share (default dbxmig_<session>)" },
		{ "--provider", 0, CLI_STR, &o.provider, "NAME", "the source as a provider on the target" },
		{ 0 },
	};
	int r = cli_session_cmd(&cmd, opts, argc, argv, &o.session);
	if (r >= 0)
		return r;
	return dataplan_run(&o);
}
