/* fw_scim: SCIM 2.0 Users, Groups, ServicePrincipals and Me under
 * /api/2.0/preview/scim/v2/: ListResponse paging (startIndex/count),
 * filters on the natural key, PatchOp, the RFC 7644 error shape, and
 * group membership mirrored into each member's "groups". */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw_http.h"
#include "fw_state.h"

#define SCIM_ERROR "urn:ietf:params:scim:api:messages:2.0:Error"
#define SCIM_LIST "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_PATCH "urn:ietf:params:scim:api:messages:2.0:PatchOp"

struct scim_kind {
	int coll;
	const char *res;	/* "Users" */
	const char *schema;
	const char *key;	/* natural key attribute */
	const char *noun;	/* for messages */
	fw_lookup look;		/* by the path's {id}, SCIM error shape */
};

static void scim_error(fw_ctx *c, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void scim_missing(fw_ctx *c, int status, const char *msg)
{
	scim_error(c, status, "%s", msg);
}

#define SCIM_LOOK(coll, noun) {coll, NULL, 404, NULL, noun " with id ", " not found.", scim_missing}
static const struct scim_kind K_USERS = {FW_USERS, "Users", "urn:ietf:params:scim:schemas:core:2.0:User", "userName", "User",
					 SCIM_LOOK(FW_USERS, "User")};
static const struct scim_kind K_GROUPS = {FW_GROUPS, "Groups", "urn:ietf:params:scim:schemas:core:2.0:Group", "displayName", "Group",
					  SCIM_LOOK(FW_GROUPS, "Group")};
static const struct scim_kind K_SPS = {FW_SPS, "ServicePrincipals", "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal",
				       "applicationId", "ServicePrincipal", SCIM_LOOK(FW_SPS, "ServicePrincipal")};

static void scim_error(fw_ctx *c, int status, const char *fmt, ...)
{
	char msg[1024], st[8];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(st, sizeof st, "%d", status);
	cJSON *b = cJSON_CreateObject();
	cJSON *sch = cJSON_AddArrayToObject(b, "schemas");
	cJSON_AddItemToArray(sch, cJSON_CreateString(SCIM_ERROR));
	cJSON_AddStringToObject(b, "detail", msg);
	cJSON_AddStringToObject(b, "status", st);
	fw_reply(c, status, b);
}

static const char *str(const cJSON *o, const char *f)
{
	return cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, f));
}

/* Output copy, reduced to ATTRS ("id,userName") when given. */
static cJSON *project(const cJSON *o, const char *attrs)
{
	if (!attrs || !*attrs)
		return cJSON_Duplicate(o, 1);
	cJSON *r = cJSON_CreateObject();
	const cJSON *f;
	cJSON_ArrayForEach(f, o) {
		size_t l = strlen(f->string);
		int want = strcmp(f->string, "id") == 0 || strcmp(f->string, "schemas") == 0;
		for (const char *p = attrs; !want && *p;) {
			const char *e = strchr(p, ',');
			size_t pl = e ? (size_t)(e - p) : strlen(p);
			while (pl && *p == ' ') {
				p++;
				pl--;
			}
			if (pl == l && strncasecmp(p, f->string, l) == 0)
				want = 1;
			p = e ? e + 1 : p + pl;
		}
		if (want)
			cJSON_AddItemToObject(r, f->string, cJSON_Duplicate(f, 1));
	}
	return r;
}

/* Parses 'attr op "value"'; 0 on success. */
static int parse_filter(const char *f, char *attr, size_t al, char *op, char *val, size_t vl)
{
	while (*f == ' ')
		f++;
	const char *sp = strchr(f, ' ');
	if (!sp || (size_t)(sp - f) >= al)
		return -1;
	snprintf(attr, al, "%.*s", (int)(sp - f), f);
	f = sp + 1;
	while (*f == ' ')
		f++;
	if (strlen(f) < 3 || f[2] != ' ')
		return -1;
	op[0] = (char)(f[0] | 0x20);
	op[1] = (char)(f[1] | 0x20);
	op[2] = 0;
	if (strcmp(op, "eq") && strcmp(op, "co") && strcmp(op, "sw") && strcmp(op, "ne"))
		return -1;
	f += 3;
	while (*f == ' ')
		f++;
	size_t l = strlen(f);
	while (l && f[l - 1] == ' ')
		l--;
	if (l >= 2 && f[0] == '"' && f[l - 1] == '"') {
		f++;
		l -= 2;
	}
	if (l >= vl)
		return -1;
	snprintf(val, vl, "%.*s", (int)l, f);
	return 0;
}

static int ci_contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle);
	for (; *hay; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return 1;
	return n == 0;
}

static int filter_match(const cJSON *o, const char *attr, const char *op, const char *val)
{
	const cJSON *a = NULL, *f;
	cJSON_ArrayForEach(f, o)
		if (strcasecmp(f->string, attr) == 0)
			a = f;
	char nb[64];
	const char *s = NULL;
	if (cJSON_IsString(a))
		s = a->valuestring;
	else if (cJSON_IsBool(a))
		s = cJSON_IsTrue(a) ? "true" : "false";
	else if (cJSON_IsNumber(a)) {
		snprintf(nb, sizeof nb, "%.0f", a->valuedouble);
		s = nb;
	}
	if (!s)
		return strcmp(op, "ne") == 0;
	/* SCIM compares userName and emails case-insensitively */
	if (strcmp(op, "eq") == 0)
		return strcasecmp(s, val) == 0;
	if (strcmp(op, "ne") == 0)
		return strcasecmp(s, val) != 0;
	if (strcmp(op, "sw") == 0)
		return strncasecmp(s, val, strlen(val)) == 0;
	return ci_contains(s, val);
}

static void scim_list(fw_ctx *c, const struct scim_kind *k)
{
	fw_coll *col = fw_coll_of(c->s, k->coll);
	const char *filter = fw_query(c, "filter");
	const char *si = fw_query(c, "startIndex"), *cnt = fw_query(c, "count");
	const char *attrs = fw_query(c, "attributes");
	char attr[128], op[4], val[1024];
	long start = 1, count = 10000;
	char *end;
	if (si) {
		start = strtol(si, &end, 10);
		if (*end || end == si) {
			scim_error(c, 400, "Invalid startIndex: %s", si);
			return;
		}
		if (start < 1)
			start = 1;
	}
	if (cnt) {
		count = strtol(cnt, &end, 10);
		if (*end || end == cnt || count < 0) {
			scim_error(c, 400, "Invalid count: %s", cnt);
			return;
		}
	}
	count = fw_page_size(c, (int)(count > 10000 ? 10000 : count), 10000);
	if (cnt && strtol(cnt, NULL, 10) == 0)
		count = 0;
	if (filter && parse_filter(filter, attr, sizeof attr, op, val, sizeof val) < 0) {
		scim_error(c, 400, "Unsupported filter: %s (expected: attribute eq \"value\")", filter);
		return;
	}
	cJSON *r = cJSON_CreateObject(), *res = NULL;
	long total = 0, n = 0;
	if (filter && strcmp(op, "eq") == 0 && strcmp(attr, k->key) == 0 && k->coll != FW_USERS) {
		/* indexed natural key lookup */
		cJSON *o = fw_coll_by_key(col, val);
		if (o) {
			total = 1;
			if (start == 1 && count > 0) {
				res = cJSON_AddArrayToObject(r, "Resources");
				cJSON_AddItemToArray(res, project(o, attrs));
				n = 1;
			}
		}
	} else if (filter && strcmp(op, "eq") == 0 && strcasecmp(attr, "userName") == 0 && k->coll == FW_USERS) {
		cJSON *o = fw_coll_by_key(col, val);	/* indexed case-insensitively */
		if (o) {
			total = 1;
			if (start == 1 && count > 0) {
				res = cJSON_AddArrayToObject(r, "Resources");
				cJSON_AddItemToArray(res, project(o, attrs));
				n = 1;
			}
		}
	} else {
		for (size_t i = 0; i < col->n; i++) {
			if (filter && !filter_match(col->items[i], attr, op, val))
				continue;
			total++;
			if (total >= start && n < count) {
				if (!res)
					res = cJSON_AddArrayToObject(r, "Resources");
				cJSON_AddItemToArray(res, project(col->items[i], attrs));
				n++;
			}
		}
	}
	cJSON_AddNumberToObject(r, "totalResults", (double)total);
	cJSON_AddNumberToObject(r, "itemsPerPage", (double)n);
	cJSON_AddNumberToObject(r, "startIndex", (double)start);
	cJSON *sch = cJSON_AddArrayToObject(r, "schemas");
	cJSON_AddItemToArray(sch, cJSON_CreateString(SCIM_LIST));
	fw_reply(c, 200, r);
}

/* Finds a principal of any SCIM kind by id; *KIND gets its resource name. */
static cJSON *any_principal(fw_state *s, const char *id, const char **res)
{
	static const struct scim_kind *const ks[] = {&K_USERS, &K_GROUPS, &K_SPS};
	for (size_t i = 0; i < 3; i++) {
		cJSON *o = fw_coll_get(fw_coll_of(s, ks[i]->coll), id);
		if (o) {
			*res = ks[i]->res;
			return o;
		}
	}
	return NULL;
}

/* Adds or drops group G in the "groups" list of member ID. */
static void mirror(fw_state *s, const cJSON *g, const char *id, int add)
{
	const char *res;
	cJSON *m = any_principal(s, id, &res);
	const char *gid = str(g, "id");
	if (!m || !gid)
		return;
	cJSON *gs = cJSON_GetObjectItemCaseSensitive(m, "groups");
	if (!cJSON_IsArray(gs)) {
		cJSON_DeleteItemFromObjectCaseSensitive(m, "groups");
		gs = cJSON_AddArrayToObject(m, "groups");
	}
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, gs) {
		const char *v = str(e, "value");
		if (v && strcmp(v, gid) == 0) {
			if (!add)
				cJSON_DeleteItemFromArray(gs, i);
			return;
		}
		i++;
	}
	if (!add)
		return;
	cJSON *ne = cJSON_CreateObject();
	cJSON_AddStringToObject(ne, "display", str(g, "displayName") ? str(g, "displayName") : "");
	cJSON_AddStringToObject(ne, "type", "direct");
	cJSON_AddStringToObject(ne, "value", gid);
	char ref[256];
	snprintf(ref, sizeof ref, "Groups/%s", gid);
	cJSON_AddStringToObject(ne, "$ref", ref);
	cJSON_AddItemToArray(gs, ne);
}

static int has_member(const cJSON *members, const char *id)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, members) {
		const char *v = str(e, "value");
		if (v && strcmp(v, id) == 0)
			return 1;
	}
	return 0;
}

/* Checks and normalises a members array into {value, display, $ref};
 * NULL (and a reply) when a member does not exist. */
static cJSON *norm_members(fw_ctx *c, const cJSON *in)
{
	cJSON *out = cJSON_CreateArray();
	const cJSON *e;
	if (in && !cJSON_IsArray(in)) {
		cJSON_Delete(out);
		scim_error(c, 400, "members must be an array");
		return NULL;
	}
	cJSON_ArrayForEach(e, in) {
		const char *v = str(e, "value");
		const char *res;
		cJSON *p = v ? any_principal(c->s, v, &res) : NULL;
		if (!p) {
			cJSON_Delete(out);
			scim_error(c, 404, "Member %s does not exist", v ? v : "(no value)");
			return NULL;
		}
		if (has_member(out, v))
			continue;
		cJSON *m = cJSON_CreateObject();
		const char *disp = str(p, "displayName") ? str(p, "displayName") : str(p, "userName");
		cJSON_AddStringToObject(m, "display", disp ? disp : "");
		cJSON_AddStringToObject(m, "value", v);
		char ref[256];
		snprintf(ref, sizeof ref, "%s/%s", res, v);
		cJSON_AddStringToObject(m, "$ref", ref);
		cJSON_AddItemToArray(out, m);
	}
	return out;
}

/* After a group changed from OLD members to its current ones, mirror it. */
static void sync_members(fw_state *s, const cJSON *g, const cJSON *old)
{
	const cJSON *now = cJSON_GetObjectItemCaseSensitive(g, "members"), *e;
	cJSON_ArrayForEach(e, old)
		if (str(e, "value") && !has_member(now, str(e, "value")))
			mirror(s, g, str(e, "value"), 0);
	cJSON_ArrayForEach(e, now)
		if (str(e, "value"))
			mirror(s, g, str(e, "value"), 1);
}

static void set_field(cJSON *o, const char *name, cJSON *v)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, name);
	cJSON_AddItemToObject(o, name, v);
}

/* ---- built-in principals ---- */

#define FW_ADMIN "admin@fake.local"

static int system_group(const cJSON *g)
{
	const char *n = str(g, "displayName");
	return n && (strcmp(n, "admins") == 0 || strcmp(n, "users") == 0);
}

/* Makes user U a member of group G (both stored), mirrored; ABSENT when
 * the caller knows U is not a member yet. */
static void join(fw_state *s, cJSON *g, const cJSON *u, int absent)
{
	const char *uid = str(u, "id");
	cJSON *mem = cJSON_GetObjectItemCaseSensitive(g, "members");
	if (!uid)
		return;
	if (!cJSON_IsArray(mem)) {
		cJSON_DeleteItemFromObjectCaseSensitive(g, "members");
		mem = cJSON_AddArrayToObject(g, "members");
	}
	if (absent || !has_member(mem, uid)) {
		char ref[96];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "display", str(u, "displayName") ? str(u, "displayName") : str(u, "userName"));
		cJSON_AddStringToObject(e, "value", uid);
		snprintf(ref, sizeof ref, "Users/%s", uid);
		cJSON_AddStringToObject(e, "$ref", ref);
		cJSON_AddItemToArray(mem, e);
	}
	mirror(s, g, uid, 1);
}

static cJSON *builtin_group(fw_state *s, const char *name)
{
	fw_coll *gs = fw_coll_of(s, FW_GROUPS);
	cJSON *g = fw_coll_by_key(gs, name);
	if (g)
		return g;
	char idb[64];
	g = cJSON_CreateObject();
	cJSON_AddStringToObject(g, "id", fw_coll_new_id(s, FW_GROUPS, idb, sizeof idb));
	cJSON_AddStringToObject(g, "displayName", name);
	cJSON_AddArrayToObject(g, "members");
	cJSON *ent = cJSON_AddArrayToObject(g, "entitlements"), *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "value", strcmp(name, "admins") == 0 ? "allow-cluster-create" : "workspace-access");
	cJSON_AddItemToArray(ent, e);
	cJSON_AddItemToArray(cJSON_AddArrayToObject(g, "schemas"), cJSON_CreateString(K_GROUPS.schema));
	cJSON_AddArrayToObject(g, "groups");
	if (fw_coll_add(gs, g) < 0)
		return NULL;
	return fw_coll_by_key(gs, name);
}

/* A PUT or PATCH of a system group may not rename it nor drop a user
 * from "users"; -1 and a reply when O (the new group) would. */
static int system_group_change(fw_ctx *c, const cJSON *old, const cJSON *o)
{
	if (!system_group(old))
		return 0;
	const char *on = str(old, "displayName"), *nn = str(o, "displayName");
	if (!nn || strcmp(on, nn) != 0) {
		scim_error(c, 400, "Cannot rename the system group '%s'", on);
		return -1;
	}
	if (strcmp(on, "users") != 0)
		return 0;
	const cJSON *now = cJSON_GetObjectItemCaseSensitive(o, "members"), *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(old, "members"))
		if (str(e, "value") && strncmp(str(e, "$ref") ? str(e, "$ref") : "", "Users/", 6) == 0 &&
		    !has_member(now, str(e, "value"))) {
			scim_error(c, 400, "Users cannot be removed from the system group 'users' (member %s)", str(e, "value"));
			return -1;
		}
	return 0;
}

void fw_scim_builtins(fw_state *s)
{
	fw_coll *us = fw_coll_of(s, FW_USERS);
	cJSON *admin = fw_coll_by_key(us, FW_ADMIN);
	if (!admin) {
		char idb[64];
		admin = cJSON_CreateObject();
		cJSON_AddStringToObject(admin, "id", fw_coll_new_id(s, FW_USERS, idb, sizeof idb));
		cJSON_AddStringToObject(admin, "userName", FW_ADMIN);
		cJSON_AddStringToObject(admin, "displayName", "Fake Workspace Admin");
		cJSON_AddBoolToObject(admin, "active", 1);
		cJSON *em = cJSON_AddArrayToObject(admin, "emails"), *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "type", "work");
		cJSON_AddStringToObject(e, "value", FW_ADMIN);
		cJSON_AddBoolToObject(e, "primary", 1);
		cJSON_AddItemToArray(em, e);
		cJSON_AddItemToArray(cJSON_AddArrayToObject(admin, "schemas"), cJSON_CreateString(K_USERS.schema));
		cJSON_AddArrayToObject(admin, "groups");
		if (fw_coll_add(us, admin) < 0)
			return;
		admin = fw_coll_by_key(us, FW_ADMIN);
	}
	cJSON *admins = builtin_group(s, "admins"), *users = builtin_group(s, "users");
	if (!admins || !users)
		return;
	join(s, admins, admin, 0);
	/* a set of the current members keeps this linear for generated
	 * workspaces with 100k users */
	fw_map have;
	fw_map_init(&have);
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(users, "members"))
		if (str(e, "value"))
			fw_map_put(&have, str(e, "value"), (void *)e);
	for (size_t i = 0; i < us->n; i++)
		if (!str(us->items[i], "id") || !fw_map_get(&have, str(us->items[i], "id")))
			join(s, users, us->items[i], 1);
	fw_map_free(&have);
}

/* Fills defaults and checks the natural key for a create or a PUT;
 * 0 when O (owned by the caller) may be stored under ID. */
static int prepare(fw_ctx *c, const struct scim_kind *k, cJSON *o, const char *id)
{
	fw_coll *col = fw_coll_of(c->s, k->coll);
	const char *key = str(o, k->key);
	if (k->coll == FW_SPS && !key && c->s->cloud != FW_AZURE) {
		char uuid[40];
		uint64_t a = fw_rand(c->s), b = fw_rand(c->s);
		snprintf(uuid, sizeof uuid, "%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(a >> 32),
			 (unsigned)(a >> 16) & 0xffff, (unsigned)a & 0xfff, (unsigned)(b >> 52) & 0xfff,
			 (unsigned long long)(b & 0xffffffffffffULL));
		set_field(o, "applicationId", cJSON_CreateString(uuid));
		key = str(o, k->key);
	}
	if (!key || !*key) {
		scim_error(c, 400, "Missing required attribute: %s", k->key);
		return -1;
	}
	cJSON *dup = fw_coll_by_key(col, key);
	if (dup && (!id || strcmp(str(dup, "id"), id) != 0)) {
		if (k->coll == FW_USERS)
			scim_error(c, 409, "User with username %s already exists.", key);
		else if (k->coll == FW_GROUPS)
			scim_error(c, 409, "Group with name %s already exists.", key);
		else
			scim_error(c, 409, "Service principal with application id %s already exists.", key);
		return -1;
	}
	if (k->coll == FW_SPS && c->s->cloud == FW_AZURE) {
		/* Azure service principals carry their Entra application id */
		size_t l = strlen(key);
		if (l != 36 || key[8] != '-' || key[13] != '-') {
			scim_error(c, 400, "applicationId %s is not a valid Azure application (client) id", key);
			return -1;
		}
	}
	set_field(o, "id", cJSON_CreateString(id));
	cJSON *sch = cJSON_CreateArray();
	cJSON_AddItemToArray(sch, cJSON_CreateString(k->schema));
	set_field(o, "schemas", sch);
	if (k->coll == FW_USERS) {
		if (!cJSON_GetObjectItemCaseSensitive(o, "emails")) {
			cJSON *em = cJSON_CreateArray(), *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "type", "work");
			cJSON_AddStringToObject(e, "value", key);
			cJSON_AddBoolToObject(e, "primary", 1);
			cJSON_AddItemToArray(em, e);
			cJSON_AddItemToObject(o, "emails", em);
		}
		if (!cJSON_GetObjectItemCaseSensitive(o, "displayName"))
			cJSON_AddStringToObject(o, "displayName", key);
	}
	if (k->coll != FW_GROUPS && !cJSON_GetObjectItemCaseSensitive(o, "active"))
		cJSON_AddBoolToObject(o, "active", 1);
	if (k->coll == FW_GROUPS) {
		cJSON *m = norm_members(c, cJSON_GetObjectItemCaseSensitive(o, "members"));
		if (!m)
			return -1;
		set_field(o, "members", m);
	} else if (!cJSON_GetObjectItemCaseSensitive(o, "groups")) {
		cJSON_AddArrayToObject(o, "groups");
	}
	return 0;
}

static void scim_create(fw_ctx *c, const struct scim_kind *k)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	char idb[64];
	cJSON *o = cJSON_Duplicate(b, 1);
	cJSON_DeleteItemFromObjectCaseSensitive(o, "groups");	/* membership is set on groups */
	if (prepare(c, k, o, fw_coll_new_id(c->s, k->coll, idb, sizeof idb)) < 0) {
		cJSON_Delete(o);
		return;
	}
	cJSON *reply = cJSON_Duplicate(o, 1);
	fw_coll_add(fw_coll_of(c->s, k->coll), o);
	if (k->coll == FW_GROUPS)
		sync_members(c->s, o, NULL);
	if (k->coll == FW_USERS) {
		cJSON *users = fw_coll_by_key(fw_coll_of(c->s, FW_GROUPS), "users");
		if (users)
			join(c->s, users, o, 0);
	}
	/* groups named in a user create are joined, as the real API does */
	const cJSON *gs = cJSON_GetObjectItemCaseSensitive(b, "groups"), *e;
	cJSON_ArrayForEach(e, gs) {
		cJSON *g = fw_coll_get(fw_coll_of(c->s, FW_GROUPS), str(e, "value"));
		cJSON *mem = g ? cJSON_GetObjectItemCaseSensitive(g, "members") : NULL;
		if (!cJSON_IsArray(mem))
			continue;
		cJSON *one = cJSON_CreateArray(), *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "value", idb);
		cJSON_AddItemToArray(one, x);
		cJSON *nm = norm_members(c, one);
		cJSON_Delete(one);
		if (nm && nm->child && !has_member(mem, idb))
			cJSON_AddItemToArray(mem, cJSON_Duplicate(nm->child, 1));
		cJSON_Delete(nm);
		mirror(c->s, g, idb, 1);
	}
	if (gs || k->coll == FW_USERS) {
		cJSON_Delete(reply);
		reply = cJSON_Duplicate(o, 1);
	}
	c->mutated = 1;
	fw_reply(c, 201, reply);
}

static void scim_get(fw_ctx *c, const struct scim_kind *k)
{
	cJSON *o = fw_target(c, &k->look, NULL);
	if (o)
		fw_reply(c, 200, project(o, fw_query(c, "attributes")));
}

/* Stores O (consumed) in place of OLD, keeps group memberships mirrored
 * and answers with the stored object. */
static void replace_and_reply(fw_ctx *c, const struct scim_kind *k, const cJSON *old, cJSON *o)
{
	cJSON *oldm = cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(old, "members"), 1);
	cJSON *reply = cJSON_Duplicate(o, 1);
	fw_coll_replace(fw_coll_of(c->s, k->coll), o);
	if (k->coll == FW_GROUPS)
		sync_members(c->s, fw_coll_get(fw_coll_of(c->s, k->coll), c->params[0]), oldm);
	cJSON_Delete(oldm);
	c->mutated = 1;
	fw_reply(c, 200, reply);
}

static void scim_put(fw_ctx *c, const struct scim_kind *k)
{
	cJSON *b, *old = fw_target(c, &k->look, &b);
	if (!old)
		return;
	cJSON *o = cJSON_Duplicate(b, 1);
	if (k->coll != FW_GROUPS) {
		/* membership lives on groups: keep it */
		cJSON_DeleteItemFromObjectCaseSensitive(o, "groups");
		const cJSON *g = cJSON_GetObjectItemCaseSensitive(old, "groups");
		cJSON_AddItemToObject(o, "groups", g ? cJSON_Duplicate(g, 1) : cJSON_CreateArray());
	}
	if (prepare(c, k, o, c->params[0]) < 0 || (k->coll == FW_GROUPS && system_group_change(c, old, o) < 0)) {
		cJSON_Delete(o);
		return;
	}
	replace_and_reply(c, k, old, o);
}

/* Removes entries of array ATTR whose value is VAL (NULL = all). */
static void remove_values(cJSON *o, const char *attr, const char *val)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, attr);
	if (!val) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, attr);
		return;
	}
	for (int i = cJSON_GetArraySize(arr) - 1; i >= 0; i--) {
		const char *v = str(cJSON_GetArrayItem(arr, i), "value");
		if (v && strcmp(v, val) == 0)
			cJSON_DeleteItemFromArray(arr, i);
	}
}

static void add_values(cJSON *o, const char *attr, const cJSON *vals)
{
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(o, attr);
	if (!cJSON_IsArray(arr)) {
		cJSON_DeleteItemFromObjectCaseSensitive(o, attr);
		arr = cJSON_AddArrayToObject(o, attr);
	}
	const cJSON *e;
	cJSON_ArrayForEach(e, vals) {
		const char *v = str(e, "value");
		if (v && has_member(arr, v))
			continue;
		cJSON_AddItemToArray(arr, cJSON_Duplicate(e, 1));
	}
}

/* Applies one PatchOp operation; -1 and a reply on error. */
static int patch_op(fw_ctx *c, const struct scim_kind *k, cJSON *o, const cJSON *op)
{
	const char *kind = str(op, "op");
	const char *path = str(op, "path");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
	char attr[128] = "", fval[512] = "";
	int has_filter = 0;
	if (!kind || (strcasecmp(kind, "add") && strcasecmp(kind, "remove") && strcasecmp(kind, "replace"))) {
		scim_error(c, 400, "Invalid PatchOp operation: %s", kind ? kind : "(none)");
		return -1;
	}
	if (path) {
		const char *br = strchr(path, '[');
		if (br) {
			char fa[64], fop[4];
			const char *cl = strrchr(path, ']');
			char inner[600];
			if (!cl || cl < br || (size_t)(cl - br) >= sizeof inner) {
				scim_error(c, 400, "Invalid path: %s", path);
				return -1;
			}
			snprintf(inner, sizeof inner, "%.*s", (int)(cl - br - 1), br + 1);
			if (parse_filter(inner, fa, sizeof fa, fop, fval, sizeof fval) < 0 || strcmp(fop, "eq") ||
			    strcmp(fa, "value")) {
				scim_error(c, 400, "Unsupported path filter: %s", path);
				return -1;
			}
			has_filter = 1;
		}
		snprintf(attr, sizeof attr, "%.*s", (int)(br ? (size_t)(br - path) : strlen(path)), path);
	}
	if ((strcasecmp(attr, "userName") == 0 || strcasecmp(attr, "emails") == 0) && k->coll == FW_USERS) {
		scim_error(c, 400, "%s cannot be changed by PATCH", attr);
		return -1;
	}
	if (strcasecmp(attr, "id") == 0) {
		scim_error(c, 400, "id is immutable");
		return -1;
	}
	if (strcasecmp(kind, "remove") == 0) {
		if (!*attr) {
			scim_error(c, 400, "remove needs a path");
			return -1;
		}
		if (has_filter) {
			remove_values(o, attr, fval);
		} else if (cJSON_IsArray(value)) {
			const cJSON *e;
			cJSON_ArrayForEach(e, value)
				if (str(e, "value"))
					remove_values(o, attr, str(e, "value"));
		} else {
			remove_values(o, attr, NULL);
		}
		return 0;
	}
	if (!value) {
		scim_error(c, 400, "%s needs a value", kind);
		return -1;
	}
	cJSON *vals = NULL;
	if (*attr) {
		vals = cJSON_CreateObject();
		cJSON_AddItemToObject(vals, attr, cJSON_Duplicate(value, 1));
	} else if (cJSON_IsObject(value)) {
		vals = cJSON_Duplicate(value, 1);
	} else {
		scim_error(c, 400, "%s without path needs an object value", kind);
		return -1;
	}
	int rc = 0;
	cJSON *f;
	cJSON_ArrayForEach(f, vals) {
		if (k->coll == FW_USERS && (strcasecmp(f->string, "userName") == 0 || strcasecmp(f->string, "emails") == 0)) {
			const char *cur = str(o, "userName");
			if (strcasecmp(f->string, "emails") == 0 || !cJSON_IsString(f) || !cur ||
			    strcasecmp(cur, f->valuestring) != 0) {
				scim_error(c, 400, "%s cannot be changed by PATCH", f->string);
				rc = -1;
				break;
			}
			continue;
		}
		if (strcmp(f->string, "members") == 0 && k->coll == FW_GROUPS) {
			cJSON *m = norm_members(c, f);
			if (!m) {
				rc = -1;
				break;
			}
			if (strcasecmp(kind, "replace") == 0)
				set_field(o, "members", m);
			else {
				add_values(o, "members", m);
				cJSON_Delete(m);
			}
		} else if (cJSON_IsArray(f) && strcasecmp(kind, "add") == 0) {
			add_values(o, f->string, f);
		} else if (strcmp(f->string, k->key) == 0) {
			cJSON *dup = cJSON_IsString(f) ? fw_coll_by_key(fw_coll_of(c->s, k->coll), f->valuestring) : NULL;
			if (dup && strcmp(str(dup, "id") ? str(dup, "id") : "", str(o, "id") ? str(o, "id") : "") != 0) {
				scim_error(c, 409, "%s with %s %s already exists.", k->noun, k->key, f->valuestring);
				rc = -1;
				break;
			}
			set_field(o, f->string, cJSON_Duplicate(f, 1));
		} else {
			set_field(o, f->string, cJSON_Duplicate(f, 1));
		}
	}
	cJSON_Delete(vals);
	return rc;
}

static void scim_patch(fw_ctx *c, const struct scim_kind *k)
{
	cJSON *b, *old = fw_target(c, &k->look, &b);
	if (!old)
		return;
	const cJSON *ops = cJSON_GetObjectItemCaseSensitive(b, "Operations"), *op;
	if (!cJSON_IsArray(ops)) {
		scim_error(c, 400, "PatchOp request needs an Operations array (schema %s)", SCIM_PATCH);
		return;
	}
	cJSON *o = cJSON_Duplicate(old, 1);
	cJSON_ArrayForEach(op, ops)
		if (patch_op(c, k, o, op) < 0) {
			cJSON_Delete(o);
			return;
		}
	if (k->coll == FW_GROUPS && system_group_change(c, old, o) < 0) {
		cJSON_Delete(o);
		return;
	}
	replace_and_reply(c, k, old, o);
}

static void scim_delete(fw_ctx *c, const struct scim_kind *k)
{
	cJSON *o = fw_target(c, &k->look, NULL);
	if (!o)
		return;
	if (k->coll == FW_GROUPS && system_group(o)) {
		scim_error(c, 403, "Cannot delete the system group '%s'", str(o, "displayName"));
		return;
	}
	if (k->coll == FW_USERS && str(o, "userName") && strcasecmp(str(o, "userName"), c->user) == 0) {
		scim_error(c, 403, "Cannot delete the calling user %s", c->user);
		return;
	}
	fw_coll *groups = fw_coll_of(c->s, FW_GROUPS);
	if (k->coll == FW_GROUPS) {
		const cJSON *e;
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(o, "members"))
			if (str(e, "value"))
				mirror(c->s, o, str(e, "value"), 0);
	}
	/* drop the principal from every group it was in */
	for (size_t i = 0; i < groups->n; i++)
		remove_values(groups->items[i], "members", c->params[0]);
	fw_coll_del(fw_coll_of(c->s, k->coll), c->params[0]);
	c->mutated = 1;
	fw_reply(c, 204, NULL);
}

static void me(fw_ctx *c)
{
	cJSON *u = fw_coll_by_key(fw_coll_of(c->s, FW_USERS), c->user);
	if (u) {
		fw_reply(c, 200, cJSON_Duplicate(u, 1));
		return;
	}
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "id", "1");
	cJSON_AddStringToObject(r, "userName", c->user);
	cJSON_AddStringToObject(r, "displayName", "Fake Workspace Admin");
	cJSON_AddBoolToObject(r, "active", 1);
	cJSON *sch = cJSON_AddArrayToObject(r, "schemas");
	cJSON_AddItemToArray(sch, cJSON_CreateString(K_USERS.schema));
	cJSON *g = cJSON_AddArrayToObject(r, "groups"), *ge = cJSON_CreateObject();
	cJSON_AddStringToObject(ge, "display", "admins");
	cJSON_AddStringToObject(ge, "type", "direct");
	cJSON_AddItemToArray(g, ge);
	fw_reply(c, 200, r);
}

#define SCIM_HANDLERS(name, kind)                                              \
	static void name##_list(fw_ctx *c) { scim_list(c, &kind); }             \
	static void name##_create(fw_ctx *c) { scim_create(c, &kind); }         \
	static void name##_get(fw_ctx *c) { scim_get(c, &kind); }               \
	static void name##_put(fw_ctx *c) { scim_put(c, &kind); }               \
	static void name##_patch(fw_ctx *c) { scim_patch(c, &kind); }           \
	static void name##_delete(fw_ctx *c) { scim_delete(c, &kind); }

SCIM_HANDLERS(users, K_USERS)
SCIM_HANDLERS(groups, K_GROUPS)
SCIM_HANDLERS(sps, K_SPS)

#define SCIM_ROUTES(name, res)                                                          \
	{"GET", "/api/2.0/preview/scim/v2/" res, name##_list},                          \
	{"POST", "/api/2.0/preview/scim/v2/" res, name##_create},                       \
	{"GET", "/api/2.0/preview/scim/v2/" res "/{id}", name##_get},                   \
	{"PUT", "/api/2.0/preview/scim/v2/" res "/{id}", name##_put},                   \
	{"PATCH", "/api/2.0/preview/scim/v2/" res "/{id}", name##_patch},               \
	{"DELETE", "/api/2.0/preview/scim/v2/" res "/{id}", name##_delete}

const fw_route fw_scim_routes[] = {
	SCIM_ROUTES(users, "Users"),
	SCIM_ROUTES(groups, "Groups"),
	SCIM_ROUTES(sps, "ServicePrincipals"),
	{"GET", "/api/2.0/preview/scim/v2/Me", me},
	{NULL, NULL, NULL},
};
