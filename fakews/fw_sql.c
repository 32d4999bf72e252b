/* fw_sql: SQL warehouses (/api/2.0/sql/warehouses, paged) and global init
 * scripts (/api/2.0/global-init-scripts, ordered by position). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_b64.h"
#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"

static const char *const sizes[][2] = {
	{"2X-Small", "XXSMALL"}, {"X-Small", "XSMALL"}, {"Small", "SMALL"}, {"Medium", "MEDIUM"},
	{"Large", "LARGE"}, {"X-Large", "XLARGE"}, {"2X-Large", "XXLARGE"}, {"3X-Large", "XXXLARGE"},
	{"4X-Large", "XXXXLARGE"},
};

static const char *size_code(const char *s)
{
	for (size_t i = 0; s && i < sizeof sizes / sizeof *sizes; i++)
		if (strcmp(s, sizes[i][0]) == 0)
			return sizes[i][1];
	return NULL;
}

static const fw_lookup L_WH = {FW_WAREHOUSES, NULL, 404, "RESOURCE_DOES_NOT_EXIST", "Unable to find warehouse ", "",
			       NULL};

static int num_field(fw_ctx *c, const cJSON *b, const char *f, double lo, double hi)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, f);
	if (v && (!cJSON_IsNumber(v) || v->valuedouble < lo || v->valuedouble > hi)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s must be a number between %.0f and %.0f", f, lo, hi);
		return -1;
	}
	return 0;
}

/* Validates a create/edit body against the current object OLD (NULL on
 * create) and returns the merged object, or NULL with a reply. */
static cJSON *wh_merge(fw_ctx *c, const cJSON *b, const cJSON *old)
{
	const char *name = fw_str(b, "name") ? fw_str(b, "name") : fw_str(old, "name");
	const char *size = fw_str(b, "cluster_size") ? fw_str(b, "cluster_size") : fw_str(old, "cluster_size");
	if (!name || !*name) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: name");
		return NULL;
	}
	if (!size_code(size)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "cluster_size: invalid value %s (2X-Small .. 4X-Large)",
			 size ? size : "(missing)");
		return NULL;
	}
	if (num_field(c, b, "min_num_clusters", 1, 30) < 0 || num_field(c, b, "max_num_clusters", 1, 30) < 0 ||
	    num_field(c, b, "auto_stop_mins", 0, 10000) < 0)
		return NULL;
	const cJSON *as = cJSON_GetObjectItemCaseSensitive(b, "auto_stop_mins");
	int serverless = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "enable_serverless_compute"));
	if (as && !serverless && as->valuedouble != 0 && as->valuedouble < 10) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "auto_stop_mins must be 0 or at least 10 for a non-serverless warehouse");
		return NULL;
	}
	const char *wt = fw_str(b, "warehouse_type");
	if (wt && strcmp(wt, "PRO") && strcmp(wt, "CLASSIC") && strcmp(wt, "TYPE_UNSPECIFIED")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "warehouse_type: invalid value %s (PRO or CLASSIC)", wt);
		return NULL;
	}
	if (serverless && wt && strcmp(wt, "PRO") != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Serverless compute needs warehouse_type PRO");
		return NULL;
	}
	fw_coll *col = fw_coll_of(c->s, FW_WAREHOUSES);
	cJSON *dup = fw_coll_by_key(col, name);
	if (dup && dup != old) {
		fw_error(c, 400, "RESOURCE_ALREADY_EXISTS", "Warehouse with name '%s' already exists.", name);
		return NULL;
	}
	cJSON *o = old ? cJSON_Duplicate(old, 1) : cJSON_CreateObject();
	const cJSON *f;
	cJSON_ArrayForEach(f, b) {
		if (strcmp(f->string, "id") == 0)
			continue;
		cJSON_DeleteItemFromObjectCaseSensitive(o, f->string);
		cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "size");
	cJSON_AddStringToObject(o, "size", size_code(size));
	static const struct { const char *k; double v; } nums[] = {
		{"auto_stop_mins", 120}, {"min_num_clusters", 1}, {"max_num_clusters", 1},
		{"num_clusters", 0}, {"num_active_sessions", 0},
	};
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		if (!cJSON_GetObjectItemCaseSensitive(o, nums[i].k))
			cJSON_AddNumberToObject(o, nums[i].k, nums[i].v);
	if (!cJSON_GetObjectItemCaseSensitive(o, "spot_instance_policy"))
		cJSON_AddStringToObject(o, "spot_instance_policy", "COST_OPTIMIZED");
	if (!cJSON_GetObjectItemCaseSensitive(o, "enable_photon"))
		cJSON_AddBoolToObject(o, "enable_photon", 1);
	if (!cJSON_GetObjectItemCaseSensitive(o, "enable_serverless_compute"))
		cJSON_AddBoolToObject(o, "enable_serverless_compute", 0);
	if (!cJSON_GetObjectItemCaseSensitive(o, "auto_resume"))
		cJSON_AddBoolToObject(o, "auto_resume", 1);
	if (!cJSON_GetObjectItemCaseSensitive(o, "tags"))
		cJSON_AddObjectToObject(o, "tags");
	if (!cJSON_GetObjectItemCaseSensitive(o, "channel"))
		cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "channel"), "name", "CHANNEL_NAME_CURRENT");
	return o;
}

void fw_wh_endpoints(cJSON *wh, const char *id)
{
	char buf[256];
	snprintf(buf, sizeof buf, "jdbc:spark://127.0.0.1:443/default;transportMode=http;ssl=1;AuthMech=3;httpPath=/sql/1.0/warehouses/%s;", id);
	cJSON_AddStringToObject(wh, "jdbc_url", buf);
	cJSON *odbc = cJSON_AddObjectToObject(wh, "odbc_params");
	cJSON_AddStringToObject(odbc, "hostname", "127.0.0.1");
	snprintf(buf, sizeof buf, "/sql/1.0/warehouses/%s", id);
	cJSON_AddStringToObject(odbc, "path", buf);
	cJSON_AddNumberToObject(odbc, "port", 443);
	cJSON_AddStringToObject(odbc, "protocol", "https");
}

static void wh_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	cJSON *o = wh_merge(c, b, NULL);
	if (!o)
		return;
	char id[64];
	fw_coll_new_id(c->s, FW_WAREHOUSES, id, sizeof id);
	cJSON_AddStringToObject(o, "id", id);
	cJSON_AddStringToObject(o, "creator_name", c->user);
	cJSON_AddStringToObject(o, "state", "RUNNING");
	fw_wh_endpoints(o, id);
	fw_coll_add(fw_coll_of(c->s, FW_WAREHOUSES), o);
	fw_created(c, "id", id);
}

static void wh_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_WH, NULL);
	if (o)
		fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static void wh_edit(fw_ctx *c)
{
	cJSON *b;
	cJSON *old = fw_target(c, &L_WH, &b);
	cJSON *o = old ? wh_merge(c, b, old) : NULL;
	if (!o)
		return;
	fw_coll_replace(fw_coll_of(c->s, FW_WAREHOUSES), o);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void wh_delete(fw_ctx *c)
{
	if (!fw_target(c, &L_WH, NULL))
		return;
	char pk[96];
	snprintf(pk, sizeof pk, "sql/warehouses/%s", c->params[0]);
	fw_coll_del(fw_coll_of(c->s, FW_PERMS), pk);
	fw_coll_del(fw_coll_of(c->s, FW_WAREHOUSES), c->params[0]);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void wh_state(fw_ctx *c, const char *state)
{
	cJSON *o = fw_target(c, &L_WH, NULL);
	if (!o)
		return;
	cJSON_DeleteItemFromObjectCaseSensitive(o, "state");
	cJSON_AddStringToObject(o, "state", state);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void wh_start(fw_ctx *c) { wh_state(c, "RUNNING"); }
static void wh_stop(fw_ctx *c) { wh_state(c, "STOPPED"); }

static void wh_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_WAREHOUSES);
	const char *ps = fw_query(c, "page_size");
	long off = fw_page_token(c, fw_query(c, "page_token"));
	if (off < 0)
		return;
	char *end = NULL;
	long req = ps ? strtol(ps, &end, 10) : 0;
	if (ps && (*end || req < 0)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid page_size %s", ps);
		return;
	}
	int n = fw_page_size(c, (int)req, 1000);
	cJSON *r = cJSON_CreateObject();
	size_t i = (size_t)off;
	if (i < col->n) {
		cJSON *arr = cJSON_AddArrayToObject(r, "warehouses");
		for (int k = 0; i < col->n && k < n; i++, k++)
			cJSON_AddItemToArray(arr, cJSON_Duplicate(col->items[i], 1));
	}
	char tb[32];
	if (i < col->n)
		cJSON_AddStringToObject(r, "next_page_token", fw_make_token((long)i, tb, sizeof tb));
	fw_reply(c, 200, r);
}

/* ---- global init scripts ---- */

static double pos_of(const cJSON *o)
{
	return cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "position"));
}

static void set_pos(cJSON *o, double p)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, "position");
	cJSON_AddNumberToObject(o, "position", p);
}

/* Renumbers positions 0..n-1 keeping order, MOVED placed at WANT. */
static void renumber(fw_coll *col, cJSON *moved, double want)
{
	size_t n = col->n;
	cJSON **v = malloc((n ? n : 1) * sizeof *v);
	size_t k = 0;
	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		if (col->items[i] != moved)
			v[k++] = col->items[i];
	for (size_t a = 1; a < k; a++)	/* insertion sort: lists are short */
		for (size_t b = a; b > 0 && pos_of(v[b - 1]) > pos_of(v[b]); b--) {
			cJSON *t = v[b];
			v[b] = v[b - 1];
			v[b - 1] = t;
		}
	size_t at = moved ? (want < 0 || want > (double)k ? k : (size_t)want) : k;
	double p = 0;
	for (size_t i = 0; i <= k; i++) {
		if (moved && i == at)
			set_pos(moved, p++);
		if (i < k)
			set_pos(v[i], p++);
	}
	free(v);
}

static int gis_fields(fw_ctx *c, const cJSON *b)
{
	const char *name = fw_str(b, "name"), *script = fw_str(b, "script");
	if (!name || !*name) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: name");
		return -1;
	}
	if (!script) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: script");
		return -1;
	}
	size_t len;
	unsigned char *d = fw_b64_decode(script, &len);
	if (!d) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "script must be base64-encoded");
		return -1;
	}
	free(d);
	if (len > 64 * 1024) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "The script is %zu bytes: the limit is 65536", len);
		return -1;
	}
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "position");
	if (p && (!cJSON_IsNumber(p) || p->valuedouble < 0)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "position must be a non-negative number");
		return -1;
	}
	return 0;
}

static const fw_lookup L_GIS = {FW_GIS, NULL, 404, "RESOURCE_DOES_NOT_EXIST", "The global init script with ID ",
				" does not exist.", NULL};

static void gis_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b || gis_fields(c, b) < 0)
		return;
	fw_coll *col = fw_coll_of(c->s, FW_GIS);
	char id[64];
	fw_coll_new_id(c->s, FW_GIS, id, sizeof id);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "script_id", id);
	cJSON_AddStringToObject(o, "name", fw_str(b, "name"));
	cJSON_AddStringToObject(o, "script", fw_str(b, "script"));
	cJSON_AddBoolToObject(o, "enabled", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "enabled")));
	cJSON_AddNumberToObject(o, "position", 1e9);
	double now = (double)fw_now_ms();
	cJSON_AddNumberToObject(o, "created_at", now);
	cJSON_AddStringToObject(o, "created_by", c->user);
	cJSON_AddNumberToObject(o, "updated_at", now);
	cJSON_AddStringToObject(o, "updated_by", c->user);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "position");
	fw_coll_add(col, o);
	renumber(col, o, p ? p->valuedouble : -1);
	fw_created(c, "script_id", id);
}

static void gis_update(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_GIS, &b);
	if (!o || gis_fields(c, b) < 0)
		return;
	fw_set(o, "name", cJSON_CreateString(fw_str(b, "name")));
	fw_set(o, "script", cJSON_CreateString(fw_str(b, "script")));
	const cJSON *en = cJSON_GetObjectItemCaseSensitive(b, "enabled");
	if (en) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, "enabled");
		cJSON_AddBoolToObject(o, "enabled", cJSON_IsTrue(en));
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "updated_at");
	cJSON_AddNumberToObject(o, "updated_at", (double)fw_now_ms());
	fw_set(o, "updated_by", cJSON_CreateString(c->user));
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "position");
	if (p)
		renumber(fw_coll_of(c->s, FW_GIS), o, p->valuedouble);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void gis_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_GIS, NULL);
	if (o)
		fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static int cmp_pos(const void *a, const void *b)
{
	double x = pos_of(*(cJSON *const *)a), y = pos_of(*(cJSON *const *)b);
	return x < y ? -1 : x > y;
}

static void gis_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_GIS);
	cJSON *r = cJSON_CreateObject();
	if (col->n) {
		cJSON **v = malloc(col->n * sizeof *v);
		if (!v) {
			cJSON_Delete(r);
			fw_error(c, 500, "INTERNAL_ERROR", "out of memory");
			return;
		}
		memcpy(v, col->items, col->n * sizeof *v);
		qsort(v, col->n, sizeof *v, cmp_pos);
		cJSON *arr = cJSON_AddArrayToObject(r, "scripts");
		for (size_t i = 0; i < col->n; i++) {
			cJSON *e = cJSON_Duplicate(v[i], 1);
			cJSON_DeleteItemFromObjectCaseSensitive(e, "script");
			cJSON_AddItemToArray(arr, e);
		}
		free(v);
	}
	fw_reply(c, 200, r);
}

static void gis_delete(fw_ctx *c)
{
	if (!fw_target(c, &L_GIS, NULL))
		return;
	fw_coll *col = fw_coll_of(c->s, FW_GIS);
	fw_coll_del(col, c->params[0]);
	renumber(col, NULL, 0);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

const fw_route fw_sql_routes[] = {
	{"GET", "/api/2.0/sql/warehouses", wh_list},
	{"POST", "/api/2.0/sql/warehouses", wh_create},
	{"GET", "/api/2.0/sql/warehouses/{id}", wh_get},
	{"POST", "/api/2.0/sql/warehouses/{id}/edit", wh_edit},
	{"DELETE", "/api/2.0/sql/warehouses/{id}", wh_delete},
	{"POST", "/api/2.0/sql/warehouses/{id}/start", wh_start},
	{"POST", "/api/2.0/sql/warehouses/{id}/stop", wh_stop},
	{"GET", "/api/2.0/global-init-scripts", gis_list},
	{"POST", "/api/2.0/global-init-scripts", gis_create},
	{"GET", "/api/2.0/global-init-scripts/{id}", gis_get},
	{"PATCH", "/api/2.0/global-init-scripts/{id}", gis_update},
	{"DELETE", "/api/2.0/global-init-scripts/{id}", gis_delete},
	{NULL, NULL, NULL},
};
