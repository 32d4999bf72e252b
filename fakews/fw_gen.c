/* fw_gen: --generate: synthetic, deterministic objects at scale, valid for
 * the workspace's cloud and shaped like the fixture workspace's, for
 * benchmarks and load tests of export, transform and import. Every
 * reference points at an object that exists (a query's warehouse, an
 * alert's query, a table's schema and its storage's external location), so
 * a generated workspace migrates as a whole. Ids come from the fake's one
 * allocator (fw_coll_new_id) and names skip what the state already holds,
 * so generating on top of a seed (even a dump of a generated workspace)
 * never collides. */
#include "fw_gen.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_check.h"
#include "fw_http.h"
#include "fw_map.h"

/* The kinds --generate makes, as SPEC names them, and their share of a
 * workspace of scale=100 (a mid-sized team workspace, the proportions of
 * the fixture workspace). */
enum {
	G_USERS, G_CLUSTERS, G_JOBS, G_NOTEBOOKS, G_WAREHOUSES, G_QUERIES, G_ALERTS, G_DASHBOARDS,
	G_PIPELINES, G_CREDS, G_EXTLOCS, G_CATALOGS, G_SCHEMAS, G_TABLES, G_VOLUMES, G_HIVE, G_N
};
static const struct {
	const char *key;
	long per100;
} gkinds[G_N] = {
	[G_USERS] = {"users", 100}, [G_CLUSTERS] = {"clusters", 50}, [G_JOBS] = {"jobs", 100},
	[G_NOTEBOOKS] = {"notebooks", 200}, [G_WAREHOUSES] = {"sql_warehouses", 5}, [G_QUERIES] = {"queries", 50},
	[G_ALERTS] = {"alerts", 10}, [G_DASHBOARDS] = {"dashboards", 10}, [G_PIPELINES] = {"pipelines", 10},
	[G_CREDS] = {"storage_credentials", 2}, [G_EXTLOCS] = {"external_locations", 4},
	[G_CATALOGS] = {"catalogs", 4}, [G_SCHEMAS] = {"schemas", 20}, [G_TABLES] = {"tables", 100},
	[G_VOLUMES] = {"volumes", 10}, [G_HIVE] = {"hive_metastore", 5},
};

#define GEN_OWNER "admin@fake.local"	/* exists in every fake, source and target */
#define GEN_TIME 1700000000000.0	/* created/updated times: fixed, so runs compare */
#define GEN_ISO "2023-11-14T22:13:20Z"

typedef struct gen {
	fw_state *s;
	long n[G_N];
	fw_map names;		/* "kind\x1fname" of what holds no name index */
	long next[G_N];		/* next name number to try, per kind */
	char err[512];
} gen;

static const char *node_for(fw_cloud c)
{
	return c == FW_AWS ? "i3.xlarge" : c == FW_AZURE ? "Standard_DS3_v2" : "n2-standard-4";
}

static const char *driver_for(fw_cloud c)
{
	return c == FW_AWS ? "i3.2xlarge" : c == FW_AZURE ? "Standard_DS4_v2" : "n2-standard-8";
}

/* Where generated Unity Catalog and Hive data lives, on this cloud's storage. */
static const char *lake_for(fw_cloud c)
{
	return c == FW_AWS ? "s3://gen-lake" : c == FW_AZURE ? "abfss://gen@genlake.dfs.core.windows.net" : "gs://gen-lake";
}

static int parse_spec(const char *spec, long *n, char *err, size_t errlen)
{
	char buf[1024];
	long scale = -1;
	int given[G_N] = {0};
	if (strlen(spec) >= sizeof buf) {
		snprintf(err, errlen, "the spec is too long");
		return -1;
	}
	snprintf(buf, sizeof buf, "%s", spec);
	for (char *p = buf; p && *p;) {
		char *comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		char *eq = strchr(p, '=');
		int which = -2;
		if (eq) {
			*eq = '\0';
			if (strcmp(p, "scale") == 0)
				which = -1;
			for (int i = 0; i < G_N; i++)
				if (strcmp(p, gkinds[i].key) == 0)
					which = i;
		}
		if (which == -2) {
			snprintf(err, errlen, "'%s': expected scale=N or KIND=N, KIND one of users, clusters, jobs, "
				 "notebooks, sql_warehouses, queries, alerts, dashboards, pipelines, storage_credentials, "
				 "external_locations, catalogs, schemas, tables, volumes, hive_metastore", p);
			return -1;
		}
		char *end;
		errno = 0;
		long v = strtol(eq + 1, &end, 10);
		if (errno || end == eq + 1 || *end || v < 0 || v > 10000000) {
			snprintf(err, errlen, "%s=%s: expected a count between 0 and 10000000", p, eq + 1);
			return -1;
		}
		if (which < 0)
			scale = v;
		else {
			n[which] = v;
			given[which] = 1;
		}
		p = comma ? comma + 1 : NULL;
	}
	/* scale=N: every kind not named, in proportion, at least one of each */
	for (int i = 0; scale > 0 && i < G_N; i++)
		if (!given[i])
			n[i] = (scale * gkinds[i].per100 + 99) / 100;
	return 0;
}

/* The name field of the kinds whose names the fake does not index. */
static const char *name_of(int gk, const cJSON *o)
{
	switch (gk) {
	case G_CLUSTERS: return fw_str(o, "cluster_name");
	case G_JOBS: return fw_str(cJSON_GetObjectItemCaseSensitive(o, "settings"), "name");
	case G_PIPELINES: return fw_str(o, "name");
	default: return fw_str(o, "display_name");
	}
}

static void name_key(int gk, const char *name, char *buf, size_t n)
{
	snprintf(buf, n, "%s\x1f%s", gkinds[gk].key, name);
}

static void index_names(gen *g)
{
	static const int kinds[][2] = {
		{G_CLUSTERS, FW_CLUSTERS}, {G_JOBS, FW_JOBS}, {G_PIPELINES, FW_PIPELINES},
		{G_QUERIES, FW_QUERIES}, {G_ALERTS, FW_ALERTS}, {G_DASHBOARDS, FW_DASHBOARDS},
	};
	char key[1200];
	for (size_t k = 0; k < sizeof kinds / sizeof *kinds; k++) {
		fw_coll *c = fw_coll_of(g->s, kinds[k][1]);
		for (size_t i = 0; i < c->n; i++) {
			const char *nm = name_of(kinds[k][0], c->items[i]);
			if (nm) {
				name_key(kinds[k][0], nm, key, sizeof key);
				fw_map_put(&g->names, key, c->items[i]);
			}
		}
	}
}

static int taken(gen *g, int gk, const char *name)
{
	char key[1200];
	fw_state *s = g->s;
	switch (gk) {
	case G_USERS: return fw_coll_by_key(fw_coll_of(s, FW_USERS), name) != NULL;
	case G_WAREHOUSES: return fw_coll_by_key(fw_coll_of(s, FW_WAREHOUSES), name) != NULL;
	case G_NOTEBOOKS: return fw_ws_get(s, name) != NULL;
	case G_CREDS: return fw_coll_get(fw_coll_of(s, FW_CREDS), name) != NULL;
	case G_EXTLOCS: return fw_coll_get(fw_coll_of(s, FW_EXTLOCS), name) != NULL;
	case G_CATALOGS: return fw_coll_get(fw_coll_of(s, FW_CATALOGS), name) != NULL;
	case G_HIVE: return fw_coll_get(fw_coll_of(s, FW_HIVE), name) != NULL;
	default:
		name_key(gk, name, key, sizeof key);
		return fw_map_get(&g->names, key) != NULL;
	}
}

/* The next free name of kind GK: PREFIX and the kind's next number (for
 * notebooks a folder per hundred, for users an e-mail address);
 * remembered as taken. */
static const char *next_name(gen *g, int gk, const char *prefix, char *buf, size_t n)
{
	char key[1200];
	do {
		long k = g->next[gk]++;
		if (gk == G_NOTEBOOKS)
			snprintf(buf, n, "%s/d%03ld/nb%ld", prefix, k / 100, k);
		else if (gk == G_USERS)
			snprintf(buf, n, "%s%ld@example.com", prefix, k);
		else
			snprintf(buf, n, "%s%ld", prefix, k);
	} while (taken(g, gk, buf));
	name_key(gk, buf, key, sizeof key);
	fw_map_put(&g->names, key, g);
	return buf;
}

static int add(gen *g, int which, cJSON *o, const char *what)
{
	if (fw_coll_add(fw_coll_of(g->s, which), o) < 0) {
		snprintf(g->err, sizeof g->err, "%.400s: cannot add it (duplicate id or out of memory)", what);
		return -1;
	}
	return 0;
}

/* The i-th object of collection WHICH among the LAST n added (or among all
 * when n is 0): references go to generated objects first. */
static cJSON *pick(gen *g, int which, int gk, long i)
{
	fw_coll *c = fw_coll_of(g->s, which);
	size_t made = (size_t)g->n[gk] < c->n ? (size_t)g->n[gk] : c->n;
	if (!c->n)
		return NULL;
	if (!made)
		return c->items[(size_t)i % c->n];
	return c->items[c->n - made + (size_t)i % made];
}

static cJSON *str_array(const char *a, const char *b)
{
	cJSON *arr = cJSON_CreateArray();
	cJSON_AddItemToArray(arr, cJSON_CreateString(a));
	if (b)
		cJSON_AddItemToArray(arr, cJSON_CreateString(b));
	return arr;
}

static void uc_stamp(fw_state *s, cJSON *o)
{
	cJSON_AddStringToObject(o, "owner", GEN_OWNER);
	cJSON_AddNumberToObject(o, "created_at", GEN_TIME);
	cJSON_AddStringToObject(o, "created_by", GEN_OWNER);
	cJSON_AddNumberToObject(o, "updated_at", GEN_TIME);
	cJSON_AddStringToObject(o, "updated_by", GEN_OWNER);
	cJSON_AddStringToObject(o, "metastore_id", s->cloud == FW_AWS ? "5f1c7a0e-aws0-4e2b-9d7c-000000000001" :
				s->cloud == FW_GCP ? "5f1c7a0e-gcp0-4e2b-9d7c-000000000001" :
				"5f1c7a0e-az00-4e2b-9d7c-000000000001");
}

static int gen_users(gen *g)
{
	char id[64], buf[256];
	for (long i = 0; i < g->n[G_USERS]; i++) {
		cJSON *u = cJSON_CreateObject();
		next_name(g, G_USERS, "gen.user", buf, sizeof buf);
		cJSON_AddStringToObject(u, "id", fw_coll_new_id(g->s, FW_USERS, id, sizeof id));
		cJSON_AddStringToObject(u, "userName", buf);
		cJSON_AddStringToObject(u, "displayName", buf);
		cJSON_AddBoolToObject(u, "active", 1);
		cJSON *em = cJSON_AddArrayToObject(u, "emails"), *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "type", "work");
		cJSON_AddStringToObject(e, "value", buf);
		cJSON_AddBoolToObject(e, "primary", 1);
		cJSON_AddItemToArray(em, e);
		cJSON_AddArrayToObject(u, "groups");
		cJSON_AddItemToObject(u, "schemas", str_array("urn:ietf:params:scim:schemas:core:2.0:User", NULL));
		if (add(g, FW_USERS, u, buf) < 0)
			return -1;
	}
	return 0;
}

static int gen_clusters(gen *g)
{
	char id[64], id2[64], buf[256];
	for (long i = 0; i < g->n[G_CLUSTERS]; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "cluster_id", fw_coll_new_id(g->s, FW_CLUSTERS, id, sizeof id));
		cJSON_AddStringToObject(c, "cluster_name", next_name(g, G_CLUSTERS, "gen-cluster-", buf, sizeof buf));
		cJSON_AddStringToObject(c, "spark_version", i % 3 ? "15.4.x-scala2.12" : "14.3.x-scala2.12");
		cJSON_AddStringToObject(c, "node_type_id", node_for(g->s->cloud));
		cJSON_AddStringToObject(c, "driver_node_type_id", i % 2 ? driver_for(g->s->cloud) : node_for(g->s->cloud));
		if (i % 2) {
			cJSON *as = cJSON_AddObjectToObject(c, "autoscale");
			cJSON_AddNumberToObject(as, "min_workers", 1);
			cJSON_AddNumberToObject(as, "max_workers", (double)(2 + i % 8));
		} else {
			cJSON_AddNumberToObject(c, "num_workers", (double)(1 + i % 8));
		}
		cJSON_AddNumberToObject(c, "autotermination_minutes", i % 4 ? 60 : 120);
		cJSON_AddStringToObject(c, "data_security_mode", i % 2 ? "USER_ISOLATION" : "SINGLE_USER");
		if (i % 2 == 0)
			cJSON_AddStringToObject(c, "single_user_name", GEN_OWNER);
		cJSON_AddStringToObject(c, "runtime_engine", i % 3 ? "PHOTON" : "STANDARD");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "spark_conf"), "spark.databricks.io.cache.enabled", "true");
		snprintf(id2, sizeof id2, "team-%ld", i % 7);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "custom_tags"), "team", id2);
		/* what the real API stores with a cluster of this cloud */
		if (g->s->cloud == FW_AZURE) {
			cJSON *a = cJSON_AddObjectToObject(c, "azure_attributes");
			cJSON_AddStringToObject(a, "availability", i % 2 ? "SPOT_WITH_FALLBACK_AZURE" : "ON_DEMAND_AZURE");
			cJSON_AddNumberToObject(a, "first_on_demand", 1);
			cJSON_AddNumberToObject(a, "spot_bid_max_price", -1);
		} else if (g->s->cloud == FW_AWS) {
			cJSON *a = cJSON_AddObjectToObject(c, "aws_attributes");
			cJSON_AddStringToObject(a, "availability", i % 2 ? "SPOT_WITH_FALLBACK" : "ON_DEMAND");
			cJSON_AddNumberToObject(a, "first_on_demand", 1);
			cJSON_AddStringToObject(a, "zone_id", "auto");
			cJSON_AddNumberToObject(a, "spot_bid_price_percent", 100);
		} else {
			cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "gcp_attributes"), "availability", "ON_DEMAND_GCP");
		}
		cJSON_AddBoolToObject(c, "enable_elastic_disk", g->s->cloud == FW_AZURE);
		if (g->s->cloud == FW_AZURE)
			cJSON_AddObjectToObject(c, "disk_spec");
		cJSON_AddStringToObject(c, "state", "TERMINATED");
		cJSON_AddStringToObject(c, "cluster_source", "UI");
		cJSON_AddStringToObject(c, "creator_user_name", GEN_OWNER);
		if (add(g, FW_CLUSTERS, c, buf) < 0)
			return -1;
	}
	return 0;
}

static fw_wsobj *put_notebook(gen *g, const char *path, const char *text)
{
	char dir[512];
	const char *slash = strrchr(path, '/');
	snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
	fw_wsobj *o = fw_ws_mkdirs(g->s, dir) ?
		fw_ws_put(g->s, path, "NOTEBOOK", "PYTHON", (const unsigned char *)text, strlen(text), 0) : NULL;
	if (!o)
		snprintf(g->err, sizeof g->err, "cannot create notebook %s", path);
	else
		o->created_at = o->modified_at = (int64_t)GEN_TIME;	/* deterministic */
	return o;
}

static int gen_notebooks(gen *g)
{
	char path[256], src[256];
	for (long i = 0; i < g->n[G_NOTEBOOKS]; i++) {
		next_name(g, G_NOTEBOOKS, "/Shared/gen", path, sizeof path);
		snprintf(src, sizeof src, "# Databricks notebook source\nprint(\"generated notebook %ld\")\n", i);
		if (!put_notebook(g, path, src))
			return -1;
	}
	return 0;
}

static int gen_warehouses(gen *g)
{
	static const char *const sizes[] = {"2X-Small", "X-Small", "Small", "Medium", "Large"};
	static const char *const codes[] = {"XXSMALL", "XSMALL", "SMALL", "MEDIUM", "LARGE"};
	char id[64], buf[256], url[512];
	for (long i = 0; i < g->n[G_WAREHOUSES]; i++) {
		cJSON *w = cJSON_CreateObject();
		int serverless = i % 3 == 2;
		fw_coll_new_id(g->s, FW_WAREHOUSES, id, sizeof id);
		cJSON_AddStringToObject(w, "id", id);
		cJSON_AddStringToObject(w, "name", next_name(g, G_WAREHOUSES, "gen-warehouse-", buf, sizeof buf));
		cJSON_AddStringToObject(w, "cluster_size", sizes[i % 5]);
		cJSON_AddNumberToObject(w, "min_num_clusters", 1);
		cJSON_AddNumberToObject(w, "max_num_clusters", (double)(1 + i % 4));
		cJSON_AddNumberToObject(w, "auto_stop_mins", serverless ? 5 : 10 + 10 * (double)(i % 6));
		cJSON_AddBoolToObject(w, "auto_resume", 1);
		cJSON_AddBoolToObject(w, "enable_photon", i % 4 != 3);
		cJSON_AddBoolToObject(w, "enable_serverless_compute", serverless);
		cJSON_AddStringToObject(w, "warehouse_type", serverless || i % 2 ? "PRO" : "CLASSIC");
		cJSON_AddStringToObject(w, "spot_instance_policy", i % 2 ? "RELIABILITY_OPTIMIZED" : "COST_OPTIMIZED");
		cJSON_AddStringToObject(cJSON_AddObjectToObject(w, "channel"), "name",
					i % 5 == 4 ? "CHANNEL_NAME_PREVIEW" : "CHANNEL_NAME_CURRENT");
		cJSON *tags = cJSON_AddArrayToObject(cJSON_AddObjectToObject(w, "tags"), "custom_tags");
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "key", "team");
		snprintf(url, sizeof url, "team-%ld", i % 7);
		cJSON_AddStringToObject(t, "value", url);
		cJSON_AddItemToArray(tags, t);
		cJSON_AddStringToObject(w, "creator_name", GEN_OWNER);
		cJSON_AddStringToObject(w, "state", "STOPPED");
		cJSON_AddNumberToObject(w, "num_clusters", 0);
		cJSON_AddNumberToObject(w, "num_active_sessions", 0);
		cJSON_AddStringToObject(w, "size", codes[i % 5]);
		fw_wh_endpoints(w, id);
		if (add(g, FW_WAREHOUSES, w, buf) < 0)
			return -1;
	}
	return 0;
}

/* A generated table to read in a query's text, or a sample one. */
static const char *some_table(gen *g, long i)
{
	const cJSON *t = pick(g, FW_TABLES, G_TABLES, i);
	return t ? fw_str(t, "full_name") : "samples.nyctaxi.trips";
}

static int sql_folder(gen *g, const char *dir)
{
	if (fw_ws_mkdirs(g->s, dir))
		return 0;
	snprintf(g->err, sizeof g->err, "cannot create folder %s", dir);
	return -1;
}

static int gen_queries(gen *g)
{
	char id[64], buf[256], text[1024];
	if (g->n[G_QUERIES] && !fw_coll_of(g->s, FW_WAREHOUSES)->n) {
		snprintf(g->err, sizeof g->err, "queries=%ld: queries run on a SQL warehouse: add sql_warehouses=N",
			 g->n[G_QUERIES]);
		return -1;
	}
	if (g->n[G_QUERIES] && sql_folder(g, "/Shared/gen/queries") < 0)
		return -1;
	for (long i = 0; i < g->n[G_QUERIES]; i++) {
		cJSON *q = cJSON_CreateObject();
		cJSON_AddStringToObject(q, "id", fw_coll_new_id(g->s, FW_QUERIES, id, sizeof id));
		cJSON_AddStringToObject(q, "display_name", next_name(g, G_QUERIES, "gen query ", buf, sizeof buf));
		snprintf(text, sizeof text, "SELECT count(*) AS n, max(%s) AS latest\nFROM %s\nWHERE %s > 0",
			 i % 2 ? "ts" : "id", some_table(g, i), i % 2 ? "qty" : "id");
		cJSON_AddStringToObject(q, "query_text", text);
		cJSON_AddStringToObject(q, "warehouse_id", fw_str(pick(g, FW_WAREHOUSES, G_WAREHOUSES, i), "id"));
		snprintf(text, sizeof text, "Generated query %ld", i);
		cJSON_AddStringToObject(q, "description", text);
		cJSON_AddStringToObject(q, "parent_path", "/Shared/gen/queries");
		cJSON_AddStringToObject(q, "run_as_mode", i % 3 ? "OWNER" : "VIEWER");
		cJSON_AddItemToObject(q, "tags", str_array("generated", i % 2 ? "hourly" : "daily"));
		cJSON_AddBoolToObject(q, "apply_auto_limit", 1);
		cJSON_AddStringToObject(q, "owner_user_name", GEN_OWNER);
		cJSON_AddStringToObject(q, "last_modifier_user_name", GEN_OWNER);
		cJSON_AddStringToObject(q, "lifecycle_state", "ACTIVE");
		cJSON_AddStringToObject(q, "create_time", GEN_ISO);
		cJSON_AddStringToObject(q, "update_time", GEN_ISO);
		if (add(g, FW_QUERIES, q, buf) < 0)
			return -1;
	}
	return 0;
}

static int gen_alerts(gen *g)
{
	static const char *const ops[] = {"GREATER_THAN", "LESS_THAN", "EQUAL", "GREATER_THAN_OR_EQUAL"};
	char id[64], buf[256];
	if (g->n[G_ALERTS] && !fw_coll_of(g->s, FW_QUERIES)->n) {
		snprintf(g->err, sizeof g->err, "alerts=%ld: alerts watch a query: add queries=N", g->n[G_ALERTS]);
		return -1;
	}
	for (long i = 0; i < g->n[G_ALERTS]; i++) {
		const cJSON *q = pick(g, FW_QUERIES, G_QUERIES, i);
		cJSON *a = cJSON_CreateObject();
		cJSON_AddStringToObject(a, "id", fw_coll_new_id(g->s, FW_ALERTS, id, sizeof id));
		cJSON_AddStringToObject(a, "display_name", next_name(g, G_ALERTS, "gen alert ", buf, sizeof buf));
		cJSON_AddStringToObject(a, "query_id", fw_str(q, "id"));
		cJSON *cond = cJSON_AddObjectToObject(a, "condition");
		cJSON_AddStringToObject(cond, "op", ops[i % 4]);
		cJSON_AddStringToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(cond, "operand"), "column"),
					"name", "n");
		cJSON_AddNumberToObject(cJSON_AddObjectToObject(cJSON_AddObjectToObject(cond, "threshold"), "value"),
					"double_value", (double)(10 * (i % 10 + 1)));
		cJSON_AddStringToObject(cond, "empty_result_state", "OK");
		cJSON_AddStringToObject(a, "custom_subject", "{{ALERT_NAME}} fired");
		cJSON_AddBoolToObject(a, "notify_on_ok", i % 2 == 0);
		cJSON_AddNumberToObject(a, "seconds_to_retrigger", (double)(i % 3 * 1800));
		cJSON_AddStringToObject(a, "parent_path", fw_str(q, "parent_path") ? fw_str(q, "parent_path") : "/Shared");
		cJSON_AddStringToObject(a, "owner_user_name", GEN_OWNER);
		cJSON_AddStringToObject(a, "state", "OK");
		cJSON_AddStringToObject(a, "lifecycle_state", "ACTIVE");
		cJSON_AddStringToObject(a, "create_time", GEN_ISO);
		cJSON_AddStringToObject(a, "update_time", GEN_ISO);
		if (add(g, FW_ALERTS, a, buf) < 0)
			return -1;
	}
	return 0;
}

/* A Lakeview layout: one dataset over TABLE, one page with a counter and
 * a table widget. */
static char *serialized_dashboard(const char *table, long i)
{
	cJSON *d = cJSON_CreateObject();
	char q[600];
	cJSON *ds = cJSON_CreateObject();
	cJSON_AddStringToObject(ds, "name", "main");
	cJSON_AddStringToObject(ds, "displayName", "Main");
	snprintf(q, sizeof q, "SELECT * FROM %s", table);
	cJSON_AddStringToObject(ds, "query", q);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "datasets"), ds);
	cJSON *page = cJSON_CreateObject();
	cJSON_AddStringToObject(page, "name", "overview");
	snprintf(q, sizeof q, "Overview %ld", i);
	cJSON_AddStringToObject(page, "displayName", q);
	cJSON *layout = cJSON_AddArrayToObject(page, "layout");
	for (int w = 0; w < 2; w++) {
		cJSON *item = cJSON_CreateObject(), *wd = cJSON_AddObjectToObject(item, "widget");
		cJSON_AddStringToObject(wd, "name", w ? "table" : "count");
		cJSON *spec = cJSON_AddObjectToObject(wd, "spec");
		cJSON_AddNumberToObject(spec, "version", w ? 1 : 2);
		cJSON_AddStringToObject(spec, "widgetType", w ? "table" : "counter");
		cJSON *pos = cJSON_AddObjectToObject(item, "position");
		cJSON_AddNumberToObject(pos, "x", w ? 2 : 0);
		cJSON_AddNumberToObject(pos, "y", 0);
		cJSON_AddNumberToObject(pos, "width", w ? 4 : 2);
		cJSON_AddNumberToObject(pos, "height", 3);
		cJSON_AddItemToArray(layout, item);
	}
	cJSON_AddItemToArray(cJSON_AddArrayToObject(d, "pages"), page);
	char *text = cJSON_PrintUnformatted(d);
	cJSON_Delete(d);
	return text;
}

static int gen_dashboards(gen *g)
{
	char id[64], buf[256], path[512], etag[32];
	if (g->n[G_DASHBOARDS] && sql_folder(g, "/Shared/gen/dashboards") < 0)
		return -1;
	for (long i = 0; i < g->n[G_DASHBOARDS]; i++) {
		const cJSON *wh = pick(g, FW_WAREHOUSES, G_WAREHOUSES, i);
		cJSON *d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "dashboard_id", fw_coll_new_id(g->s, FW_DASHBOARDS, id, sizeof id));
		cJSON_AddStringToObject(d, "display_name", next_name(g, G_DASHBOARDS, "gen dashboard ", buf, sizeof buf));
		cJSON_AddStringToObject(d, "parent_path", "/Shared/gen/dashboards");
		snprintf(path, sizeof path, "/Shared/gen/dashboards/%s.lvdash.json", buf);
		cJSON_AddStringToObject(d, "path", path);
		char *sd = serialized_dashboard(some_table(g, i), i);
		cJSON_AddStringToObject(d, "serialized_dashboard", sd ? sd : "{\"pages\":[]}");
		free(sd);
		if (wh)
			cJSON_AddStringToObject(d, "warehouse_id", fw_str(wh, "id"));
		cJSON_AddStringToObject(d, "create_time", GEN_ISO);
		cJSON_AddStringToObject(d, "update_time", GEN_ISO);
		snprintf(etag, sizeof etag, "%ld", 80000000 + i);
		cJSON_AddStringToObject(d, "etag", etag);
		cJSON_AddStringToObject(d, "lifecycle_state", "ACTIVE");
		if (wh && i % 2 == 0) {	/* every other one published, as teams do */
			cJSON *p = cJSON_AddObjectToObject(d, "published");
			cJSON_AddStringToObject(p, "display_name", buf);
			cJSON_AddBoolToObject(p, "embed_credentials", i % 4 == 0);
			cJSON_AddStringToObject(p, "revision_create_time", GEN_ISO);
			cJSON_AddStringToObject(p, "warehouse_id", fw_str(wh, "id"));
		}
		if (add(g, FW_DASHBOARDS, d, buf) < 0)
			return -1;
	}
	return 0;
}

static int gen_creds(gen *g)
{
	char id[64], buf[256], res[512];
	for (long i = 0; i < g->n[G_CREDS]; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", next_name(g, G_CREDS, "gen-cred-", buf, sizeof buf));
		cJSON_AddStringToObject(c, "id", fw_uuid(g->s, id, sizeof id));
		if (g->s->cloud == FW_AZURE) {
			cJSON *mi = cJSON_AddObjectToObject(c, "azure_managed_identity");
			snprintf(res, sizeof res, "/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg-gen/"
				 "providers/Microsoft.Databricks/accessConnectors/ac-%s", buf);
			cJSON_AddStringToObject(mi, "access_connector_id", res);
			cJSON_AddStringToObject(mi, "credential_id", fw_uuid(g->s, id, sizeof id));
		} else if (g->s->cloud == FW_AWS) {
			cJSON *r = cJSON_AddObjectToObject(c, "aws_iam_role");
			snprintf(res, sizeof res, "arn:aws:iam::123456789012:role/%s", buf);
			cJSON_AddStringToObject(r, "role_arn", res);
			cJSON_AddStringToObject(r, "external_id", fw_uuid(g->s, id, sizeof id));
			cJSON_AddStringToObject(r, "unity_catalog_iam_arn",
						"arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL");
		} else {
			snprintf(res, sizeof res, "%s@gen-project.iam.gserviceaccount.com", buf);
			cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "databricks_gcp_service_account"), "email", res);
		}
		snprintf(res, sizeof res, "Generated credential %ld", i);
		cJSON_AddStringToObject(c, "comment", res);
		cJSON_AddBoolToObject(c, "read_only", 0);
		uc_stamp(g->s, c);
		if (add(g, FW_CREDS, c, buf) < 0)
			return -1;
	}
	return 0;
}

static int gen_extlocs(gen *g)
{
	char id[64], buf[256], url[512];
	if (g->n[G_EXTLOCS] && !fw_coll_of(g->s, FW_CREDS)->n) {
		snprintf(g->err, sizeof g->err, "external_locations=%ld: a location needs a storage credential: "
			 "add storage_credentials=N", g->n[G_EXTLOCS]);
		return -1;
	}
	for (long i = 0; i < g->n[G_EXTLOCS]; i++) {
		const cJSON *cred = pick(g, FW_CREDS, G_CREDS, i);
		cJSON *l = cJSON_CreateObject();
		cJSON_AddStringToObject(l, "name", next_name(g, G_EXTLOCS, "gen-loc-", buf, sizeof buf));
		cJSON_AddStringToObject(l, "id", fw_uuid(g->s, id, sizeof id));
		/* a folder of its own per location: locations may not overlap */
		snprintf(url, sizeof url, "%s/%s", lake_for(g->s->cloud), buf);
		cJSON_AddStringToObject(l, "url", url);
		cJSON_AddStringToObject(l, "credential_name", fw_str(cred, "name"));
		cJSON_AddStringToObject(l, "credential_id", fw_str(cred, "id") ? fw_str(cred, "id") : "");
		cJSON_AddBoolToObject(l, "read_only", i % 4 == 3);
		snprintf(url, sizeof url, "Generated location %ld", i);
		cJSON_AddStringToObject(l, "comment", url);
		uc_stamp(g->s, l);
		if (add(g, FW_EXTLOCS, l, buf) < 0)
			return -1;
	}
	return 0;
}

/* A folder under a writable generated (or seeded) external location for
 * SUB, in BUF; NULL when there is none (managed storage only). */
static const char *storage_under(gen *g, long i, const char *sub, char *buf, size_t n)
{
	fw_coll *c = fw_coll_of(g->s, FW_EXTLOCS);
	for (size_t k = 0; k < c->n; k++) {
		const cJSON *l = pick(g, FW_EXTLOCS, G_EXTLOCS, i + (long)k);
		if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(l, "read_only")) && fw_str(l, "url")) {
			const char *u = fw_str(l, "url");
			size_t ul = strlen(u);
			snprintf(buf, n, "%.*s/%s", (int)(ul && u[ul - 1] == '/' ? ul - 1 : ul), u, sub);
			return buf;
		}
	}
	return NULL;
}

static int add_schema(gen *g, const char *cat, const char *name, const char *comment, const char *owner)
{
	char full[600], id[64];
	cJSON *s = cJSON_CreateObject();
	snprintf(full, sizeof full, "%s.%s", cat, name);
	cJSON_AddStringToObject(s, "name", name);
	cJSON_AddStringToObject(s, "catalog_name", cat);
	cJSON_AddStringToObject(s, "full_name", full);
	cJSON_AddStringToObject(s, "comment", comment);
	cJSON_AddStringToObject(s, "schema_id", fw_uuid(g->s, id, sizeof id));
	uc_stamp(g->s, s);
	if (owner)
		cJSON_ReplaceItemInObjectCaseSensitive(s, "owner", cJSON_CreateString(owner));
	return add(g, FW_SCHEMAS, s, full);
}

static int gen_catalogs(gen *g)
{
	char id[64], buf[256], root[700], sub[300];
	for (long i = 0; i < g->n[G_CATALOGS]; i++) {
		cJSON *c = cJSON_CreateObject();
		cJSON_AddStringToObject(c, "name", next_name(g, G_CATALOGS, "gen_catalog_", buf, sizeof buf));
		cJSON_AddStringToObject(c, "full_name", buf);
		cJSON_AddStringToObject(c, "id", fw_uuid(g->s, id, sizeof id));
		cJSON_AddStringToObject(c, "catalog_type", "MANAGED_CATALOG");
		cJSON_AddStringToObject(c, "isolation_mode", "OPEN");
		cJSON_AddStringToObject(c, "securable_type", "CATALOG");
		snprintf(root, sizeof root, "Generated catalog %ld", i);
		cJSON_AddStringToObject(c, "comment", root);
		snprintf(sub, sizeof sub, "uc/%s", buf);
		if (i % 2 == 0 && storage_under(g, i, sub, root, sizeof root)) {
			cJSON_AddStringToObject(c, "storage_root", root);
			cJSON_AddStringToObject(c, "storage_location", root);
		}
		cJSON_AddStringToObject(cJSON_AddObjectToObject(c, "properties"), "cost_center", i % 2 ? "cc-2000" : "cc-1000");
		uc_stamp(g->s, c);
		if (add(g, FW_CATALOGS, c, buf) < 0)
			return -1;
		/* every catalog has these two, as in a real metastore */
		if (add_schema(g, buf, "default", "Default schema (auto-created)", NULL) < 0 ||
		    add_schema(g, buf, "information_schema", "Information schema (auto-created)", "System user") < 0)
			return -1;
	}
	return 0;
}

static int gen_schemas(gen *g)
{
	char buf[256], comment[128];
	if (g->n[G_SCHEMAS] && !g->n[G_CATALOGS]) {
		snprintf(g->err, sizeof g->err, "schemas=%ld: schemas live in a generated catalog: add catalogs=N",
			 g->n[G_SCHEMAS]);
		return -1;
	}
	for (long i = 0; i < g->n[G_SCHEMAS]; i++) {
		const char *cat = fw_str(pick(g, FW_CATALOGS, G_CATALOGS, i), "name");
		/* a catalog made here is new: its schema names cannot clash */
		snprintf(buf, sizeof buf, "gen_schema_%ld", i);
		snprintf(comment, sizeof comment, "Generated schema %ld", i);
		if (add_schema(g, cat, buf, comment, NULL) < 0)
			return -1;
	}
	return 0;
}

/* The i-th generated schema, never default or information_schema. */
static const cJSON *gen_schema(gen *g, long i)
{
	fw_coll *c = fw_coll_of(g->s, FW_SCHEMAS);
	size_t made = (size_t)g->n[G_SCHEMAS], total = made + 2 * (size_t)g->n[G_CATALOGS];
	if (!made || total > c->n)
		return NULL;
	return c->items[c->n - made + (size_t)i % made];
}

static void add_column(cJSON *cols, const char *name, const char *type, int pos, int nullable, int uc)
{
	cJSON *c = cJSON_CreateObject();
	cJSON_AddStringToObject(c, "name", name);
	if (uc) {
		cJSON_AddStringToObject(c, "type_text", type);
		cJSON_AddStringToObject(c, "type_name", type);
		cJSON_AddNumberToObject(c, "position", pos);
	} else {
		cJSON_AddStringToObject(c, "type", type);
	}
	cJSON_AddBoolToObject(c, "nullable", nullable);
	cJSON_AddItemToArray(cols, c);
}

static void std_columns(cJSON *t, int uc)
{
	cJSON *cols = cJSON_AddArrayToObject(t, "columns");
	add_column(cols, "id", "BIGINT", 0, 0, uc);
	add_column(cols, "ts", "TIMESTAMP", 1, 1, uc);
	add_column(cols, "qty", "INT", 2, 1, uc);
	add_column(cols, "label", "STRING", 3, 1, uc);
}

static int gen_tables(gen *g)
{
	char id[64], name[64], full[700], loc[900], sub[400], text[900];
	if (g->n[G_TABLES] && !g->n[G_SCHEMAS]) {
		snprintf(g->err, sizeof g->err, "tables=%ld: tables live in a generated schema: add schemas=N",
			 g->n[G_TABLES]);
		return -1;
	}
	for (long i = 0; i < g->n[G_TABLES]; i++) {
		const cJSON *s = gen_schema(g, i);
		const char *cat = fw_str(s, "catalog_name"), *sch = fw_str(s, "name");
		/* managed Delta most, external Delta some, a view over the table before */
		int kind = i % 5 == 4 && i > 0 ? 2 : i % 5 == 1 ? 1 : 0;
		snprintf(name, sizeof name, "gen_table_%ld", i);
		snprintf(full, sizeof full, "%s.%s.%s", cat, sch, name);
		snprintf(sub, sizeof sub, "tables/%s/%s/%s", cat, sch, name);
		if (kind == 1 && !storage_under(g, i, sub, loc, sizeof loc))
			kind = 0;
		cJSON *t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "name", name);
		cJSON_AddStringToObject(t, "catalog_name", cat);
		cJSON_AddStringToObject(t, "schema_name", sch);
		cJSON_AddStringToObject(t, "full_name", full);
		cJSON_AddStringToObject(t, "table_type", kind == 2 ? "VIEW" : kind ? "EXTERNAL" : "MANAGED");
		std_columns(t, 1);
		cJSON_AddStringToObject(t, "table_id", fw_uuid(g->s, id, sizeof id));
		if (kind == 2) {
			fw_coll *tc = fw_coll_of(g->s, FW_TABLES);	/* the table made just before */
			snprintf(text, sizeof text, "SELECT id, ts, qty FROM %s WHERE qty > 0",
				 fw_str(tc->items[tc->n - 1], "full_name"));
			cJSON_AddStringToObject(t, "view_definition", text);
		} else {
			cJSON_AddStringToObject(t, "data_source_format", "DELTA");
			if (kind == 0) {
				snprintf(loc, sizeof loc, "%s/metastore/__unitystorage/tables/%s", lake_for(g->s->cloud), id);
			}
			cJSON_AddStringToObject(t, "storage_location", loc);
		}
		snprintf(text, sizeof text, "Generated table %ld", i);
		cJSON_AddStringToObject(t, "comment", text);
		uc_stamp(g->s, t);
		if (add(g, FW_TABLES, t, full) < 0)
			return -1;
	}
	return 0;
}

static int gen_volumes(gen *g)
{
	char id[64], name[64], full[700], loc[900], sub[400];
	if (g->n[G_VOLUMES] && !g->n[G_SCHEMAS]) {
		snprintf(g->err, sizeof g->err, "volumes=%ld: volumes live in a generated schema: add schemas=N",
			 g->n[G_VOLUMES]);
		return -1;
	}
	for (long i = 0; i < g->n[G_VOLUMES]; i++) {
		const cJSON *s = gen_schema(g, i);
		const char *cat = fw_str(s, "catalog_name"), *sch = fw_str(s, "name");
		snprintf(name, sizeof name, "gen_volume_%ld", i);
		snprintf(full, sizeof full, "%s.%s.%s", cat, sch, name);
		snprintf(sub, sizeof sub, "volumes/%s/%s/%s", cat, sch, name);
		fw_uuid(g->s, id, sizeof id);
		int external = i % 2 == 1 && storage_under(g, i, sub, loc, sizeof loc);
		if (!external)
			snprintf(loc, sizeof loc, "%s/metastore/volumes/%s", lake_for(g->s->cloud), id);
		cJSON *v = cJSON_CreateObject();
		cJSON_AddStringToObject(v, "name", name);
		cJSON_AddStringToObject(v, "catalog_name", cat);
		cJSON_AddStringToObject(v, "schema_name", sch);
		cJSON_AddStringToObject(v, "full_name", full);
		cJSON_AddStringToObject(v, "volume_type", external ? "EXTERNAL" : "MANAGED");
		cJSON_AddStringToObject(v, "storage_location", loc);
		cJSON_AddStringToObject(v, "volume_id", id);
		cJSON_AddStringToObject(v, "comment", external ? "Files dropped by partners" : "Model artefacts");
		uc_stamp(g->s, v);
		if (add(g, FW_VOLUMES, v, full) < 0)
			return -1;
	}
	return 0;
}

static int gen_pipelines(gen *g)
{
	char id[64], buf[256], path[512], text[600];
	for (long i = 0; i < g->n[G_PIPELINES]; i++) {
		next_name(g, G_PIPELINES, "gen-pipeline-", buf, sizeof buf);
		snprintf(path, sizeof path, "/Shared/gen/dlt/%s", buf);
		snprintf(text, sizeof text, "# Databricks notebook source\nimport dlt\n\n@dlt.table\ndef events_%ld():\n"
			 "    return spark.range(10)\n", i);
		if (!put_notebook(g, path, text))
			return -1;
		cJSON *p = cJSON_CreateObject();
		fw_coll_new_id(g->s, FW_PIPELINES, id, sizeof id);
		cJSON_AddStringToObject(p, "pipeline_id", id);
		cJSON_AddStringToObject(p, "name", buf);
		cJSON_AddStringToObject(p, "state", "IDLE");
		cJSON_AddStringToObject(p, "creator_user_name", GEN_OWNER);
		cJSON_AddStringToObject(p, "run_as_user_name", GEN_OWNER);
		cJSON_AddNumberToObject(p, "last_modified", GEN_TIME);
		cJSON_AddArrayToObject(p, "latest_updates");
		cJSON *sp = cJSON_AddObjectToObject(p, "spec");
		cJSON_AddStringToObject(sp, "id", id);
		cJSON_AddStringToObject(sp, "name", buf);
		cJSON_AddStringToObject(sp, "edition", i % 3 == 0 ? "ADVANCED" : i % 3 == 1 ? "PRO" : "CORE");
		cJSON_AddStringToObject(sp, "channel", "CURRENT");
		cJSON_AddBoolToObject(sp, "photon", i % 2 == 0);
		cJSON_AddBoolToObject(sp, "development", i % 2 == 1);
		cJSON_AddBoolToObject(sp, "continuous", 0);
		/* half publish to a generated Unity Catalog schema, half to Hive with their own storage */
		const cJSON *s = i % 2 == 0 ? gen_schema(g, i) : NULL;
		if (s) {
			cJSON_AddStringToObject(sp, "catalog", fw_str(s, "catalog_name"));
			cJSON_AddStringToObject(sp, "target", fw_str(s, "name"));
		} else {
			snprintf(text, sizeof text, "%s/dlt/%s", lake_for(g->s->cloud), buf);
			cJSON_AddStringToObject(sp, "storage", text);
			snprintf(text, sizeof text, "gen_dlt_%ld", i);
			cJSON_AddStringToObject(sp, "target", text);
		}
		cJSON *cl = cJSON_CreateObject();
		cJSON_AddStringToObject(cl, "label", "default");
		cJSON_AddStringToObject(cl, "node_type_id", node_for(g->s->cloud));
		cJSON_AddStringToObject(cl, "driver_node_type_id", driver_for(g->s->cloud));
		cJSON *as = cJSON_AddObjectToObject(cl, "autoscale");
		cJSON_AddNumberToObject(as, "min_workers", 1);
		cJSON_AddNumberToObject(as, "max_workers", (double)(2 + i % 4));
		cJSON_AddStringToObject(as, "mode", "ENHANCED");
		if (g->s->cloud == FW_AZURE)
			cJSON_AddStringToObject(cJSON_AddObjectToObject(cl, "azure_attributes"), "availability",
						"ON_DEMAND_AZURE");
		else if (g->s->cloud == FW_AWS)
			cJSON_AddStringToObject(cJSON_AddObjectToObject(cl, "aws_attributes"), "availability", "ON_DEMAND");
		cJSON_AddItemToArray(cJSON_AddArrayToObject(sp, "clusters"), cl);
		cJSON *lib = cJSON_CreateObject();
		cJSON_AddStringToObject(cJSON_AddObjectToObject(lib, "notebook"), "path", path);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(sp, "libraries"), lib);
		if (add(g, FW_PIPELINES, p, buf) < 0)
			return -1;
	}
	return 0;
}

static int gen_hive(gen *g)
{
	char buf[256], text[700];
	for (long i = 0; i < g->n[G_HIVE]; i++) {
		cJSON *d = cJSON_CreateObject();
		next_name(g, G_HIVE, "gen_hive_db_", buf, sizeof buf);
		cJSON_AddStringToObject(d, "name", buf);
		snprintf(text, sizeof text, "Generated Hive database %ld", i);
		cJSON_AddStringToObject(d, "comment", text);
		snprintf(text, sizeof text, "dbfs:/user/hive/warehouse/%s.db", buf);
		cJSON_AddStringToObject(d, "location", text);
		cJSON *tabs = cJSON_AddArrayToObject(d, "tables");
		for (int k = 0; k < 3; k++) {	/* a managed table, an external one, a view over both */
			cJSON *t = cJSON_CreateObject();
			static const char *const names[] = {"events", "imports", "events_by_label"};
			cJSON_AddStringToObject(t, "name", names[k]);
			cJSON_AddStringToObject(t, "table_type", k == 2 ? "VIEW" : k ? "EXTERNAL" : "MANAGED");
			if (k == 2) {
				cJSON_AddArrayToObject(t, "columns");
				snprintf(text, sizeof text, "SELECT e.label, count(*) AS n FROM %s.events e "
					 "JOIN %s.imports i ON e.id = i.id GROUP BY e.label", buf, buf);
				cJSON_AddStringToObject(t, "view_definition", text);
			} else {
				std_columns(t, 0);
				cJSON_AddStringToObject(t, "data_source_format", k ? "PARQUET" : "DELTA");
				if (k) {
					snprintf(text, sizeof text, "%s/hive/%s/imports", lake_for(g->s->cloud), buf);
					cJSON_AddStringToObject(t, "storage_location", text);
					cJSON_AddItemToObject(t, "partition_columns", str_array("label", NULL));
				}
			}
			cJSON_AddItemToArray(tabs, t);
		}
		if (add(g, FW_HIVE, d, buf) < 0)
			return -1;
	}
	return 0;
}

static int gen_jobs(gen *g)
{
	char buf[256];
	for (long i = 0; i < g->n[G_JOBS]; i++) {
		cJSON *j = cJSON_CreateObject();
		next_name(g, G_JOBS, "gen-job-", buf, sizeof buf);
		cJSON_AddNumberToObject(j, "job_id", (double)fw_coll_new_num(g->s, FW_JOBS));
		cJSON_AddStringToObject(j, "creator_user_name", GEN_OWNER);
		cJSON_AddNumberToObject(j, "created_time", GEN_TIME + (double)i);
		cJSON *st = cJSON_AddObjectToObject(j, "settings");
		cJSON_AddStringToObject(st, "name", buf);
		cJSON_AddNumberToObject(st, "max_concurrent_runs", 1);
		cJSON_AddStringToObject(st, "format", "MULTI_TASK");
		cJSON *jcs = cJSON_AddArrayToObject(st, "job_clusters"), *jc = cJSON_CreateObject();
		cJSON_AddStringToObject(jc, "job_cluster_key", "main");
		cJSON *nc = cJSON_AddObjectToObject(jc, "new_cluster");
		cJSON_AddStringToObject(nc, "spark_version", "15.4.x-scala2.12");
		cJSON_AddStringToObject(nc, "node_type_id", node_for(g->s->cloud));
		cJSON_AddNumberToObject(nc, "num_workers", 2);
		cJSON_AddItemToArray(jcs, jc);
		cJSON *tasks = cJSON_AddArrayToObject(st, "tasks");
		for (int t = 0; t < 2; t++) {
			cJSON *task = cJSON_CreateObject();
			char path[256];
			cJSON_AddStringToObject(task, "task_key", t ? "report" : "ingest");
			cJSON_AddStringToObject(task, "job_cluster_key", "main");
			cJSON *nt = cJSON_AddObjectToObject(task, "notebook_task");
			snprintf(path, sizeof path, "/Shared/gen/job%ld/%s", i, t ? "report" : "ingest");
			cJSON_AddStringToObject(nt, "notebook_path", path);
			if (t) {
				cJSON *dep = cJSON_AddArrayToObject(task, "depends_on"), *d = cJSON_CreateObject();
				cJSON_AddStringToObject(d, "task_key", "ingest");
				cJSON_AddItemToArray(dep, d);
			}
			cJSON_AddItemToArray(tasks, task);
		}
		/* one job in ten refreshes a generated pipeline, one in ten runs a query */
		const cJSON *pl = i % 10 == 3 && g->n[G_PIPELINES] ? pick(g, FW_PIPELINES, G_PIPELINES, i) : NULL;
		const cJSON *q = i % 10 == 7 && g->n[G_QUERIES] ? pick(g, FW_QUERIES, G_QUERIES, i) : NULL;
		if (pl || q) {
			cJSON *task = cJSON_CreateObject();
			cJSON_AddStringToObject(task, "task_key", pl ? "refresh" : "query");
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "task_key", "report");
			cJSON_AddItemToArray(cJSON_AddArrayToObject(task, "depends_on"), d);
			if (pl) {
				cJSON_AddStringToObject(cJSON_AddObjectToObject(task, "pipeline_task"), "pipeline_id",
							fw_str(pl, "pipeline_id"));
			} else {
				cJSON *sq = cJSON_AddObjectToObject(task, "sql_task");
				cJSON_AddStringToObject(sq, "warehouse_id", fw_str(q, "warehouse_id"));
				cJSON_AddStringToObject(cJSON_AddObjectToObject(sq, "query"), "query_id", fw_str(q, "id"));
			}
			cJSON_AddItemToArray(tasks, task);
		}
		if (add(g, FW_JOBS, j, buf) < 0)
			return -1;
	}
	return 0;
}

int fw_generate(fw_state *s, const char *spec, char *err, size_t errlen)
{
	/* references point backwards: each step's targets are made before it */
	static int (*const steps[])(gen *) = {
		gen_users, gen_clusters, gen_notebooks, gen_warehouses, gen_creds, gen_extlocs, gen_catalogs,
		gen_schemas, gen_tables, gen_volumes, gen_queries, gen_alerts, gen_dashboards, gen_pipelines,
		gen_hive, gen_jobs,
	};
	gen g;
	int rc = -1;
	memset(&g, 0, sizeof g);
	g.s = s;
	if (parse_spec(spec, g.n, err, errlen) < 0)
		return -1;
	fw_map_init(&g.names);
	index_names(&g);
	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (steps[i](&g) < 0) {
			snprintf(err, errlen, "%s", g.err);
			goto out;
		}
	rc = 0;
out:
	fw_map_free(&g.names);
	return rc;
}
