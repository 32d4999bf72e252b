/* fw_dbsql: Databricks SQL objects: queries and alerts (/api/2.0/sql/
 * queries|alerts: create/get/list with page_token/update with update_mask/
 * delete to the trash), legacy DBSQL dashboards (/api/2.0/preview/sql/
 * dashboards, paged by page/page_size) and Lakeview dashboards
 * (/api/2.0/lakeview/dashboards, with /published). References are checked
 * like the real control plane: a query's warehouse, an alert's query, a
 * dashboard's warehouse and parent folder must exist. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"

/* One kind of the current SQL API: queries or alerts. */
struct sqlkind {
	int coll;
	const char *wrap;	/* request body key: "query" */
	const char *noun;	/* "Query" */
	const char *const *fields;	/* settable fields */
	fw_lookup look;		/* by the path's {id} */
};

static const char *const query_fields[] = {
	"display_name", "query_text", "warehouse_id", "description", "parent_path", "run_as_mode",
	"tags", "parameters", "catalog", "schema", "apply_auto_limit", "owner_user_name", NULL,
};
static const char *const alert_fields[] = {
	"display_name", "query_id", "condition", "custom_body", "custom_subject", "notify_on_ok",
	"seconds_to_retrigger", "parent_path", "owner_user_name", NULL,
};
static const struct sqlkind K_QUERY = {FW_QUERIES, "query", "Query", query_fields,
				       {FW_QUERIES, NULL, 404, "RESOURCE_DOES_NOT_EXIST", "Query ", " does not exist.", NULL}};
static const struct sqlkind K_ALERT = {FW_ALERTS, "alert", "Alert", alert_fields,
				       {FW_ALERTS, NULL, 404, "RESOURCE_DOES_NOT_EXIST", "Alert ", " does not exist.", NULL}};

static int settable(const struct sqlkind *k, const char *f)
{
	for (size_t i = 0; k->fields[i]; i++)
		if (strcmp(k->fields[i], f) == 0)
			return 1;
	return 0;
}

static const char *lifecycle(const cJSON *o)
{
	const char *l = fw_str(o, "lifecycle_state");
	return l ? l : "ACTIVE";
}


static int check_parent(fw_ctx *c, const cJSON *o, const char *where)
{
	const char *pp = fw_str(o, "parent_path");
	fw_wsobj *d = pp ? fw_ws_get(c->s, pp) : NULL;
	if (pp && (!d || strcmp(d->type, "DIRECTORY") != 0)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "%s.parent_path: Path (%s) doesn't exist.", where, pp);
		return -1;
	}
	return 0;
}

static const char *const ops[] = {
	"GREATER_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN", "LESS_THAN_OR_EQUAL", "EQUAL", "NOT_EQUAL",
	"IS_NULL", NULL,
};

/* The merged object O of a create or update: its required fields and
 * references. */
static int check_sql(fw_ctx *c, const struct sqlkind *k, const cJSON *o)
{
	if (!fw_need_str(c, o, "display_name", k->wrap))
		return -1;
	if (k->coll == FW_QUERIES) {
		const char *wh = fw_str(o, "warehouse_id");
		if (wh && !fw_coll_get(fw_coll_of(c->s, FW_WAREHOUSES), wh)) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "query.warehouse_id: warehouse %s does not exist.", wh);
			return -1;
		}
		const cJSON *qt = cJSON_GetObjectItemCaseSensitive(o, "query_text");
		if (qt && !cJSON_IsString(qt)) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "query.query_text must be a string");
			return -1;
		}
	} else {
		const char *qid = fw_need_str(c, o, "query_id", "alert");
		if (!qid)
			return -1;
		const cJSON *q = fw_coll_get(fw_coll_of(c->s, FW_QUERIES), qid);
		if (!q || strcmp(lifecycle(q), "ACTIVE") != 0) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "alert.query_id: query %s does not exist.", qid);
			return -1;
		}
		const cJSON *cond = cJSON_GetObjectItemCaseSensitive(o, "condition");
		const char *op = fw_str(cond, "op");
		int ok = 0;
		for (size_t i = 0; op && ops[i]; i++)
			if (strcmp(op, ops[i]) == 0)
				ok = 1;
		if (!cJSON_IsObject(cond) || !ok) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "alert.condition.op: invalid value %s (GREATER_THAN, LESS_THAN, EQUAL, ...)",
				 op ? op : "(missing)");
			return -1;
		}
		const cJSON *col = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(cond, "operand"), "column"), "name");
		if (!cJSON_IsString(col)) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: alert.condition.operand.column.name");
			return -1;
		}
	}
	const cJSON *f;
	cJSON_ArrayForEach(f, o) {
		if (settable(k, f->string) || strcmp(f->string, "id") == 0 || strcmp(f->string, "create_time") == 0 ||
		    strcmp(f->string, "update_time") == 0 || strcmp(f->string, "lifecycle_state") == 0 ||
		    strcmp(f->string, "last_modifier_user_name") == 0 || strcmp(f->string, "state") == 0 ||
		    strcmp(f->string, "trigger_time") == 0)
			continue;
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s.%s: unknown field", k->wrap, f->string);
		return -1;
	}
	return check_parent(c, o, k->wrap);
}

static void sql_create(fw_ctx *c, const struct sqlkind *k)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(b, k->wrap);
	if (!cJSON_IsObject(in)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: %s", k->wrap);
		return;
	}
	cJSON *o = cJSON_Duplicate(in, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "id");
	if (check_sql(c, k, o) < 0) {
		cJSON_Delete(o);
		return;
	}
	char id[64], ts[32];
	fw_coll_new_id(c->s, k->coll, id, sizeof id);
	fw_iso_time(fw_now_ms(), ts, sizeof ts);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "create_time", ts);
	cJSON_AddStringToObject(o, "update_time", ts);
	cJSON_AddStringToObject(o, "lifecycle_state", "ACTIVE");
	if (!fw_str(o, "owner_user_name"))
		cJSON_AddStringToObject(o, "owner_user_name", c->user);
	if (k->coll == FW_QUERIES) {
		cJSON_AddStringToObject(o, "last_modifier_user_name", c->user);
		if (!fw_str(o, "run_as_mode"))
			cJSON_AddStringToObject(o, "run_as_mode", "OWNER");
		if (!cJSON_GetObjectItemCaseSensitive(o, "query_text"))
			cJSON_AddStringToObject(o, "query_text", "");
	} else {
		cJSON_AddStringToObject(o, "state", "UNKNOWN");
	}
	fw_coll_add(fw_coll_of(c->s, k->coll), o);
	c->mutated = 1;
	fw_reply(c, 200, cJSON_Duplicate(fw_coll_get(fw_coll_of(c->s, k->coll), id), 1));
}

static void sql_get(fw_ctx *c, const struct sqlkind *k)
{
	cJSON *o = fw_target(c, &k->look, NULL);
	if (o)
		fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static void sql_update(fw_ctx *c, const struct sqlkind *k)
{
	cJSON *b;
	cJSON *old = fw_target(c, &k->look, &b);
	if (!old)
		return;
	if (strcmp(lifecycle(old), "ACTIVE") != 0) {
		fw_error(c, 400, "INVALID_STATE", "%s %s is in the trash and cannot be updated.", k->noun, c->params[0]);
		return;
	}
	const char *mask = fw_str(b, "update_mask");
	const cJSON *in = cJSON_GetObjectItemCaseSensitive(b, k->wrap);
	if (!mask || !*mask) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: update_mask");
		return;
	}
	if (!cJSON_IsObject(in)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: %s", k->wrap);
		return;
	}
	cJSON *o = cJSON_Duplicate(old, 1);
	char buf[512];
	snprintf(buf, sizeof buf, "%s", mask);
	/* the mask names the fields to take from the body ("*" = all) */
	for (char *p = buf, *e; p && *p; p = e) {
		e = strchr(p, ',');
		if (e)
			*e++ = '\0';
		while (*p == ' ')
			p++;
		int all = strcmp(p, "*") == 0;
		if (!all && !settable(k, p)) {
			cJSON_Delete(o);
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "update_mask: %s is not a field of %s that can be updated", p, k->wrap);
			return;
		}
		const cJSON *f;
		cJSON_ArrayForEach(f, in) {
			if (!settable(k, f->string) || (!all && strcmp(f->string, p) != 0))
				continue;
			cJSON_DeleteItemFromObjectCaseSensitive(o, f->string);
			cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
		}
		if (!all && !cJSON_GetObjectItemCaseSensitive(in, p))
			cJSON_DeleteItemFromObjectCaseSensitive(o, p);	/* masked and absent: cleared */
	}
	if (check_sql(c, k, o) < 0) {
		cJSON_Delete(o);
		return;
	}
	char ts[32];
	cJSON_DeleteItemFromObjectCaseSensitive(o, "update_time");
	cJSON_AddStringToObject(o, "update_time", fw_iso_time(fw_now_ms(), ts, sizeof ts));
	if (k->coll == FW_QUERIES) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, "last_modifier_user_name");
		cJSON_AddStringToObject(o, "last_modifier_user_name", c->user);
	}
	cJSON *reply = cJSON_Duplicate(o, 1);
	fw_coll_replace(fw_coll_of(c->s, k->coll), o);
	c->mutated = 1;
	fw_reply(c, 200, reply);
}

/* DELETE moves to the trash: get still answers, lists leave it out. */
static void sql_delete(fw_ctx *c, const struct sqlkind *k)
{
	cJSON *o = fw_target(c, &k->look, NULL);
	if (!o)
		return;
	if (strcmp(lifecycle(o), "ACTIVE") != 0) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "%s %s does not exist.", k->noun, c->params[0]);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "lifecycle_state");
	cJSON_AddStringToObject(o, "lifecycle_state", "TRASHED");
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static int keep_active(const cJSON *o, void *arg)
{
	(void)arg;
	return strcmp(lifecycle(o), "ACTIVE") == 0;
}

static void sql_list(fw_ctx *c, const struct sqlkind *k)
{
	fw_list_page(c, fw_coll_of(c->s, k->coll), "results", "page_size", 100, 1000, keep_active, NULL, NULL, 0);
}

#define SQL_HANDLERS(name, kind)                                                \
	static void name##_create(fw_ctx *c) { sql_create(c, &kind); }          \
	static void name##_get(fw_ctx *c) { sql_get(c, &kind); }                \
	static void name##_update(fw_ctx *c) { sql_update(c, &kind); }          \
	static void name##_delete(fw_ctx *c) { sql_delete(c, &kind); }          \
	static void name##_list(fw_ctx *c) { sql_list(c, &kind); }

SQL_HANDLERS(q, K_QUERY)
SQL_HANDLERS(a, K_ALERT)

/* ---- legacy DBSQL dashboards ---- */

static const fw_lookup L_LEGACY = {FW_SQL_DASHBOARDS, NULL, 404, "RESOURCE_DOES_NOT_EXIST", "Dashboard ",
				    " does not exist.", NULL};

static void slug_of(const char *name, char *buf, size_t n)
{
	size_t k = 0;
	for (; *name && k + 1 < n; name++) {
		char ch = *name;
		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch + 32);
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'))
			buf[k++] = ch;
		else if (k && buf[k - 1] != '-')
			buf[k++] = '-';
	}
	while (k && buf[k - 1] == '-')
		k--;
	buf[k] = '\0';
}

static void user_block(fw_ctx *c, cJSON *o)
{
	cJSON *u = fw_coll_by_key(fw_coll_of(c->s, FW_USERS), c->user);
	double uid = u ? strtod(fw_str(u, "id") ? fw_str(u, "id") : "0", NULL) : 0;
	cJSON *ub = cJSON_AddObjectToObject(o, "user");
	cJSON_AddStringToObject(ub, "email", c->user);
	cJSON_AddNumberToObject(ub, "id", uid);
	cJSON_AddStringToObject(ub, "name", u && fw_str(u, "displayName") ? fw_str(u, "displayName") : c->user);
	cJSON_AddNumberToObject(o, "user_id", uid);
}

static int legacy_fields(fw_ctx *c, const cJSON *b)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "tags"), *e;
	if (t && !cJSON_IsArray(t)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "tags must be an array of strings");
		return -1;
	}
	cJSON_ArrayForEach(e, t)
		if (!cJSON_IsString(e)) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "tags must be an array of strings");
			return -1;
		}
	const char *rr = fw_str(b, "run_as_role");
	if (rr && strcmp(rr, "viewer") && strcmp(rr, "owner")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "run_as_role: invalid value %s (viewer or owner)", rr);
		return -1;
	}
	return 0;
}

static void legacy_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	const char *name = b ? fw_need_str(c, b, "name", NULL) : NULL;
	if (!name || legacy_fields(c, b) < 0)
		return;
	const char *parent = fw_str(b, "parent");
	if (parent && strncmp(parent, "folders/", 8) != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "parent: expected folders/<object id>, got %s", parent);
		return;
	}
	if (parent) {
		char *end;
		long long fid = strtoll(parent + 8, &end, 10);
		fw_wsobj *d = *end ? NULL : fw_ws_by_id(c->s, fid);
		if (!d || strcmp(d->type, "DIRECTORY") != 0) {
			fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "parent: folder %s does not exist.", parent + 8);
			return;
		}
	}
	char id[64], ts[32], slug[256];
	fw_coll_new_id(c->s, FW_SQL_DASHBOARDS, id, sizeof id);
	fw_iso_time(fw_now_ms(), ts, sizeof ts);
	slug_of(name, slug, sizeof slug);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "slug", slug);
	cJSON_AddStringToObject(o, "created_at", ts);
	cJSON_AddStringToObject(o, "updated_at", ts);
	cJSON_AddBoolToObject(o, "dashboard_filters_enabled",
			      cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "dashboard_filters_enabled")));
	cJSON_AddBoolToObject(o, "is_archived", 0);
	cJSON_AddBoolToObject(o, "is_draft", 0);
	cJSON_AddBoolToObject(o, "is_favorite", 0);
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "tags");
	cJSON_AddItemToObject(o, "tags", t ? cJSON_Duplicate(t, 1) : cJSON_CreateArray());
	cJSON *opt = cJSON_AddObjectToObject(o, "options");
	if (parent)
		cJSON_AddStringToObject(opt, "parent", parent);
	if (fw_str(b, "run_as_role"))
		cJSON_AddStringToObject(opt, "run_as_role", fw_str(b, "run_as_role"));
	cJSON_AddArrayToObject(o, "widgets");
	user_block(c, o);
	cJSON_AddNumberToObject(o, "version", 1);
	fw_coll_add(fw_coll_of(c->s, FW_SQL_DASHBOARDS), o);
	c->mutated = 1;
	fw_reply(c, 200, cJSON_Duplicate(fw_coll_get(fw_coll_of(c->s, FW_SQL_DASHBOARDS), id), 1));
}

static void legacy_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_LEGACY, NULL);
	if (o)
		fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static void legacy_update(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_LEGACY, &b);
	if (!o || legacy_fields(c, b) < 0)
		return;
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "is_archived"))) {
		fw_error(c, 400, "INVALID_STATE", "Dashboard %s is archived and cannot be updated.", c->params[0]);
		return;
	}
	const char *name = fw_str(b, "name");
	if (name) {
		char slug[256];
		slug_of(name, slug, sizeof slug);
		fw_set(o, "name", cJSON_CreateString(name));
		fw_set(o, "slug", cJSON_CreateString(slug));
	}
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(b, "tags");
	if (t) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, "tags");
		cJSON_AddItemToObject(o, "tags", cJSON_Duplicate(t, 1));
	}
	const char *rr = fw_str(b, "run_as_role");
	cJSON *opt = cJSON_GetObjectItemCaseSensitive(o, "options");
	if (rr && cJSON_IsObject(opt)) {
		cJSON_DeleteItemFromObjectCaseSensitive(opt, "run_as_role");
		cJSON_AddStringToObject(opt, "run_as_role", rr);
	}
	char ts[32];
	fw_set(o, "updated_at", cJSON_CreateString(fw_iso_time(fw_now_ms(), ts, sizeof ts)));
	double v = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "version"));
	cJSON_DeleteItemFromObjectCaseSensitive(o, "version");
	cJSON_AddNumberToObject(o, "version", (v == v ? v : 0) + 1);
	c->mutated = 1;
	fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static void legacy_archive(fw_ctx *c, int archived)
{
	cJSON *o = fw_target(c, &L_LEGACY, NULL);
	if (!o)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(o, "is_archived");
	cJSON_AddBoolToObject(o, "is_archived", archived);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void legacy_delete(fw_ctx *c) { legacy_archive(c, 1); }
static void legacy_restore(fw_ctx *c) { legacy_archive(c, 0); }

/* The legacy list pages by 1-based page and page_size (max 250) and
 * answers count, page, page_size and results. */
static void legacy_list(fw_ctx *c)
{
	const char *ps = fw_query(c, "page_size"), *pg = fw_query(c, "page"), *q = fw_query(c, "q");
	long size = 25, page = 1;
	char *end;
	if (ps) {
		size = strtol(ps, &end, 10);
		if (*end || end == ps || size < 1 || size > 250) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "page_size must be between 1 and 250, got %s", ps);
			return;
		}
	}
	if (pg) {
		page = strtol(pg, &end, 10);
		if (*end || end == pg || page < 1) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "page must be a positive integer, got %s", pg);
			return;
		}
	}
	size = fw_page_size(c, (int)size, 25);
	fw_coll *col = fw_coll_of(c->s, FW_SQL_DASHBOARDS);
	cJSON *r = cJSON_CreateObject(), *res = cJSON_CreateArray();
	long count = 0;
	for (size_t i = 0; i < col->n; i++) {
		const cJSON *o = col->items[i];
		if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "is_archived")))
			continue;
		if (q && (!fw_str(o, "name") || !strstr(fw_str(o, "name"), q)))
			continue;
		if (count >= (page - 1) * size && count < page * size) {
			cJSON *e = cJSON_Duplicate(o, 1);
			cJSON_DeleteItemFromObjectCaseSensitive(e, "widgets");
			cJSON_AddNullToObject(e, "widgets");
			cJSON_AddItemToArray(res, e);
		}
		count++;
	}
	cJSON_AddNumberToObject(r, "count", (double)count);
	cJSON_AddNumberToObject(r, "page", (double)page);
	cJSON_AddNumberToObject(r, "page_size", (double)size);
	cJSON_AddItemToObject(r, "results", res);
	fw_reply(c, 200, r);
}

/* ---- Lakeview dashboards ---- */

static const fw_lookup L_LV = {FW_DASHBOARDS, NULL, 404, "RESOURCE_DOES_NOT_EXIST", "Unable to find dashboard [dashboardId=",
			       "]", NULL};

/* The Dashboard reply: the stored object without the published state. */
static cJSON *lv_view(const cJSON *o, void *arg)
{
	cJSON *r = cJSON_Duplicate(o, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(r, "published");
	if (arg)	/* list: DASHBOARD_VIEW_BASIC */
		cJSON_DeleteItemFromObjectCaseSensitive(r, "serialized_dashboard");
	return r;
}

static int lv_fields(fw_ctx *c, const cJSON *b)
{
	const char *dn = fw_str(b, "display_name");
	if (dn && strchr(dn, '/')) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "display_name: '%s' may not contain '/' (it names a workspace file)", dn);
		return -1;
	}
	const cJSON *sd = cJSON_GetObjectItemCaseSensitive(b, "serialized_dashboard");
	if (sd) {
		cJSON *parsed = cJSON_IsString(sd) ? cJSON_Parse(sd->valuestring) : NULL;
		int ok = cJSON_IsObject(parsed);
		cJSON_Delete(parsed);
		if (!ok) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "serialized_dashboard must be a string holding a JSON object");
			return -1;
		}
	}
	const char *wh = fw_str(b, "warehouse_id");
	if (wh && !fw_coll_get(fw_coll_of(c->s, FW_WAREHOUSES), wh)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "warehouse_id: warehouse %s does not exist.", wh);
		return -1;
	}
	return check_parent(c, b, "dashboard");
}

static void lv_path(cJSON *o)
{
	char path[2048];
	snprintf(path, sizeof path, "%s/%s.lvdash.json", fw_str(o, "parent_path"), fw_str(o, "display_name"));
	cJSON_DeleteItemFromObjectCaseSensitive(o, "path");
	cJSON_AddStringToObject(o, "path", path);
}

static void etag(fw_ctx *c, cJSON *o)
{
	char e[24];
	snprintf(e, sizeof e, "%u", (unsigned)(fw_rand(c->s) & 0x7fffffff));
	cJSON_DeleteItemFromObjectCaseSensitive(o, "etag");
	cJSON_AddStringToObject(o, "etag", e);
}

static void lv_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	/* the SDKs send the Dashboard itself; older ones wrap it in "dashboard" */
	const cJSON *in = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(b, "dashboard"))
				  ? cJSON_GetObjectItemCaseSensitive(b, "dashboard") : b;
	if (!fw_need_str(c, in, "display_name", NULL) || lv_fields(c, in) < 0)
		return;
	char id[64], ts[32], home[600];
	fw_coll_new_id(c->s, FW_DASHBOARDS, id, sizeof id);
	fw_iso_time(fw_now_ms(), ts, sizeof ts);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "dashboard_id", id);
	cJSON_AddStringToObject(o, "display_name", fw_str(in, "display_name"));
	snprintf(home, sizeof home, "/Users/%s", c->user);
	cJSON_AddStringToObject(o, "parent_path", fw_str(in, "parent_path") ? fw_str(in, "parent_path") : home);
	cJSON_AddStringToObject(o, "serialized_dashboard",
				fw_str(in, "serialized_dashboard") ? fw_str(in, "serialized_dashboard") : "{\"pages\":[]}");
	if (fw_str(in, "warehouse_id"))
		cJSON_AddStringToObject(o, "warehouse_id", fw_str(in, "warehouse_id"));
	cJSON_AddStringToObject(o, "create_time", ts);
	cJSON_AddStringToObject(o, "update_time", ts);
	cJSON_AddStringToObject(o, "lifecycle_state", "ACTIVE");
	lv_path(o);
	etag(c, o);
	fw_coll_add(fw_coll_of(c->s, FW_DASHBOARDS), o);
	c->mutated = 1;
	fw_reply(c, 200, lv_view(fw_coll_get(fw_coll_of(c->s, FW_DASHBOARDS), id), NULL));
}

static void lv_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_LV, NULL);
	if (o)
		fw_reply(c, 200, lv_view(o, NULL));
}

static void lv_update(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_LV, &b);
	if (!o)
		return;
	const cJSON *in = cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(b, "dashboard"))
				  ? cJSON_GetObjectItemCaseSensitive(b, "dashboard") : b;
	if (strcmp(lifecycle(o), "ACTIVE") != 0) {
		fw_error(c, 400, "INVALID_STATE", "Dashboard %s is in the trash and cannot be updated.", c->params[0]);
		return;
	}
	const char *et = fw_str(in, "etag");
	if (et && fw_str(o, "etag") && strcmp(et, fw_str(o, "etag")) != 0) {
		fw_error(c, 409, "ABORTED", "The dashboard was changed since etag %s was read.", et);
		return;
	}
	if (lv_fields(c, in) < 0)
		return;
	static const char *const upd[] = {"display_name", "serialized_dashboard", "warehouse_id"};
	for (size_t i = 0; i < 3; i++) {
		const char *v = fw_str(in, upd[i]);
		if (v && *v) {
			cJSON_DeleteItemFromObjectCaseSensitive(o, upd[i]);
			cJSON_AddStringToObject(o, upd[i], v);
		}
	}
	char ts[32];
	fw_set(o, "update_time", cJSON_CreateString(fw_iso_time(fw_now_ms(), ts, sizeof ts)));
	lv_path(o);
	etag(c, o);
	c->mutated = 1;
	fw_reply(c, 200, lv_view(o, NULL));
}

static void lv_trash(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_LV, NULL);
	if (!o)
		return;
	if (strcmp(lifecycle(o), "ACTIVE") != 0) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Unable to find dashboard [dashboardId=%s]", c->params[0]);
		return;
	}
	fw_set(o, "lifecycle_state", cJSON_CreateString("TRASHED"));
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static int keep_lv(const cJSON *o, void *arg)
{
	(void)arg;
	return strcmp(lifecycle(o), "ACTIVE") == 0;
}

static void lv_list(fw_ctx *c)
{
	const char *tr = fw_query(c, "show_trashed");
	int trashed = tr && strcmp(tr, "true") == 0;
	fw_list_page(c, fw_coll_of(c->s, FW_DASHBOARDS), "dashboards", "page_size", 100, 1000,
		     trashed ? NULL : keep_lv, lv_view, (void *)"basic", 0);
}

static void lv_publish(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_LV, &b);
	if (!o)
		return;
	if (strcmp(lifecycle(o), "ACTIVE") != 0) {
		fw_error(c, 400, "INVALID_STATE", "Dashboard %s is in the trash and cannot be published.", c->params[0]);
		return;
	}
	const char *wh = fw_str(b, "warehouse_id") ? fw_str(b, "warehouse_id") : fw_str(o, "warehouse_id");
	if (!wh) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: warehouse_id (the dashboard has none)");
		return;
	}
	if (!fw_coll_get(fw_coll_of(c->s, FW_WAREHOUSES), wh)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "warehouse_id: warehouse %s does not exist.", wh);
		return;
	}
	char ts[32];
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "display_name", fw_str(o, "display_name"));
	cJSON_AddBoolToObject(p, "embed_credentials", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "embed_credentials")));
	cJSON_AddStringToObject(p, "revision_create_time", fw_iso_time(fw_now_ms(), ts, sizeof ts));
	cJSON_AddStringToObject(p, "warehouse_id", wh);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "published");
	cJSON_AddItemToObject(o, "published", p);
	c->mutated = 1;
	fw_reply(c, 200, cJSON_Duplicate(p, 1));
}

static void lv_published(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_LV, NULL);
	if (!o)
		return;
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(o, "published");
	if (!p) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Dashboard %s is not published.", c->params[0]);
		return;
	}
	fw_reply(c, 200, cJSON_Duplicate(p, 1));
}

static void lv_unpublish(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_LV, NULL);
	if (!o)
		return;
	if (!cJSON_GetObjectItemCaseSensitive(o, "published")) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Dashboard %s is not published.", c->params[0]);
		return;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "published");
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

const fw_route fw_dbsql_routes[] = {
	{"GET", "/api/2.0/sql/queries", q_list},
	{"POST", "/api/2.0/sql/queries", q_create},
	{"GET", "/api/2.0/sql/queries/{id}", q_get},
	{"PATCH", "/api/2.0/sql/queries/{id}", q_update},
	{"DELETE", "/api/2.0/sql/queries/{id}", q_delete},
	{"GET", "/api/2.0/sql/alerts", a_list},
	{"POST", "/api/2.0/sql/alerts", a_create},
	{"GET", "/api/2.0/sql/alerts/{id}", a_get},
	{"PATCH", "/api/2.0/sql/alerts/{id}", a_update},
	{"DELETE", "/api/2.0/sql/alerts/{id}", a_delete},
	{"GET", "/api/2.0/preview/sql/dashboards", legacy_list},
	{"POST", "/api/2.0/preview/sql/dashboards", legacy_create},
	{"GET", "/api/2.0/preview/sql/dashboards/{id}", legacy_get},
	{"POST", "/api/2.0/preview/sql/dashboards/{id}", legacy_update},
	{"DELETE", "/api/2.0/preview/sql/dashboards/{id}", legacy_delete},
	{"POST", "/api/2.0/preview/sql/dashboards/trash/{id}", legacy_restore},
	{"GET", "/api/2.0/lakeview/dashboards", lv_list},
	{"POST", "/api/2.0/lakeview/dashboards", lv_create},
	{"GET", "/api/2.0/lakeview/dashboards/{id}", lv_get},
	{"PATCH", "/api/2.0/lakeview/dashboards/{id}", lv_update},
	{"DELETE", "/api/2.0/lakeview/dashboards/{id}", lv_trash},
	{"GET", "/api/2.0/lakeview/dashboards/{id}/published", lv_published},
	{"POST", "/api/2.0/lakeview/dashboards/{id}/published", lv_publish},
	{"DELETE", "/api/2.0/lakeview/dashboards/{id}/published", lv_unpublish},
	{NULL, NULL, NULL},
};
