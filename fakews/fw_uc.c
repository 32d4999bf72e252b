/* fw_uc: Unity Catalog (see fw_uc.h). Lists page with max_results and
 * page_token and sometimes answer an empty page that still carries a
 * token, as the real service does; storage URLs and credentials are
 * flavour-checked; deletes refuse non-empty parents unless force=true. */
#include "fw_uc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fw_check.h"
#include "fw_state.h"

#define UC "/api/2.1/unity-catalog"

struct uck {
	int coll;
	const char *field;	/* list reply field */
	const char *noun;	/* "Catalog" */
	const char *sectype;	/* grants securable type */
	int level;		/* 0 catalog, 1 schema, 2 table/volume, -1 metastore-level */
};

static const struct uck K_CAT = {FW_CATALOGS, "catalogs", "Catalog", "catalog", 0};
static const struct uck K_SCH = {FW_SCHEMAS, "schemas", "Schema", "schema", 1};
static const struct uck K_TAB = {FW_TABLES, "tables", "Table", "table", 2};
static const struct uck K_VOL = {FW_VOLUMES, "volumes", "Volume", "volume", 2};
static const struct uck K_LOC = {FW_EXTLOCS, "external_locations", "External Location", "external_location", -1};
static const struct uck K_CRED = {FW_CREDS, "storage_credentials", "Storage Credential", "storage_credential", -1};

static const char *metastore_id(fw_state *s)
{
	return s->cloud == FW_AWS ? "5f1c7a0e-aws0-4e2b-9d7c-000000000001" :
	       s->cloud == FW_GCP ? "5f1c7a0e-gcp0-4e2b-9d7c-000000000001" : "5f1c7a0e-az00-4e2b-9d7c-000000000001";
}

int fw_uc_name(const char *name, char *buf, size_t n)
{
	size_t l = name ? strlen(name) : 0;
	if (!l || l >= n || l > 255)
		return -1;
	for (size_t i = 0; i <= l; i++) {
		char ch = name[i];
		if (i < l && (ch == '.' || ch == ' ' || ch == '/' || (unsigned char)ch < 0x20))
			return -1;
		buf[i] = (char)(ch >= 'A' && ch <= 'Z' ? ch + 32 : ch);
	}
	return 0;
}

void fw_uc_stamp(fw_ctx *c, cJSON *o)
{
	double now = (double)fw_now_ms();
	if (!fw_str(o, "owner"))
		cJSON_AddStringToObject(o, "owner", c->user);
	cJSON_AddNumberToObject(o, "created_at", now);
	cJSON_AddStringToObject(o, "created_by", c->user);
	cJSON_AddNumberToObject(o, "updated_at", now);
	cJSON_AddStringToObject(o, "updated_by", c->user);
	cJSON_AddStringToObject(o, "metastore_id", metastore_id(c->s));
}

static void touch(fw_ctx *c, cJSON *o)
{
	cJSON_DeleteItemFromObjectCaseSensitive(o, "updated_at");
	cJSON_AddNumberToObject(o, "updated_at", (double)fw_now_ms());
	cJSON_DeleteItemFromObjectCaseSensitive(o, "updated_by");
	cJSON_AddStringToObject(o, "updated_by", c->user);
}

/* The URL of a stored external location, without trailing slashes. */
static int covers(const char *loc, const char *url)
{
	size_t l = strlen(loc);
	while (l && loc[l - 1] == '/')
		l--;
	return strncmp(loc, url, l) == 0 && (url[l] == '\0' || url[l] == '/');
}

int fw_uc_check_location(fw_ctx *c, const char *url, const char *where)
{
	if (fw_check_storage_url(c, url, where, 0) < 0)
		return -1;
	fw_coll *locs = fw_coll_of(c->s, FW_EXTLOCS);
	for (size_t i = 0; i < locs->n; i++) {
		const char *lu = fw_str(locs->items[i], "url");
		if (lu && covers(lu, url))
			return 0;
	}
	fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: no external location covers %s (create one with a storage credential first)",
		 where, url);
	return -1;
}

static int principal_exists(fw_state *s, const char *p)
{
	return p && (fw_coll_by_key(fw_coll_of(s, FW_USERS), p) || fw_coll_by_key(fw_coll_of(s, FW_GROUPS), p) ||
		     fw_coll_by_key(fw_coll_of(s, FW_SPS), p) || strcmp(p, "account users") == 0);
}

static int check_owner(fw_ctx *c, const cJSON *b)
{
	const char *ow = fw_str(b, "owner");
	if (ow && !principal_exists(c->s, ow)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "owner: Could not find principal with name %s", ow);
		return -1;
	}
	return 0;
}

static cJSON *find_uc(fw_ctx *c, const struct uck *k, const char *name)
{
	char lc[1024];
	snprintf(lc, sizeof lc, "%s", name ? name : "");
	for (char *p = lc; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	cJSON *o = fw_coll_get(fw_coll_of(c->s, k->coll), lc);
	if (!o)
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "%s '%s' does not exist.", k->noun, name ? name : "");
	return o;
}

/* ---- grants bookkeeping ---- */

void fw_uc_drop_grants(fw_state *s, const char *sectype, const char *full_name, int children)
{
	char key[1024];
	fw_coll *g = fw_coll_of(s, FW_GRANTS);
	snprintf(key, sizeof key, "%s/%s", sectype, full_name);
	fw_coll_del(g, key);
	if (!children)
		return;
	size_t l = strlen(full_name);
	for (size_t i = g->n; i-- > 0;) {
		const char *fn = fw_str(g->items[i], "full_name");
		if (fn && strncmp(fn, full_name, l) == 0 && fn[l] == '.') {
			char k2[1024];
			snprintf(k2, sizeof k2, "%s/%s", fw_str(g->items[i], "securable_type"), fn);
			fw_coll_del(g, k2);
		}
	}
}

/* Moves every object of COLL whose key field starts with OLD (exactly or
 * followed by '.') to NEW, rewriting KEYF and, when set, PARENTF. */
static int metastore_level(const char *sectype)
{
	return sectype && (strcmp(sectype, "external_location") == 0 || strcmp(sectype, "storage_credential") == 0);
}

/* For grants, SECTYPE picks what moves: the renamed external location or
 * credential itself, or (NULL) the catalog-tree securables. */
static void rekey(fw_state *s, int coll, const char *keyf, const char *parentf, const char *old, const char *nw,
		  const char *sectype)
{
	fw_coll *col = fw_coll_of(s, coll);
	size_t l = strlen(old);
	for (size_t i = 0; i < col->n; i++) {
		const char *fn = fw_str(col->items[i], keyf);
		if (!fn || strncmp(fn, old, l) != 0 || (fn[l] != '\0' && fn[l] != '.'))
			continue;
		if (coll == FW_GRANTS) {
			const char *st = fw_str(col->items[i], "securable_type");
			if (sectype ? !st || strcmp(st, sectype) != 0 : metastore_level(st))
				continue;
		}
		char nk[1024], okey[1024];
		snprintf(okey, sizeof okey, "%s", fn);
		snprintf(nk, sizeof nk, "%s%s", nw, fn + l);
		cJSON *o = cJSON_Duplicate(col->items[i], 1);
		fw_set(o, keyf, cJSON_CreateString(nk));
		if (parentf && fw_str(o, parentf) && strcmp(fw_str(o, parentf), old) == 0)
			fw_set(o, parentf, cJSON_CreateString(nw));
		if (coll == FW_GRANTS)
			snprintf(okey, sizeof okey, "%s/%s", fw_str(col->items[i], "securable_type"), fn);
		fw_coll_del(col, okey);
		fw_coll_add(col, o);
		i = (size_t)-1;	/* the collection changed: rescan (renames are rare) */
	}
}

/* ---- generic handlers ---- */

static int keep_parent(const cJSON *o, void *arg)
{
	const char *const *want = arg;	/* {catalog_name, schema_name} */
	if (want[0] && (!fw_str(o, "catalog_name") || strcmp(fw_str(o, "catalog_name"), want[0]) != 0))
		return 0;
	if (want[1] && (!fw_str(o, "schema_name") || strcmp(fw_str(o, "schema_name"), want[1]) != 0))
		return 0;
	return 1;
}

static cJSON *uc_view(const cJSON *o, void *arg)
{
	(void)arg;
	cJSON *r = cJSON_Duplicate(o, 1);
	cJSON *sp = cJSON_GetObjectItemCaseSensitive(r, "azure_service_principal");
	cJSON_DeleteItemFromObjectCaseSensitive(sp, "client_secret");	/* write-only */
	return r;
}

static void uc_list(fw_ctx *c, const struct uck *k)
{
	const char *want[2] = {NULL, NULL};
	char cat[300], sch[300];
	if (k->level >= 1) {
		const char *cn = fw_query(c, "catalog_name");
		if (!cn) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: catalog_name");
			return;
		}
		if (fw_uc_name(cn, cat, sizeof cat) < 0 || !fw_coll_get(fw_coll_of(c->s, FW_CATALOGS), cat)) {
			fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Catalog '%s' does not exist.", cn);
			return;
		}
		want[0] = cat;
	}
	if (k->level >= 2) {
		const char *sn = fw_query(c, "schema_name");
		char full[700];
		if (!sn) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: schema_name");
			return;
		}
		if (fw_uc_name(sn, sch, sizeof sch) < 0 ||
		    (snprintf(full, sizeof full, "%s.%s", cat, sch), !fw_coll_get(fw_coll_of(c->s, FW_SCHEMAS), full))) {
			fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Schema '%s.%s' does not exist.", want[0], sn);
			return;
		}
		want[1] = sch;
	}
	/* max_results 0 or absent: the server picks (everything, capped) */
	fw_list_page(c, fw_coll_of(c->s, k->coll), k->field, "max_results", 10000, 10000,
		     k->level >= 1 ? keep_parent : NULL, uc_view, (void *)want, 1);
}

static void uc_get(fw_ctx *c, const struct uck *k)
{
	cJSON *o = find_uc(c, k, c->params[0]);
	if (o)
		fw_reply(c, 200, uc_view(o, NULL));
}

/* Counts the children of a catalog or schema FULL: schemas, tables and
 * volumes whose full_name starts with "FULL.". */
static int children(fw_state *s, const char *full)
{
	static const int colls[] = {FW_SCHEMAS, FW_TABLES, FW_VOLUMES};
	size_t l = strlen(full);
	int n = 0;
	for (size_t k = 0; k < 3; k++) {
		fw_coll *col = fw_coll_of(s, colls[k]);
		for (size_t i = 0; i < col->n; i++) {
			const char *fn = fw_str(col->items[i], "full_name");
			const char *nm = fw_str(col->items[i], "name");
			if (fn && strncmp(fn, full, l) == 0 && fn[l] == '.' && !(nm && strcmp(nm, "information_schema") == 0))
				n++;
		}
	}
	return n;
}

static void drop_under(fw_state *s, const char *full)
{
	static const int colls[] = {FW_SCHEMAS, FW_TABLES, FW_VOLUMES};
	size_t l = strlen(full);
	for (size_t k = 0; k < 3; k++) {
		fw_coll *col = fw_coll_of(s, colls[k]);
		for (size_t i = col->n; i-- > 0;) {
			const char *fn = fw_str(col->items[i], "full_name");
			if (fn && strncmp(fn, full, l) == 0 && fn[l] == '.') {
				char key[1024];
				snprintf(key, sizeof key, "%s", fn);
				fw_coll_del(col, key);
			}
		}
	}
}

static void uc_delete(fw_ctx *c, const struct uck *k)
{
	cJSON *o = find_uc(c, k, c->params[0]);
	if (!o)
		return;
	char key[1024];
	const char *force = fw_query(c, "force");
	int forced = force && strcmp(force, "true") == 0;
	fw_coll *col = fw_coll_of(c->s, k->coll);
	snprintf(key, sizeof key, "%s", fw_str(o, k->level >= 1 ? "full_name" : "name"));
	if (k->level == 0 || k->level == 1) {
		int n = children(c->s, key);
		if (n && !forced) {
			fw_error(c, 400, "INVALID_STATE", "%s '%s' is not empty: it holds %d object%s (use force=true)", k->noun, key, n,
				 n == 1 ? "" : "s");
			return;
		}
		drop_under(c->s, key);
	}
	if (k->coll == FW_CREDS || k->coll == FW_EXTLOCS) {
		/* a credential used by a location, a location used by tables or volumes */
		int used = 0;
		if (k->coll == FW_CREDS) {
			fw_coll *locs = fw_coll_of(c->s, FW_EXTLOCS);
			for (size_t i = 0; i < locs->n; i++)
				if (fw_str(locs->items[i], "credential_name") && strcmp(fw_str(locs->items[i], "credential_name"), key) == 0)
					used++;
		} else {
			static const int colls[] = {FW_TABLES, FW_VOLUMES};
			for (size_t j = 0; j < 2; j++) {
				fw_coll *t = fw_coll_of(c->s, colls[j]);
				for (size_t i = 0; i < t->n; i++) {
					const char *sl = fw_str(t->items[i], "storage_location");
					const char *ty = fw_str(t->items[i], colls[j] == FW_TABLES ? "table_type" : "volume_type");
					if (sl && ty && strcmp(ty, "EXTERNAL") == 0 && covers(fw_str(o, "url"), sl))
						used++;
				}
			}
		}
		if (used && !forced) {
			fw_error(c, 400, "INVALID_STATE", "%s '%s' is in use by %d object%s (use force=true)", k->noun, key, used,
				 used == 1 ? "" : "s");
			return;
		}
	}
	fw_uc_drop_grants(c->s, k->sectype, key, k->level == 0 || k->level == 1);
	fw_coll_del(col, key);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

/* PATCH: comment, owner, properties, and new_name (renames carry the
 * children and the grants along). */
static void uc_update(fw_ctx *c, const struct uck *k)
{
	cJSON *b = fw_body(c);
	cJSON *o = b ? find_uc(c, k, c->params[0]) : NULL;
	if (!o || check_owner(c, b) < 0)
		return;
	static const char *const plain[] = {"comment", "owner", "properties", "read_only", "isolation_mode", "enable_predictive_optimization"};
	const char *keyf = k->level >= 1 ? "full_name" : "name";
	char old[1024], nn[300], nfull[1024];
	snprintf(old, sizeof old, "%s", fw_str(o, keyf));
	const char *newname = fw_str(b, "new_name");
	if (newname && fw_uc_name(newname, nn, sizeof nn) < 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "new_name: '%s' is not a valid name", newname);
		return;
	}
	if (k->coll == FW_EXTLOCS) {
		const char *url = fw_str(b, "url"), *cred = fw_str(b, "credential_name");
		if (url && fw_check_storage_url(c, url, "url", 0) < 0)
			return;
		if (cred && !fw_coll_get(fw_coll_of(c->s, FW_CREDS), cred)) {
			fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Storage Credential '%s' does not exist.", cred);
			return;
		}
	}
	if (newname) {
		if (k->level >= 1) {
			const char *dot = strrchr(old, '.');
			snprintf(nfull, sizeof nfull, "%.*s.%s", (int)(dot - old), old, nn);
		} else {
			snprintf(nfull, sizeof nfull, "%s", nn);
		}
		if (strcmp(nfull, old) != 0 && fw_coll_get(fw_coll_of(c->s, k->coll), nfull)) {
			fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "%s '%s' already exists.", k->noun, nfull);
			return;
		}
	}
	for (size_t i = 0; i < sizeof plain / sizeof *plain; i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, plain[i]);
		if (v) {
			cJSON_DeleteItemFromObjectCaseSensitive(o, plain[i]);
			cJSON_AddItemToObject(o, plain[i], cJSON_Duplicate(v, 1));
		}
	}
	if (k->coll == FW_EXTLOCS) {
		static const char *const lf[] = {"url", "credential_name"};
		for (size_t i = 0; i < 2; i++)
			if (fw_str(b, lf[i]))
				fw_set(o, lf[i], cJSON_CreateString(fw_str(b, lf[i])));
	}
	touch(c, o);
	c->mutated = 1;
	if (newname && strcmp(nfull, old) != 0) {
		if (k->level >= 1)	/* else "name" is the key: rekey below renames it */
			fw_set(o, "name", cJSON_CreateString(nn));
		if (k->level == 0) {
			rekey(c->s, FW_SCHEMAS, "full_name", "catalog_name", old, nfull, NULL);
			rekey(c->s, FW_TABLES, "full_name", "catalog_name", old, nfull, NULL);
			rekey(c->s, FW_VOLUMES, "full_name", "catalog_name", old, nfull, NULL);
		} else if (k->level == 1) {
			rekey(c->s, FW_TABLES, "full_name", NULL, old, nfull, NULL);
			rekey(c->s, FW_VOLUMES, "full_name", NULL, old, nfull, NULL);
			/* children's schema_name */
			static const int colls[] = {FW_TABLES, FW_VOLUMES};
			for (size_t j = 0; j < 2; j++) {
				fw_coll *t = fw_coll_of(c->s, colls[j]);
				size_t l = strlen(nfull);
				for (size_t i = 0; i < t->n; i++) {
					const char *fn = fw_str(t->items[i], "full_name");
					if (fn && strncmp(fn, nfull, l) == 0 && fn[l] == '.')
						fw_set(t->items[i], "schema_name", cJSON_CreateString(nn));
				}
			}
		}
		if (k->coll == FW_CREDS) {	/* locations name their credential */
			fw_coll *locs = fw_coll_of(c->s, FW_EXTLOCS);
			for (size_t i = 0; i < locs->n; i++)
				if (fw_str(locs->items[i], "credential_name") && strcmp(fw_str(locs->items[i], "credential_name"), old) == 0)
					fw_set(locs->items[i], "credential_name", cJSON_CreateString(nn));
		}
		rekey(c->s, FW_GRANTS, "full_name", NULL, old, nfull, k->level < 0 ? k->sectype : NULL);
		rekey(c->s, k->coll, keyf, NULL, old, nfull, NULL);
		o = fw_coll_get(fw_coll_of(c->s, k->coll), nfull);
		if (o && k->level == 0)
			fw_set(o, "full_name", cJSON_CreateString(nfull));
	}
	fw_reply(c, 200, uc_view(o, NULL));
}

/* ---- creates ---- */

static cJSON *base_obj(fw_ctx *c, const cJSON *b, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	if (fw_str(b, "comment"))
		cJSON_AddStringToObject(o, "comment", fw_str(b, "comment"));
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "properties");
	if (cJSON_IsObject(p))
		cJSON_AddItemToObject(o, "properties", cJSON_Duplicate(p, 1));
	if (fw_str(b, "owner"))
		cJSON_AddStringToObject(o, "owner", fw_str(b, "owner"));
	(void)c;
	return o;
}

static int need_name(fw_ctx *c, const cJSON *b, const char *f, char *buf, size_t n)
{
	const char *v = fw_need_str(c, b, f, NULL);
	if (!v)
		return -1;
	if (fw_uc_name(v, buf, n) < 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s: '%s' is not a valid name (no '.', ' ' or '/')", f, v);
		return -1;
	}
	return 0;
}

void fw_uc_add_schema(fw_ctx *c, const char *cat, const char *name, const char *comment, const char *owner)
{
	char full[700];
	snprintf(full, sizeof full, "%s.%s", cat, name);
	cJSON *s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "name", name);
	cJSON_AddStringToObject(s, "catalog_name", cat);
	cJSON_AddStringToObject(s, "full_name", full);
	if (comment)
		cJSON_AddStringToObject(s, "comment", comment);
	if (owner)
		cJSON_AddStringToObject(s, "owner", owner);
	fw_uc_stamp(c, s);
	char id[48];
	cJSON_AddStringToObject(s, "schema_id", fw_uuid(c->s, id, sizeof id));
	fw_coll_add(fw_coll_of(c->s, FW_SCHEMAS), s);
}

static void cat_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	char name[300];
	if (!b || need_name(c, b, "name", name, sizeof name) < 0 || check_owner(c, b) < 0)
		return;
	if (strcmp(name, "hive_metastore") == 0 || strcmp(name, "system") == 0 || strcmp(name, "samples") == 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Catalog name '%s' is reserved", name);
		return;
	}
	if (fw_coll_get(fw_coll_of(c->s, FW_CATALOGS), name)) {
		fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "Catalog '%s' already exists.", name);
		return;
	}
	const char *root = fw_str(b, "storage_root");
	if (root && fw_uc_check_location(c, root, "storage_root") < 0)
		return;
	cJSON *o = base_obj(c, b, name);
	char id[48];
	cJSON_AddStringToObject(o, "full_name", name);
	cJSON_AddStringToObject(o, "catalog_type", "MANAGED_CATALOG");
	cJSON_AddStringToObject(o, "isolation_mode", "OPEN");
	if (root) {
		cJSON_AddStringToObject(o, "storage_root", root);
		cJSON_AddStringToObject(o, "storage_location", root);
	}
	cJSON_AddStringToObject(o, "id", fw_uuid(c->s, id, sizeof id));
	cJSON_AddStringToObject(o, "securable_type", "CATALOG");
	fw_uc_stamp(c, o);
	fw_coll_add(fw_coll_of(c->s, FW_CATALOGS), o);
	/* every new catalog gets these two, as in a real metastore */
	fw_uc_add_schema(c, name, "default", "Default schema (auto-created)", NULL);
	fw_uc_add_schema(c, name, "information_schema", "Information schema (auto-created)", "System user");
	c->mutated = 1;
	fw_reply(c, 200, uc_view(fw_coll_get(fw_coll_of(c->s, FW_CATALOGS), name), NULL));
}

static void sch_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	char name[300], cat[300], full[700];
	if (!b || need_name(c, b, "name", name, sizeof name) < 0 || need_name(c, b, "catalog_name", cat, sizeof cat) < 0 ||
	    check_owner(c, b) < 0)
		return;
	if (!fw_coll_get(fw_coll_of(c->s, FW_CATALOGS), cat)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Catalog '%s' does not exist.", cat);
		return;
	}
	snprintf(full, sizeof full, "%s.%s", cat, name);
	if (fw_coll_get(fw_coll_of(c->s, FW_SCHEMAS), full)) {
		fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "Schema '%s' already exists.", full);
		return;
	}
	const char *root = fw_str(b, "storage_root");
	if (root && fw_uc_check_location(c, root, "storage_root") < 0)
		return;
	fw_uc_add_schema(c, cat, name, fw_str(b, "comment"), fw_str(b, "owner"));
	cJSON *o = fw_coll_get(fw_coll_of(c->s, FW_SCHEMAS), full);
	const cJSON *p = cJSON_GetObjectItemCaseSensitive(b, "properties");
	if (cJSON_IsObject(p))
		cJSON_AddItemToObject(o, "properties", cJSON_Duplicate(p, 1));
	if (root) {
		cJSON_AddStringToObject(o, "storage_root", root);
		cJSON_AddStringToObject(o, "storage_location", root);
	}
	c->mutated = 1;
	fw_reply(c, 200, uc_view(o, NULL));
}

static void vol_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	char name[300], cat[300], sch[300], sfull[700], full[1024];
	if (!b || need_name(c, b, "name", name, sizeof name) < 0 || need_name(c, b, "catalog_name", cat, sizeof cat) < 0 ||
	    need_name(c, b, "schema_name", sch, sizeof sch) < 0 || check_owner(c, b) < 0)
		return;
	snprintf(sfull, sizeof sfull, "%s.%s", cat, sch);
	if (!fw_coll_get(fw_coll_of(c->s, FW_SCHEMAS), sfull)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Schema '%s' does not exist.", sfull);
		return;
	}
	snprintf(full, sizeof full, "%s.%s", sfull, name);
	if (fw_coll_get(fw_coll_of(c->s, FW_VOLUMES), full)) {
		fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "Volume '%s' already exists.", full);
		return;
	}
	const char *vt = fw_str(b, "volume_type"), *sl = fw_str(b, "storage_location");
	if (!vt || (strcmp(vt, "MANAGED") && strcmp(vt, "EXTERNAL"))) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "volume_type: expected MANAGED or EXTERNAL, got %s", vt ? vt : "(missing)");
		return;
	}
	if (strcmp(vt, "MANAGED") == 0 && sl) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "storage_location cannot be set for a MANAGED volume");
		return;
	}
	if (strcmp(vt, "EXTERNAL") == 0 && (!sl || fw_uc_check_location(c, sl, "storage_location") < 0)) {
		if (!sl)
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: storage_location (EXTERNAL volume)");
		return;
	}
	cJSON *o = base_obj(c, b, name);
	char id[48];
	cJSON_AddStringToObject(o, "catalog_name", cat);
	cJSON_AddStringToObject(o, "schema_name", sch);
	cJSON_AddStringToObject(o, "full_name", full);
	cJSON_AddStringToObject(o, "volume_type", vt);
	fw_uuid(c->s, id, sizeof id);
	if (sl) {
		cJSON_AddStringToObject(o, "storage_location", sl);
	} else {
		char loc[1200];
		snprintf(loc, sizeof loc, "%s/metastore/%s/volumes/%s",
			 c->s->cloud == FW_AWS ? "s3://fake-metastore-root" :
			 c->s->cloud == FW_GCP ? "gs://fake-metastore-root" :
			 "abfss://metastore@fakemetastore.dfs.core.windows.net", metastore_id(c->s), id);
		cJSON_AddStringToObject(o, "storage_location", loc);
	}
	cJSON_AddStringToObject(o, "volume_id", id);
	fw_uc_stamp(c, o);
	fw_coll_add(fw_coll_of(c->s, FW_VOLUMES), o);
	c->mutated = 1;
	fw_reply(c, 200, uc_view(fw_coll_get(fw_coll_of(c->s, FW_VOLUMES), full), NULL));
}

static void loc_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	char name[300];
	if (!b || need_name(c, b, "name", name, sizeof name) < 0 || check_owner(c, b) < 0)
		return;
	const char *url = fw_need_str(c, b, "url", NULL);
	const char *cred = url ? fw_need_str(c, b, "credential_name", NULL) : NULL;
	if (!cred || fw_check_storage_url(c, url, "url", 0) < 0)
		return;
	if (fw_coll_get(fw_coll_of(c->s, FW_EXTLOCS), name)) {
		fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "External Location '%s' already exists.", name);
		return;
	}
	if (!fw_coll_get(fw_coll_of(c->s, FW_CREDS), cred)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Storage Credential '%s' does not exist.", cred);
		return;
	}
	fw_coll *locs = fw_coll_of(c->s, FW_EXTLOCS);
	for (size_t i = 0; i < locs->n; i++) {
		const char *lu = fw_str(locs->items[i], "url");
		if (lu && (covers(lu, url) || covers(url, lu))) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "url: %s overlaps with external location '%s' (%s)", url,
				 fw_str(locs->items[i], "name"), lu);
			return;
		}
	}
	cJSON *o = base_obj(c, b, name);
	char id[48];
	cJSON_AddStringToObject(o, "url", url);
	cJSON_AddStringToObject(o, "credential_name", cred);
	cJSON_AddStringToObject(o, "credential_id", fw_str(fw_coll_get(fw_coll_of(c->s, FW_CREDS), cred), "id") ?
				fw_str(fw_coll_get(fw_coll_of(c->s, FW_CREDS), cred), "id") : "");
	cJSON_AddBoolToObject(o, "read_only", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "read_only")));
	cJSON_AddStringToObject(o, "id", fw_uuid(c->s, id, sizeof id));
	fw_uc_stamp(c, o);
	fw_coll_add(locs, o);
	c->mutated = 1;
	fw_reply(c, 200, uc_view(fw_coll_get(locs, name), NULL));
}

static int match_prefix(const char *s, const char *p)
{
	return s && strncmp(s, p, strlen(p)) == 0;
}

/* Exactly one identity block, the one this cloud supports. */
static int check_identity(fw_ctx *c, const cJSON *b)
{
	static const char *const blocks[] = {"azure_managed_identity", "azure_service_principal", "aws_iam_role",
					     "databricks_gcp_service_account", "cloudflare_api_token"};
	const char *given = NULL;
	int n = 0;
	for (size_t i = 0; i < sizeof blocks / sizeof *blocks; i++)
		if (cJSON_GetObjectItemCaseSensitive(b, blocks[i])) {
			given = blocks[i];
			n++;
		}
	if (n != 1) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "exactly one of %s must be set (%d given)",
			 c->s->cloud == FW_AWS ? "aws_iam_role" : c->s->cloud == FW_AZURE ?
			 "azure_managed_identity, azure_service_principal" : "databricks_gcp_service_account", n);
		return -1;
	}
	int ok = c->s->cloud == FW_AWS ? strcmp(given, "aws_iam_role") == 0 :
		 c->s->cloud == FW_AZURE ? strncmp(given, "azure_", 6) == 0 :
		 strcmp(given, "databricks_gcp_service_account") == 0;
	if (!ok) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "%s is not supported on a %s workspace", given, fw_cloud_name(c->s->cloud));
		return -1;
	}
	const cJSON *blk = cJSON_GetObjectItemCaseSensitive(b, given);
	if (strcmp(given, "aws_iam_role") == 0) {
		const char *arn = fw_str(blk, "role_arn");
		if (!match_prefix(arn, "arn:aws:iam::") || !strstr(arn, ":role/")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "aws_iam_role.role_arn: '%s' is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
				 arn ? arn : "(missing)");
			return -1;
		}
	} else if (strcmp(given, "azure_managed_identity") == 0) {
		const char *ac = fw_str(blk, "access_connector_id");
		if (!match_prefix(ac, "/subscriptions/") || !strstr(ac, "/providers/Microsoft.Databricks/accessConnectors/")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "azure_managed_identity.access_connector_id: '%s' is not an access connector resource id "
				 "(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.Databricks/accessConnectors/<name>)",
				 ac ? ac : "(missing)");
			return -1;
		}
	} else if (strcmp(given, "azure_service_principal") == 0) {
		if (!fw_str(blk, "directory_id") || !fw_str(blk, "application_id") || !fw_str(blk, "client_secret")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "azure_service_principal needs directory_id, application_id and client_secret");
			return -1;
		}
	}
	return 0;
}

static void cred_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	char name[300];
	if (!b || need_name(c, b, "name", name, sizeof name) < 0 || check_owner(c, b) < 0 || check_identity(c, b) < 0)
		return;
	if (fw_coll_get(fw_coll_of(c->s, FW_CREDS), name)) {
		fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "Storage Credential '%s' already exists.", name);
		return;
	}
	cJSON *o = base_obj(c, b, name);
	char id[48];
	const cJSON *f;
	cJSON_ArrayForEach(f, b)
		if (cJSON_IsObject(f) && (strncmp(f->string, "azure_", 6) == 0 || strncmp(f->string, "aws_", 4) == 0 ||
					  strncmp(f->string, "databricks_gcp", 14) == 0))
			cJSON_AddItemToObject(o, f->string, cJSON_Duplicate(f, 1));
	cJSON *role = cJSON_GetObjectItemCaseSensitive(o, "aws_iam_role");
	if (role) {
		cJSON_AddStringToObject(role, "external_id", fw_uuid(c->s, id, sizeof id));
		cJSON_AddStringToObject(role, "unity_catalog_iam_arn",
					"arn:aws:iam::414351767826:role/unity-catalog-prod-UCMasterRole-14S5ZJVKOTYTL");
	}
	cJSON *mi = cJSON_GetObjectItemCaseSensitive(o, "azure_managed_identity");
	if (mi)
		cJSON_AddStringToObject(mi, "credential_id", fw_uuid(c->s, id, sizeof id));
	cJSON_AddBoolToObject(o, "read_only", cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "read_only")));
	cJSON_AddStringToObject(o, "id", fw_uuid(c->s, id, sizeof id));
	fw_uc_stamp(c, o);
	fw_coll_add(fw_coll_of(c->s, FW_CREDS), o);
	c->mutated = 1;
	fw_reply(c, 200, uc_view(fw_coll_get(fw_coll_of(c->s, FW_CREDS), name), NULL));
}

/* POST tables: the public-preview create, which (like the real one) makes
 * EXTERNAL DELTA tables only; everything else is created by SQL. */
static void tab_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	char name[300], cat[300], sch[300], sfull[700], full[1024];
	if (!b || need_name(c, b, "name", name, sizeof name) < 0 || need_name(c, b, "catalog_name", cat, sizeof cat) < 0 ||
	    need_name(c, b, "schema_name", sch, sizeof sch) < 0 || check_owner(c, b) < 0)
		return;
	const char *tt = fw_str(b, "table_type"), *fmt = fw_str(b, "data_source_format"), *sl = fw_str(b, "storage_location");
	if (!tt || strcmp(tt, "EXTERNAL") != 0 || !fmt || strcmp(fmt, "DELTA") != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "This API creates only table_type EXTERNAL with data_source_format DELTA (got %s, %s): create other tables with SQL",
			 tt ? tt : "(none)", fmt ? fmt : "(none)");
		return;
	}
	snprintf(sfull, sizeof sfull, "%s.%s", cat, sch);
	if (!fw_coll_get(fw_coll_of(c->s, FW_SCHEMAS), sfull)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Schema '%s' does not exist.", sfull);
		return;
	}
	snprintf(full, sizeof full, "%s.%s", sfull, name);
	if (fw_coll_get(fw_coll_of(c->s, FW_TABLES), full)) {
		fw_error(c, 409, "RESOURCE_ALREADY_EXISTS", "Table '%s' already exists.", full);
		return;
	}
	if (!sl) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: storage_location");
		return;
	}
	if (fw_uc_check_location(c, sl, "storage_location") < 0)
		return;
	const cJSON *cols = cJSON_GetObjectItemCaseSensitive(b, "columns"), *e;
	int i = 0;
	if (cols && !cJSON_IsArray(cols)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "columns must be an array");
		return;
	}
	cJSON_ArrayForEach(e, cols) {
		if (!fw_str(e, "name") || !fw_str(e, "type_text") || !fw_str(e, "type_name")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "columns[%d]: name, type_text and type_name are required", i);
			return;
		}
		i++;
	}
	cJSON *o = base_obj(c, b, name);
	char id[48];
	cJSON_AddStringToObject(o, "catalog_name", cat);
	cJSON_AddStringToObject(o, "schema_name", sch);
	cJSON_AddStringToObject(o, "full_name", full);
	cJSON_AddStringToObject(o, "table_type", "EXTERNAL");
	cJSON_AddStringToObject(o, "data_source_format", "DELTA");
	cJSON_AddItemToObject(o, "columns", cols ? cJSON_Duplicate(cols, 1) : cJSON_CreateArray());
	cJSON_AddStringToObject(o, "storage_location", sl);
	cJSON_AddStringToObject(o, "table_id", fw_uuid(c->s, id, sizeof id));
	fw_uc_stamp(c, o);
	fw_coll_add(fw_coll_of(c->s, FW_TABLES), o);
	c->mutated = 1;
	fw_reply(c, 200, uc_view(fw_coll_get(fw_coll_of(c->s, FW_TABLES), full), NULL));
}

/* ---- grants ---- */

struct secdef {
	const char *type;
	int coll;
	const char *const privs[20];
};

static const struct secdef secs[] = {
	{"catalog", FW_CATALOGS, {"ALL_PRIVILEGES", "USE_CATALOG", "USE_SCHEMA", "CREATE_SCHEMA", "CREATE_TABLE",
				  "CREATE_VOLUME", "CREATE_FUNCTION", "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "SELECT",
				  "MODIFY", "READ_VOLUME", "WRITE_VOLUME", "EXECUTE", "APPLY_TAG", "BROWSE", "REFRESH", "MANAGE"}},
	{"schema", FW_SCHEMAS, {"ALL_PRIVILEGES", "USE_SCHEMA", "CREATE_TABLE", "CREATE_VOLUME", "CREATE_FUNCTION",
				"CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "SELECT", "MODIFY", "READ_VOLUME", "WRITE_VOLUME",
				"EXECUTE", "APPLY_TAG", "REFRESH", "MANAGE"}},
	{"table", FW_TABLES, {"ALL_PRIVILEGES", "SELECT", "MODIFY", "APPLY_TAG", "REFRESH", "MANAGE"}},
	{"volume", FW_VOLUMES, {"ALL_PRIVILEGES", "READ_VOLUME", "WRITE_VOLUME", "APPLY_TAG", "MANAGE"}},
	{"external_location", FW_EXTLOCS, {"ALL_PRIVILEGES", "CREATE_EXTERNAL_TABLE", "CREATE_EXTERNAL_VOLUME",
					   "CREATE_MANAGED_STORAGE", "READ_FILES", "WRITE_FILES", "BROWSE", "MANAGE"}},
	{"storage_credential", FW_CREDS, {"ALL_PRIVILEGES", "CREATE_EXTERNAL_LOCATION", "CREATE_EXTERNAL_TABLE",
					  "READ_FILES", "WRITE_FILES", "MANAGE"}},
};

static const struct secdef *secdef_of(fw_ctx *c, char *type_lc, size_t n)
{
	snprintf(type_lc, n, "%s", c->params[0]);
	for (char *p = type_lc; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	for (size_t i = 0; i < sizeof secs / sizeof *secs; i++)
		if (strcmp(secs[i].type, type_lc) == 0)
			return &secs[i];
	fw_error(c, 400, "INVALID_PARAMETER_VALUE", "securable_type: '%s' is not a securable type (catalog, schema, table, volume, external_location, storage_credential)",
		 c->params[0]);
	return NULL;
}

/* The grants object of the securable in the route; NULL and a reply when
 * the securable does not exist. *STORED gets the stored assignments. */
static const struct secdef *grant_target(fw_ctx *c, char *full, size_t n, cJSON **stored)
{
	char tl[64];
	const struct secdef *d = secdef_of(c, tl, sizeof tl);
	if (!d)
		return NULL;
	snprintf(full, n, "%s", c->params[1]);
	for (char *p = full; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p + 32);
	if (!fw_coll_get(fw_coll_of(c->s, d->coll), full)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "%s '%s' does not exist.", d->type, c->params[1]);
		return NULL;
	}
	char key[1200];
	snprintf(key, sizeof key, "%s/%s", d->type, full);
	*stored = fw_coll_get(fw_coll_of(c->s, FW_GRANTS), key);
	return d;
}

static cJSON *grants_reply(const cJSON *stored, const char *principal)
{
	cJSON *r = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(r, "privilege_assignments"), *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(stored, "privilege_assignments")) {
		const char *p = fw_str(e, "principal");
		if (principal && (!p || strcmp(p, principal) != 0))
			continue;
		cJSON_AddItemToArray(arr, cJSON_Duplicate(e, 1));
	}
	return r;
}

static void grants_get(fw_ctx *c)
{
	char full[1024];
	cJSON *stored = NULL;
	if (grant_target(c, full, sizeof full, &stored))
		fw_reply(c, 200, grants_reply(stored, fw_query(c, "principal")));
}

static int priv_ok(const struct secdef *d, const char *p)
{
	for (size_t i = 0; p && i < 20 && d->privs[i]; i++)
		if (strcmp(d->privs[i], p) == 0)
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(cJSON_GetStringValue(*(cJSON *const *)a), cJSON_GetStringValue(*(cJSON *const *)b));
}

/* Sorts the privileges of one assignment so replies are stable. */
static void sort_privs(cJSON *privs)
{
	int n = cJSON_GetArraySize(privs);
	if (n < 2)
		return;
	cJSON **v = malloc((size_t)n * sizeof *v);
	if (!v)
		return;
	for (int i = 0; i < n; i++)
		v[i] = cJSON_DetachItemFromArray(privs, 0);
	qsort(v, (size_t)n, sizeof *v, cmp_str);
	for (int i = 0; i < n; i++)
		cJSON_AddItemToArray(privs, v[i]);
	free(v);
}

static void grants_patch(fw_ctx *c)
{
	char full[1024];
	cJSON *stored = NULL, *b = fw_body(c);
	const struct secdef *d = b ? grant_target(c, full, sizeof full, &stored) : NULL;
	if (!d)
		return;
	const cJSON *changes = cJSON_GetObjectItemCaseSensitive(b, "changes"), *ch;
	if (!cJSON_IsArray(changes)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: changes");
		return;
	}
	int i = 0;
	cJSON_ArrayForEach(ch, changes) {
		const char *p = fw_str(ch, "principal");
		if (!p) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "changes[%d]: Missing required field: principal", i);
			return;
		}
		if (!principal_exists(c->s, p)) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "changes[%d]: Could not find principal with name %s", i, p);
			return;
		}
		static const char *const ops[] = {"add", "remove"};
		for (size_t k = 0; k < 2; k++) {
			const cJSON *list = cJSON_GetObjectItemCaseSensitive(ch, ops[k]), *x;
			if (list && !cJSON_IsArray(list)) {
				fw_error(c, 400, "INVALID_PARAMETER_VALUE", "changes[%d].%s must be an array of privileges", i, ops[k]);
				return;
			}
			cJSON_ArrayForEach(x, list)
				if (!cJSON_IsString(x) || !priv_ok(d, x->valuestring)) {
					fw_error(c, 400, "INVALID_PARAMETER_VALUE", "changes[%d].%s: Privilege %s is not applicable to this entity [%s:%s]",
						 i, ops[k], cJSON_IsString(x) ? x->valuestring : "(not a string)", d->type, full);
					return;
				}
		}
		i++;
	}
	fw_coll *g = fw_coll_of(c->s, FW_GRANTS);
	if (!stored) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "securable_type", d->type);
		cJSON_AddStringToObject(o, "full_name", full);
		cJSON_AddArrayToObject(o, "privilege_assignments");
		fw_coll_add(g, o);
		char key[1200];
		snprintf(key, sizeof key, "%s/%s", d->type, full);
		stored = fw_coll_get(g, key);
	}
	cJSON *pas = cJSON_GetObjectItemCaseSensitive(stored, "privilege_assignments");
	cJSON_ArrayForEach(ch, changes) {
		const char *p = fw_str(ch, "principal");
		cJSON *pa = NULL, *e;
		int idx = 0, at = -1;
		cJSON_ArrayForEach(e, pas) {
			if (fw_str(e, "principal") && strcmp(fw_str(e, "principal"), p) == 0) {
				pa = e;
				at = idx;
			}
			idx++;
		}
		if (!pa) {
			pa = cJSON_CreateObject();
			cJSON_AddStringToObject(pa, "principal", p);
			cJSON_AddArrayToObject(pa, "privileges");
			cJSON_AddItemToArray(pas, pa);
			at = cJSON_GetArraySize(pas) - 1;
		}
		cJSON *privs = cJSON_GetObjectItemCaseSensitive(pa, "privileges"), *x;
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ch, "remove"))
			for (int k = cJSON_GetArraySize(privs) - 1; k >= 0; k--)
				if (strcmp(cJSON_GetStringValue(cJSON_GetArrayItem(privs, k)), x->valuestring) == 0)
					cJSON_DeleteItemFromArray(privs, k);
		cJSON_ArrayForEach(x, cJSON_GetObjectItemCaseSensitive(ch, "add")) {
			int have = 0;
			cJSON *y;
			cJSON_ArrayForEach(y, privs)
				if (strcmp(y->valuestring, x->valuestring) == 0)
					have = 1;
			if (!have)
				cJSON_AddItemToArray(privs, cJSON_CreateString(x->valuestring));
		}
		sort_privs(privs);
		if (cJSON_GetArraySize(privs) == 0)
			cJSON_DeleteItemFromArray(pas, at);
	}
	c->mutated = 1;
	fw_reply(c, 200, grants_reply(stored, NULL));
}

#define UC_HANDLERS(name, kind)                                               \
	static void name##_list(fw_ctx *c) { uc_list(c, &kind); }             \
	static void name##_get(fw_ctx *c) { uc_get(c, &kind); }               \
	static void name##_update(fw_ctx *c) { uc_update(c, &kind); }         \
	static void name##_delete(fw_ctx *c) { uc_delete(c, &kind); }

UC_HANDLERS(cat, K_CAT)
UC_HANDLERS(sch, K_SCH)
UC_HANDLERS(vol, K_VOL)
UC_HANDLERS(loc, K_LOC)
UC_HANDLERS(cred, K_CRED)

static void tab_list(fw_ctx *c) { uc_list(c, &K_TAB); }
static void tab_get(fw_ctx *c) { uc_get(c, &K_TAB); }
static void tab_delete(fw_ctx *c) { uc_delete(c, &K_TAB); }
/* PATCH tables/{full_name}: the API changes a table's owner only. */
static void tab_update(fw_ctx *c)
{
	cJSON *b = fw_body(c), *f;
	if (!b)
		return;
	cJSON_ArrayForEach(f, b)
		if (strcmp(f->string, "owner") != 0 && strcmp(f->string, "full_name") != 0) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "%s: a table's owner is the only field this API updates (ALTER TABLE changes the rest)",
				 f->string);
			return;
		}
	uc_update(c, &K_TAB);
}

#define UC_ROUTES(seg, name)                                          \
	{"GET", UC "/" seg, name##_list},                             \
	{"POST", UC "/" seg, name##_create},                          \
	{"GET", UC "/" seg "/{name}", name##_get},                    \
	{"PATCH", UC "/" seg "/{name}", name##_update},               \
	{"DELETE", UC "/" seg "/{name}", name##_delete}

const fw_route fw_uc_routes[] = {
	UC_ROUTES("catalogs", cat),
	UC_ROUTES("schemas", sch),
	UC_ROUTES("volumes", vol),
	UC_ROUTES("external-locations", loc),
	UC_ROUTES("storage-credentials", cred),
	{"GET", UC "/tables", tab_list},
	{"POST", UC "/tables", tab_create},
	{"GET", UC "/tables/{name}", tab_get},
	{"PATCH", UC "/tables/{name}", tab_update},
	{"DELETE", UC "/tables/{name}", tab_delete},
	{"GET", UC "/permissions/{type}/{name}", grants_get},
	{"PATCH", UC "/permissions/{type}/{name}", grants_patch},
	{NULL, NULL, NULL},
};
