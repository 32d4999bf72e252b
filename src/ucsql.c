/* ucsql: Unity Catalog managed tables and views by SQL (see ucsql.h). */
#include <stdlib.h>
#include <string.h>

#include "sqlstmt.h"
#include "ucsql.h"

static const char *jstr(const cJSON *o, const char *name)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, name));
}

int ucsql_by_sql(const kind_def *k, const cJSON *obj)
{
	const char *t = jstr(obj, "table_type");
	for (const char *const *p = k->imp.sql_types; p && *p && t; p++)
		if (!strcmp(*p, t))
			return 1;
	return 0;
}

int ucsql_is_view(const cJSON *obj)
{
	const char *t = jstr(obj, "table_type");
	return t && !strcmp(t, "VIEW");
}

/* PARTITIONED BY: columns[].partition_index in index order (TableInfo),
 * else the partition_columns list. */
static void partitions(sqlbuf *b, const cJSON *obj)
{
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(obj, "columns"), *c;
	int n = 0, max = -1;

	cJSON_ArrayForEach(c, cols) {
		const cJSON *pi = cJSON_GetObjectItemCaseSensitive(c, "partition_index");
		if (cJSON_IsNumber(pi) && pi->valuedouble > max)
			max = (int)pi->valuedouble;
	}
	for (int i = 0; i <= max && i < 1024; i++)
		cJSON_ArrayForEach(c, cols) {
			const cJSON *pi = cJSON_GetObjectItemCaseSensitive(c, "partition_index");
			if (cJSON_IsNumber(pi) && (int)pi->valuedouble == i && jstr(c, "name")) {
				sqlbuf_add(b, n++ ? ", " : " PARTITIONED BY (");
				sqlbuf_ident(b, jstr(c, "name"));
			}
		}
	if (!n)
		cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(obj, "partition_columns"))
			if (cJSON_IsString(c)) {
				sqlbuf_add(b, n++ ? ", " : " PARTITIONED BY (");
				sqlbuf_ident(b, c->valuestring);
			}
	if (n)
		sqlbuf_addc(b, ')');
}

char *ucsql_create(const cJSON *obj, dbx_err *err)
{
	const char *full = jstr(obj, "full_name"), *comment = jstr(obj, "comment");
	const cJSON *c;
	sqlbuf b = { 0 };
	int n = 0;

	if (!full || !strchr(full, '.')) {
		err_set(err, ERR_PARSE, "tables", "a table without a three-part \"full_name\"");
		return NULL;
	}
	if (ucsql_is_view(obj)) {
		const char *def = jstr(obj, "view_definition");
		if (!def || !*def) {
			err_set(err, ERR_PARSE, full, "a view without \"view_definition\"");
			return NULL;
		}
		sqlbuf_add(&b, "CREATE VIEW IF NOT EXISTS ");
		sqlbuf_ident3(&b, full);
		if (comment) {
			sqlbuf_add(&b, " COMMENT ");
			sqlbuf_lit(&b, comment);
		}
		sqlbuf_add(&b, " AS ");
		sqlbuf_add(&b, def);
		goto done;
	}
	sqlbuf_add(&b, "CREATE TABLE IF NOT EXISTS ");
	sqlbuf_ident3(&b, full);
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(obj, "columns")) {
		const char *name = jstr(c, "name"), *type = jstr(c, "type_text");
		if (!name || !type) {
			free(b.s);
			err_set(err, ERR_PARSE, full, "column %d has no \"name\" or \"type_text\"", n);
			return NULL;
		}
		sqlbuf_add(&b, n++ ? ", " : " (");
		sqlbuf_ident(&b, name);
		sqlbuf_addc(&b, ' ');
		sqlbuf_add(&b, type);
		if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(c, "nullable")))
			sqlbuf_add(&b, " NOT NULL");
		if (jstr(c, "comment")) {
			sqlbuf_add(&b, " COMMENT ");
			sqlbuf_lit(&b, jstr(c, "comment"));
		}
	}
	if (!n) {
		free(b.s);
		err_set(err, ERR_PARSE, full, "a managed table without \"columns\"");
		return NULL;
	}
	sqlbuf_add(&b, ") USING DELTA");
	partitions(&b, obj);
	if (comment) {
		sqlbuf_add(&b, " COMMENT ");
		sqlbuf_lit(&b, comment);
	}
done:
	if (b.oom) {
		free(b.s);
		err_set(err, ERR_IO, full, "out of memory");
		return NULL;
	}
	return b.s;
}
