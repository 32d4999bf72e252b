/* fw_perms: GET/PUT/PATCH /api/2.0/permissions/{type}/{id} for clusters,
 * cluster policies, instance pools, jobs, notebooks, directories, files,
 * repos, SQL warehouses, queries, alerts, legacy DBSQL dashboards
 * (dbsql-dashboards), Lakeview dashboards (dashboards) and pipelines, and
 * the legacy /api/2.0/preview/sql/permissions API over the same ACLs. Stores the direct ACL (PUT request shape);
 * replies add all_permissions, the inherited admins entry and the job or
 * warehouse owner like the real API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"

struct ptype {
	const char *type;	/* URL segment */
	const char *singular;	/* reply object_type */
	int coll;		/* -1: workspace object */
	const char *ws_type;	/* for workspace objects */
	const char *const levels[6];
	const char *owner;	/* implicit owner level, or NULL */
	const char *root;	/* inherited_from_object of the admins entry */
};

static const struct ptype types[] = {
	{"clusters", "cluster", FW_CLUSTERS, NULL, {"CAN_ATTACH_TO", "CAN_RESTART", "CAN_MANAGE"}, NULL, "/clusters/"},
	{"cluster-policies", "cluster-policy", FW_POLICIES, NULL, {"CAN_USE"}, NULL, "/cluster-policies/"},
	{"instance-pools", "instance-pool", FW_POOLS, NULL, {"CAN_ATTACH_TO", "CAN_MANAGE"}, NULL, "/instance-pools/"},
	{"jobs", "job", FW_JOBS, NULL, {"CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"}, "IS_OWNER", "/jobs/"},
	{"notebooks", "notebook", -1, "NOTEBOOK", {"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"}, NULL, "/directories/"},
	{"directories", "directory", -1, "DIRECTORY", {"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"}, NULL, "/directories/"},
	{"files", "file", -1, "FILE", {"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"}, NULL, "/directories/"},
	{"repos", "repo", FW_REPOS, NULL, {"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"}, NULL, "/directories/"},
	{"sql/warehouses", "warehouses", FW_WAREHOUSES, NULL, {"CAN_USE", "CAN_MANAGE", "IS_OWNER", "CAN_MONITOR", "CAN_VIEW"}, "IS_OWNER", "/sql/warehouses/"},
	{"queries", "query", FW_QUERIES, NULL, {"CAN_VIEW", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE", "IS_OWNER"}, "IS_OWNER", "/sql/queries/"},
	{"alerts", "alert", FW_ALERTS, NULL, {"CAN_VIEW", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE", "IS_OWNER"}, "IS_OWNER", "/sql/alerts/"},
	{"dbsql-dashboards", "dbsql-dashboard", FW_SQL_DASHBOARDS, NULL, {"CAN_VIEW", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE", "IS_OWNER"}, "IS_OWNER", "/sql/dashboards/"},
	{"dashboards", "dashboard", FW_DASHBOARDS, NULL, {"CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"}, NULL, "/dashboards/"},
	{"pipelines", "pipelines", FW_PIPELINES, NULL, {"CAN_VIEW", "CAN_RUN", "CAN_MANAGE", "IS_OWNER"}, "IS_OWNER", "/pipelines/"},
};

static const struct ptype *ptype_of(const char *t)
{
	for (size_t i = 0; i < sizeof types / sizeof *types; i++)
		if (strcmp(types[i].type, t) == 0)
			return &types[i];
	return NULL;
}

/* The object the ACL is on, for existence and its owner; NULL + reply. */
static int object_exists(fw_ctx *c, const struct ptype *t, const char *id, const char **creator)
{
	*creator = NULL;
	if (t->coll >= 0) {
		cJSON *o = fw_coll_get(fw_coll_of(c->s, t->coll), id);
		if (o) {
			*creator = fw_str(o, "creator_user_name") ? fw_str(o, "creator_user_name") : fw_str(o, "creator_name");
			if (!*creator)
				*creator = fw_str(o, "owner_user_name");
			if (!*creator)	/* legacy DBSQL dashboards */
				*creator = fw_str(cJSON_GetObjectItemCaseSensitive(o, "user"), "email");
			return 1;
		}
	} else {
		char *end;
		long long v = strtoll(id, &end, 10);
		fw_wsobj *w = *end ? NULL : fw_ws_by_id(c->s, v);
		if (w && strcmp(w->type, t->ws_type) == 0)
			return 1;
	}
	fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "%s %s does not exist.", t->singular, id);
	return 0;
}

static const char *const pfields[] = {"user_name", "group_name", "service_principal_name"};

/* Which principal field ENTRY uses (index into pfields), -1 if not one. */
static int pfield(const cJSON *e)
{
	int found = -1, n = 0;
	for (int i = 0; i < 3; i++)
		if (fw_str(e, pfields[i])) {
			found = i;
			n++;
		}
	return n == 1 ? found : -1;
}

static cJSON *entry(const char *field, const char *who, const char *level, const char *inherited_from)
{
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, field, who);
	cJSON *all = cJSON_AddArrayToObject(e, "all_permissions"), *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "permission_level", level);
	cJSON_AddBoolToObject(p, "inherited", inherited_from != NULL);
	if (inherited_from) {
		cJSON *from = cJSON_AddArrayToObject(p, "inherited_from_object");
		cJSON_AddItemToArray(from, cJSON_CreateString(inherited_from));
	}
	cJSON_AddItemToArray(all, p);
	return e;
}

/* Adds LEVEL for a principal to OUT, merging into its entry when the
 * principal is already listed (the real reply has one entry per
 * principal with every level in all_permissions). */
static void add_perm(cJSON *out, const char *field, const char *who, const char *level, const char *from)
{
	cJSON *e;
	cJSON_ArrayForEach(e, out) {
		const char *w = fw_str(e, field);
		if (w && strcmp(w, who) == 0) {
			cJSON *one = entry(field, who, level, from);
			cJSON *p = cJSON_DetachItemFromArray(cJSON_GetObjectItemCaseSensitive(one, "all_permissions"), 0);
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(e, "all_permissions"), p);
			cJSON_Delete(one);
			return;
		}
	}
	cJSON_AddItemToArray(out, entry(field, who, level, from));
}

/* Workspace objects inherit the direct ACLs of their parent folders. */
static void add_inherited(fw_ctx *c, const struct ptype *t, const char *id, cJSON *out)
{
	char *end;
	long long v = strtoll(id, &end, 10);
	fw_wsobj *o = t->coll < 0 && !*end ? fw_ws_by_id(c->s, v) : NULL;
	for (fw_wsobj *d = o ? o->parent : NULL; d && d->parent; d = d->parent) {
		char key[64], from[64];
		snprintf(key, sizeof key, "directories/%lld", (long long)d->object_id);
		snprintf(from, sizeof from, "/directories/%lld", (long long)d->object_id);
		const cJSON *st = fw_coll_get(fw_coll_of(c->s, FW_PERMS), key), *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(st, "access_control_list")) {
			int f = pfield(e);
			if (f >= 0 && fw_str(e, "permission_level"))
				add_perm(out, pfields[f], fw_str(e, pfields[f]), fw_str(e, "permission_level"), from);
		}
	}
}

static void reply_acl(fw_ctx *c, const struct ptype *t, const char *id, const char *creator)
{
	char key[512], oid[512];
	snprintf(key, sizeof key, "%s/%s", t->type, id);
	snprintf(oid, sizeof oid, "/%s/%s", t->type, id);
	const cJSON *stored = fw_coll_get(fw_coll_of(c->s, FW_PERMS), key);
	const cJSON *acl = cJSON_GetObjectItemCaseSensitive(stored, "access_control_list"), *e;
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "object_id", oid);
	cJSON_AddStringToObject(r, "object_type", t->singular);
	cJSON *out = cJSON_AddArrayToObject(r, "access_control_list");
	int has_owner = 0;
	cJSON_ArrayForEach(e, acl) {
		int f = pfield(e);
		const char *lvl = fw_str(e, "permission_level");
		if (f < 0 || !lvl)
			continue;
		if (t->owner && strcmp(lvl, t->owner) == 0)
			has_owner = 1;
		cJSON_AddItemToArray(out, entry(pfields[f], fw_str(e, pfields[f]), lvl, NULL));
	}
	if (t->owner && !has_owner && creator)
		cJSON_AddItemToArray(out, entry("user_name", creator, t->owner, NULL));
	add_inherited(c, t, id, out);
	add_perm(out, "group_name", "admins", "CAN_MANAGE", t->root);
	fw_reply(c, 200, r);
}

/* The route captures: {type}/{id}, or {kind}/{id} under sql/ (only
 * "warehouses" is served there). NULL type when unsupported. */
static const struct ptype *target(fw_ctx *c, const char **id, int sql)
{
	*id = c->params[1];
	if (sql)
		return strcmp(c->params[0], "warehouses") == 0 ? ptype_of("sql/warehouses") : NULL;
	return ptype_of(c->params[0]);
}

static void perms_get_impl(fw_ctx *c, const struct ptype *t, const char *id)
{
	const char *creator;
	if (!t) {
		fw_error(c, 404, "ENDPOINT_NOT_FOUND", "Permissions are not supported for this object type");
		return;
	}
	if (!object_exists(c, t, id, &creator))
		return;
	reply_acl(c, t, id, creator);
}

static int principal_exists(fw_state *s, int f, const char *who)
{
	if (f == 0)
		return fw_coll_by_key(fw_coll_of(s, FW_USERS), who) != NULL;
	if (f == 1)
		return strcmp(who, "admins") == 0 || strcmp(who, "users") == 0 ||
		       fw_coll_by_key(fw_coll_of(s, FW_GROUPS), who) != NULL;
	return fw_coll_by_key(fw_coll_of(s, FW_SPS), who) != NULL;
}

/* Checks a PUT/PATCH access_control_list; -1 and a reply when invalid. */
static int check_acl(fw_ctx *c, const struct ptype *t, const cJSON *acl)
{
	const cJSON *e;
	int i = 0, owners = 0;
	if (!cJSON_IsArray(acl)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: access_control_list");
		return -1;
	}
	cJSON_ArrayForEach(e, acl) {
		int f = pfield(e);
		const char *lvl = fw_str(e, "permission_level");
		if (f < 0) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "access_control_list[%d]: exactly one of user_name, group_name, service_principal_name is required", i);
			return -1;
		}
		int ok = 0;
		for (size_t k = 0; lvl && k < 6 && t->levels[k]; k++)
			if (strcmp(lvl, t->levels[k]) == 0)
				ok = 1;
		if (!ok) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "access_control_list[%d]: Permission %s is not valid for %s",
				 i, lvl ? lvl : "(missing)", t->singular);
			return -1;
		}
		if (!principal_exists(c->s, f, fw_str(e, pfields[f]))) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "access_control_list[%d]: Principal: %s(%s) does not exist",
				 i, f == 0 ? "UserName" : f == 1 ? "GroupName" : "ServicePrincipalName", fw_str(e, pfields[f]));
			return -1;
		}
		if (t->owner && strcmp(lvl, t->owner) == 0) {
			owners++;
			if (f == 1) {
				fw_error(c, 400, "INVALID_PARAMETER_VALUE", "access_control_list[%d]: a group cannot be %s", i, t->owner);
				return -1;
			}
		}
		i++;
	}
	if (owners > 1) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "The %s can have only one owner (%d given)", t->singular, owners);
		return -1;
	}
	return 0;
}

static void perms_change(fw_ctx *c, const struct ptype *t, const char *id, int patch)
{
	const char *creator;
	cJSON *b = fw_body(c);
	if (!b)
		return;
	if (!t) {
		fw_error(c, 404, "ENDPOINT_NOT_FOUND", "Permissions are not supported for this object type");
		return;
	}
	if (!object_exists(c, t, id, &creator))
		return;
	const cJSON *acl = cJSON_GetObjectItemCaseSensitive(b, "access_control_list"), *e;
	if (check_acl(c, t, acl) < 0)
		return;
	char key[512];
	snprintf(key, sizeof key, "%s/%s", t->type, id);
	fw_coll *col = fw_coll_of(c->s, FW_PERMS);
	cJSON *old = fw_coll_get(col, key);
	cJSON *list = patch && old ? cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(old, "access_control_list"), 1)
				   : cJSON_CreateArray();
	if (!cJSON_IsArray(list)) {
		cJSON_Delete(list);
		list = cJSON_CreateArray();
	}
	/* PUT keeps the current owner when the new list names none */
	int names_owner = 0;
	cJSON_ArrayForEach(e, acl)
		if (t->owner && strcmp(fw_str(e, "permission_level"), t->owner) == 0)
			names_owner = 1;
	if (!patch && t->owner && !names_owner && old) {
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(old, "access_control_list"))
			if (fw_str(e, "permission_level") && strcmp(fw_str(e, "permission_level"), t->owner) == 0)
				cJSON_AddItemToArray(list, cJSON_Duplicate(e, 1));
	}
	cJSON_ArrayForEach(e, acl) {
		int f = pfield(e);
		const char *who = fw_str(e, pfields[f]);
		int lvl_owner = t->owner && strcmp(fw_str(e, "permission_level"), t->owner) == 0;
		for (int i = cJSON_GetArraySize(list) - 1; i >= 0; i--) {
			const cJSON *x = cJSON_GetArrayItem(list, i);
			int xf = pfield(x);
			int same = xf == f && strcmp(fw_str(x, pfields[xf]), who) == 0;
			int x_owner = t->owner && fw_str(x, "permission_level") &&
				      strcmp(fw_str(x, "permission_level"), t->owner) == 0;
			if (same || (lvl_owner && x_owner))
				cJSON_DeleteItemFromArray(list, i);
		}
		cJSON *n = cJSON_CreateObject();
		cJSON_AddStringToObject(n, pfields[f], who);
		cJSON_AddStringToObject(n, "permission_level", fw_str(e, "permission_level"));
		cJSON_AddItemToArray(list, n);
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "object_type", t->type);
	cJSON_AddStringToObject(o, "object_id", id);
	cJSON_AddItemToObject(o, "access_control_list", list);
	if (old)
		fw_coll_replace(col, o);
	else
		fw_coll_add(col, o);
	c->mutated = 1;
	reply_acl(c, t, id, creator);
}

static void levels_impl(fw_ctx *c, const struct ptype *t, const char *id)
{
	const char *creator;
	if (!t) {
		fw_error(c, 404, "ENDPOINT_NOT_FOUND", "Permissions are not supported for this object type");
		return;
	}
	if (!object_exists(c, t, id, &creator))
		return;
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(r, "permission_levels");
	for (size_t k = 0; k < 6 && t->levels[k]; k++) {
		cJSON *l = cJSON_CreateObject();
		cJSON_AddStringToObject(l, "permission_level", t->levels[k]);
		cJSON_AddStringToObject(l, "description", t->levels[k]);
		cJSON_AddItemToArray(arr, l);
	}
	fw_reply(c, 200, r);
}

/* ---- the legacy DBSQL permissions API ----
 * /api/2.0/preview/sql/permissions/{queries|dashboards|alerts}/{id}: the
 * same stored ACLs as queries, dbsql-dashboards and alerts above, in the
 * older shape (no all_permissions; the owner shows as CAN_MANAGE; POST
 * replaces the list). */

static const struct ptype *legacy_type(fw_ctx *c, const char **singular)
{
	static const char *const map[][3] = {
		{"queries", "queries", "query"}, {"dashboards", "dbsql-dashboards", "dashboard"}, {"alerts", "alerts", "alert"},
	};
	for (size_t i = 0; i < 3; i++)
		if (strcmp(c->params[0], map[i][0]) == 0) {
			*singular = map[i][2];
			return ptype_of(map[i][1]);
		}
	fw_error(c, 400, "INVALID_PARAMETER_VALUE", "objectType must be queries, dashboards or alerts, got %s", c->params[0]);
	return NULL;
}

static void legacy_reply(fw_ctx *c, const struct ptype *t, const char *singular, const char *id, const char *creator)
{
	char key[512], oid[512];
	snprintf(key, sizeof key, "%s/%s", t->type, id);
	snprintf(oid, sizeof oid, "%s/%s", c->params[0], id);
	const cJSON *stored = fw_coll_get(fw_coll_of(c->s, FW_PERMS), key), *e;
	cJSON *r = cJSON_CreateObject(), *out = cJSON_AddArrayToObject(r, "access_control_list");
	int owner_listed = 0;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(stored, "access_control_list")) {
		int f = pfield(e);
		const char *lvl = fw_str(e, "permission_level");
		if (f < 0 || !lvl)
			continue;
		int is_owner = t->owner && strcmp(lvl, t->owner) == 0;
		if (is_owner)
			owner_listed = 1;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, pfields[f], fw_str(e, pfields[f]));
		cJSON_AddStringToObject(x, "permission_level", is_owner ? "CAN_MANAGE" : lvl);
		cJSON_AddItemToArray(out, x);
	}
	if (!owner_listed && creator) {
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "user_name", creator);
		cJSON_AddStringToObject(x, "permission_level", "CAN_MANAGE");
		cJSON_AddItemToArray(out, x);
	}
	cJSON_AddStringToObject(r, "object_id", oid);
	cJSON_AddStringToObject(r, "object_type", singular);
	fw_reply(c, 200, r);
}

static void legacy_get(fw_ctx *c)
{
	const char *singular, *creator;
	const struct ptype *t = legacy_type(c, &singular);
	if (t && object_exists(c, t, c->params[1], &creator))
		legacy_reply(c, t, singular, c->params[1], creator);
}

static void legacy_set(fw_ctx *c)
{
	const char *singular, *creator;
	const struct ptype *t = legacy_type(c, &singular);
	const cJSON *e;
	if (!t || !fw_body(c))
		return;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(c->json, "access_control_list")) {
		const char *lvl = fw_str(e, "permission_level");
		if (!lvl || (strcmp(lvl, "CAN_VIEW") && strcmp(lvl, "CAN_RUN") && strcmp(lvl, "CAN_EDIT") && strcmp(lvl, "CAN_MANAGE"))) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "permission_level must be CAN_VIEW, CAN_RUN, CAN_EDIT or CAN_MANAGE, got %s",
				 lvl ? lvl : "(none)");
			return;
		}
	}
	perms_change(c, t, c->params[1], 0);
	if (c->status == 200 && object_exists(c, t, c->params[1], &creator))
		legacy_reply(c, t, singular, c->params[1], creator);
}

#define PERM_HANDLERS(name, sql)                                                          \
	static void name##_get(fw_ctx *c) { const char *id; const struct ptype *t = target(c, &id, sql); perms_get_impl(c, t, id); } \
	static void name##_put(fw_ctx *c) { const char *id; const struct ptype *t = target(c, &id, sql); perms_change(c, t, id, 0); } \
	static void name##_patch(fw_ctx *c) { const char *id; const struct ptype *t = target(c, &id, sql); perms_change(c, t, id, 1); } \
	static void name##_levels(fw_ctx *c) { const char *id; const struct ptype *t = target(c, &id, sql); levels_impl(c, t, id); }

PERM_HANDLERS(perms, 0)
PERM_HANDLERS(sql, 1)

const fw_route fw_perms_routes[] = {
	{"GET", "/api/2.0/preview/sql/permissions/{type}/{id}", legacy_get},
	{"POST", "/api/2.0/preview/sql/permissions/{type}/{id}", legacy_set},
	{"GET", "/api/2.0/permissions/sql/{kind}/{id}", sql_get},
	{"PUT", "/api/2.0/permissions/sql/{kind}/{id}", sql_put},
	{"PATCH", "/api/2.0/permissions/sql/{kind}/{id}", sql_patch},
	{"GET", "/api/2.0/permissions/sql/{kind}/{id}/permissionLevels", sql_levels},
	{"GET", "/api/2.0/permissions/{type}/{id}", perms_get},
	{"PUT", "/api/2.0/permissions/{type}/{id}", perms_put},
	{"PATCH", "/api/2.0/permissions/{type}/{id}", perms_patch},
	{"GET", "/api/2.0/permissions/{type}/{id}/permissionLevels", perms_levels},
	{NULL, NULL, NULL},
};
