/* fw_pipelines: Delta Live Tables pipelines (/api/2.0/pipelines: create,
 * get, list paged by max_results/page_token, edit by PUT, delete). The
 * stored object is the get reply ({pipeline_id, name, spec, state,
 * creator_user_name, ...}); clusters are flavour-checked, notebook
 * libraries, the UC catalog and the storage URL must be usable. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"
#include "fw_uc.h"

static const fw_lookup L_PL = {FW_PIPELINES, NULL, 404, "RESOURCE_DOES_NOT_EXIST", "Pipeline ", " does not exist.",
			       NULL};

static const char *const settings_fields[] = {
	"name", "storage", "configuration", "clusters", "libraries", "target", "catalog", "schema",
	"continuous", "development", "photon", "edition", "channel", "notifications", "serverless",
	"trigger", "filters", "budget_policy_id", "deployment", "event_log", "tags", "root_path", NULL,
};

/* Checks settings B (a create or edit body); SELF is the pipeline being
 * edited (NULL on create). */
static int check_settings(fw_ctx *c, const cJSON *b, const cJSON *self)
{
	const char *name = fw_need_str(c, b, "name", NULL);
	char w[96];
	if (!name)
		return -1;
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "allow_duplicate_names"))) {
		fw_coll *col = fw_coll_of(c->s, FW_PIPELINES);
		for (size_t i = 0; i < col->n; i++)
			if (col->items[i] != self && fw_str(col->items[i], "name") && strcmp(fw_str(col->items[i], "name"), name) == 0) {
				fw_error(c, 409, "RESOURCE_CONFLICT", "Pipeline with name '%s' already exists (pipeline %s).", name,
					 fw_str(col->items[i], "pipeline_id"));
				return -1;
			}
	}
	const cJSON *e, *cl = cJSON_GetObjectItemCaseSensitive(b, "clusters");
	int i = 0;
	if (cl && !cJSON_IsArray(cl)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "clusters must be an array");
		return -1;
	}
	cJSON_ArrayForEach(e, cl) {
		snprintf(w, sizeof w, "clusters[%d]", i++);
		if (fw_check_pipeline_cluster(c, e, w) < 0)
			return -1;
	}
	i = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(b, "libraries")) {
		const cJSON *nb = cJSON_GetObjectItemCaseSensitive(e, "notebook");
		const cJSON *fl = cJSON_GetObjectItemCaseSensitive(e, "file");
		const char *path = fw_str(nb ? nb : fl, "path");
		if ((nb || fl) && !path) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: libraries[%d].%s.path", i, nb ? "notebook" : "file");
			return -1;
		}
		fw_wsobj *o = path ? fw_ws_get(c->s, path) : NULL;
		if (path && (!o || strcmp(o->type, nb ? "NOTEBOOK" : "FILE") != 0)) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "libraries[%d].%s.path: %s %s does not exist", i,
				 nb ? "notebook" : "file", nb ? "Notebook" : "File", path);
			return -1;
		}
		i++;
	}
	const char *cat = fw_str(b, "catalog"), *storage = fw_str(b, "storage");
	if (cat) {
		char lc[300];
		if (fw_uc_name(cat, lc, sizeof lc) < 0 || !fw_coll_get(fw_coll_of(c->s, FW_CATALOGS), lc)) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "catalog: Catalog '%s' does not exist.", cat);
			return -1;
		}
		if (storage) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "storage cannot be set on a pipeline that publishes to Unity Catalog (catalog '%s')", cat);
			return -1;
		}
	}
	if (storage && fw_check_storage_url(c, storage, "storage", 1) < 0)
		return -1;
	const char *ed = fw_str(b, "edition");
	if (ed && strcasecmp(ed, "core") && strcasecmp(ed, "pro") && strcasecmp(ed, "advanced")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "edition: invalid value %s (CORE, PRO or ADVANCED)", ed);
		return -1;
	}
	const char *ch = fw_str(b, "channel");
	if (ch && strcasecmp(ch, "current") && strcasecmp(ch, "preview")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "channel: invalid value %s (CURRENT or PREVIEW)", ch);
		return -1;
	}
	const cJSON *f;
	cJSON_ArrayForEach(f, b) {
		int known = strcmp(f->string, "id") == 0 || strcmp(f->string, "pipeline_id") == 0 ||
			    strcmp(f->string, "allow_duplicate_names") == 0 || strcmp(f->string, "dry_run") == 0 ||
			    strcmp(f->string, "expected_last_modified") == 0;
		for (size_t k = 0; !known && settings_fields[k]; k++)
			known = strcmp(settings_fields[k], f->string) == 0;
		if (!known) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Unknown field: %s", f->string);
			return -1;
		}
	}
	return 0;
}

static cJSON *spec_of(const cJSON *b, const char *id)
{
	cJSON *spec = cJSON_CreateObject();
	const cJSON *f;
	cJSON_ArrayForEach(f, b)
		for (size_t k = 0; settings_fields[k]; k++)
			if (strcmp(settings_fields[k], f->string) == 0)
				cJSON_AddItemToObject(spec, f->string, cJSON_Duplicate(f, 1));
	cJSON_AddStringToObject(spec, "id", id);
	return spec;
}

static void pl_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b || check_settings(c, b, NULL) < 0)
		return;
	char id[64];
	fw_coll_new_id(c->s, FW_PIPELINES, id, sizeof id);
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "dry_run"))) {
		cJSON *r = cJSON_CreateObject();
		cJSON_AddItemToObject(r, "effective_settings", spec_of(b, id));
		fw_reply(c, 200, r);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "pipeline_id", id);
	cJSON_AddStringToObject(o, "name", fw_str(b, "name"));
	cJSON_AddItemToObject(o, "spec", spec_of(b, id));
	cJSON_AddStringToObject(o, "state", "IDLE");
	cJSON_AddStringToObject(o, "creator_user_name", c->user);
	cJSON_AddStringToObject(o, "run_as_user_name", c->user);
	cJSON_AddNumberToObject(o, "last_modified", (double)fw_now_ms());
	cJSON_AddArrayToObject(o, "latest_updates");
	fw_coll_add(fw_coll_of(c->s, FW_PIPELINES), o);
	fw_created(c, "pipeline_id", id);
}

static void pl_get(fw_ctx *c)
{
	cJSON *o = fw_target(c, &L_PL, NULL);
	if (o)
		fw_reply(c, 200, cJSON_Duplicate(o, 1));
}

static void pl_edit(fw_ctx *c)
{
	cJSON *b;
	cJSON *o = fw_target(c, &L_PL, &b);
	if (!o)
		return;
	const char *bid = fw_str(b, "pipeline_id") ? fw_str(b, "pipeline_id") : fw_str(b, "id");
	if (bid && strcmp(bid, c->params[0]) != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "pipeline_id %s in the body does not match the path (%s)", bid, c->params[0]);
		return;
	}
	const cJSON *elm = cJSON_GetObjectItemCaseSensitive(b, "expected_last_modified");
	if (elm && cJSON_GetNumberValue(elm) != cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(o, "last_modified"))) {
		fw_error(c, 409, "ABORTED", "The pipeline was modified since expected_last_modified");
		return;
	}
	if (check_settings(c, b, o) < 0)
		return;
	fw_set(o, "spec", spec_of(b, c->params[0]));
	fw_set(o, "name", cJSON_CreateString(fw_str(b, "name")));
	cJSON_DeleteItemFromObjectCaseSensitive(o, "last_modified");
	cJSON_AddNumberToObject(o, "last_modified", (double)fw_now_ms());
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void pl_delete(fw_ctx *c)
{
	if (!fw_target(c, &L_PL, NULL))
		return;
	char pk[96];
	snprintf(pk, sizeof pk, "pipelines/%s", c->params[0]);
	fw_coll_del(fw_coll_of(c->s, FW_PERMS), pk);
	fw_coll_del(fw_coll_of(c->s, FW_PIPELINES), c->params[0]);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

/* The list answers PipelineStateInfo entries, not the whole pipeline. */
static cJSON *status_view(const cJSON *o, void *arg)
{
	(void)arg;
	static const char *const keep[] = {"pipeline_id", "name", "state", "creator_user_name", "run_as_user_name",
					   "cluster_id", "latest_updates"};
	cJSON *r = cJSON_CreateObject();
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, keep[i]);
		if (v)
			cJSON_AddItemToObject(r, keep[i], cJSON_Duplicate(v, 1));
	}
	return r;
}

/* filter: "name LIKE '%x%'" or "notebook='/path'", the two the API documents. */
struct plfilter {
	char like[256];
	char notebook[1024];
};

static int keep_filter(const cJSON *o, void *arg)
{
	const struct plfilter *f = arg;
	if (f->like[0]) {
		const char *n = fw_str(o, "name");
		if (!n || !strstr(n, f->like))
			return 0;
	}
	if (f->notebook[0]) {
		const cJSON *e;
		int hit = 0;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(o, "spec"), "libraries")) {
			const char *p = fw_str(cJSON_GetObjectItemCaseSensitive(e, "notebook"), "path");
			if (p && strcmp(p, f->notebook) == 0)
				hit = 1;
		}
		return hit;
	}
	return 1;
}

static void pl_list(fw_ctx *c)
{
	struct plfilter f;
	memset(&f, 0, sizeof f);
	const char *flt = fw_query(c, "filter");
	if (flt) {
		const char *q1 = strchr(flt, '\''), *q2 = q1 ? strrchr(flt, '\'') : NULL;
		if (!q1 || q2 <= q1) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid filter: %s (name LIKE '%%x%%' or notebook='<path>')", flt);
			return;
		}
		if (strncasecmp(flt, "name", 4) == 0 && strstr(flt, "LIKE")) {
			const char *s = q1 + 1, *e = q2;
			while (s < e && *s == '%')
				s++;
			while (e > s && e[-1] == '%')
				e--;
			snprintf(f.like, sizeof f.like, "%.*s", (int)(e - s), s);
		} else if (strncasecmp(flt, "notebook", 8) == 0) {
			snprintf(f.notebook, sizeof f.notebook, "%.*s", (int)(q2 - q1 - 1), q1 + 1);
		} else {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid filter: %s (name LIKE '%%x%%' or notebook='<path>')", flt);
			return;
		}
	}
	fw_list_page(c, fw_coll_of(c->s, FW_PIPELINES), "statuses", "max_results", 25, 100,
		     flt ? keep_filter : NULL, status_view, &f, 0);
}

const fw_route fw_pipelines_routes[] = {
	{"GET", "/api/2.0/pipelines", pl_list},
	{"POST", "/api/2.0/pipelines", pl_create},
	{"GET", "/api/2.0/pipelines/{id}", pl_get},
	{"PUT", "/api/2.0/pipelines/{id}", pl_edit},
	{"DELETE", "/api/2.0/pipelines/{id}", pl_delete},
	{NULL, NULL, NULL},
};
