/* fw_secrets: secret scopes (Databricks- and Azure Key Vault-backed),
 * secrets (write-only over REST, as in the real API) and scope ACLs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fw_b64.h"
#include "fw_check.h"
#include "fw_http.h"
#include "fw_state.h"

#define MAX_SECRET (128 * 1024)
#define MAX_KEYS 1000

static int name_ok(const char *s, size_t max)
{
	size_t n = 0;
	if (!s || !*s)
		return 0;
	for (; s[n]; n++) {
		char ch = s[n];
		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		      ch == '_' || ch == '.'))
			return 0;
	}
	return n <= max;
}

static cJSON *find_scope(fw_ctx *c, const char *name)
{
	cJSON *o = name ? fw_coll_get(fw_coll_of(c->s, FW_SECRETS), name) : NULL;
	if (!name)
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: scope");
	else if (!o)
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Scope %s does not exist!", name);
	return o;
}

/* 1 when PRINCIPAL names a user, group or service principal here. */
static int principal_exists(fw_state *s, const char *p)
{
	if (strcmp(p, "users") == 0 || strcmp(p, "admins") == 0)
		return 1;
	if (fw_coll_by_key(fw_coll_of(s, FW_USERS), p) || fw_coll_by_key(fw_coll_of(s, FW_GROUPS), p) ||
	    fw_coll_by_key(fw_coll_of(s, FW_SPS), p))
		return 1;
	return 0;
}

static void scopes_create(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	if (!b)
		return;
	const char *name = fw_str(b, "scope");
	const char *backend = fw_str(b, "scope_backend_type");
	const char *imp = fw_str(b, "initial_manage_principal");
	const cJSON *kv = cJSON_GetObjectItemCaseSensitive(b, "backend_azure_keyvault");
	if (!name_ok(name, 128)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "Scope name '%s' is invalid: use letters, digits, '-', '_' and '.', at most 128 characters",
			 name ? name : "");
		return;
	}
	if (!backend)
		backend = "DATABRICKS";
	if (strcmp(backend, "DATABRICKS") && strcmp(backend, "AZURE_KEYVAULT")) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid scope_backend_type: %s", backend);
		return;
	}
	if (strcmp(backend, "AZURE_KEYVAULT") == 0) {
		if (c->s->cloud != FW_AZURE) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "Azure KeyVault-backed secret scopes are not supported on a %s workspace",
				 fw_cloud_name(c->s->cloud));
			return;
		}
		if (!fw_str(kv, "resource_id") || !fw_str(kv, "dns_name")) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE",
				 "backend_azure_keyvault needs resource_id and dns_name for an AZURE_KEYVAULT scope");
			return;
		}
	}
	if (imp && strcmp(imp, "users") != 0) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "initial_manage_principal must be 'users' when given, not '%s'", imp);
		return;
	}
	if (fw_coll_get(fw_coll_of(c->s, FW_SECRETS), name)) {
		fw_error(c, 400, "RESOURCE_ALREADY_EXISTS", "Scope %s already exists!", name);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", name);
	cJSON_AddStringToObject(o, "backend_type", backend);
	if (kv) {
		cJSON *m = cJSON_AddObjectToObject(o, "keyvault_metadata");
		cJSON_AddStringToObject(m, "resource_id", fw_str(kv, "resource_id"));
		cJSON_AddStringToObject(m, "dns_name", fw_str(kv, "dns_name"));
	}
	cJSON_AddArrayToObject(o, "keys");
	cJSON *acls = cJSON_AddArrayToObject(o, "acls"), *a = cJSON_CreateObject();
	cJSON_AddStringToObject(a, "principal", imp ? imp : c->user);
	cJSON_AddStringToObject(a, "permission", "MANAGE");
	cJSON_AddItemToArray(acls, a);
	fw_coll_add(fw_coll_of(c->s, FW_SECRETS), o);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void scopes_list(fw_ctx *c)
{
	fw_coll *col = fw_coll_of(c->s, FW_SECRETS);
	cJSON *r = cJSON_CreateObject();
	if (col->n) {
		cJSON *arr = cJSON_AddArrayToObject(r, "scopes");
		for (size_t i = 0; i < col->n; i++) {
			cJSON *e = cJSON_CreateObject();
			cJSON_AddStringToObject(e, "name", fw_str(col->items[i], "name"));
			cJSON_AddStringToObject(e, "backend_type", fw_str(col->items[i], "backend_type") ?
									 fw_str(col->items[i], "backend_type") : "DATABRICKS");
			const cJSON *m = cJSON_GetObjectItemCaseSensitive(col->items[i], "keyvault_metadata");
			if (m)
				cJSON_AddItemToObject(e, "keyvault_metadata", cJSON_Duplicate(m, 1));
			cJSON_AddItemToArray(arr, e);
		}
	}
	fw_reply(c, 200, r);
}

static void scopes_delete(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	cJSON *o = b ? find_scope(c, fw_str(b, "scope")) : NULL;
	if (!o)
		return;
	char name[256];
	snprintf(name, sizeof name, "%s", fw_str(o, "name"));
	fw_coll_del(fw_coll_of(c->s, FW_SECRETS), name);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static cJSON *keys_of(cJSON *scope)
{
	cJSON *k = cJSON_GetObjectItemCaseSensitive(scope, "keys");
	if (!cJSON_IsArray(k)) {
		cJSON_DeleteItemFromObjectCaseSensitive(scope, "keys");
		k = cJSON_AddArrayToObject(scope, "keys");
	}
	return k;
}

static int find_entry(const cJSON *arr, const char *field, const char *val)
{
	int i = 0;
	const cJSON *e;
	cJSON_ArrayForEach(e, arr) {
		if (fw_str(e, field) && strcmp(fw_str(e, field), val) == 0)
			return i;
		i++;
	}
	return -1;
}

static void secrets_put(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	cJSON *sc = b ? find_scope(c, fw_str(b, "scope")) : NULL;
	if (!sc)
		return;
	const char *key = fw_str(b, "key");
	const char *sv = fw_str(b, "string_value"), *bv = fw_str(b, "bytes_value");
	if (!name_ok(key, 128)) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE",
			 "Secret key '%s' is invalid: use letters, digits, '-', '_' and '.', at most 128 characters",
			 key ? key : "");
		return;
	}
	if (strcmp(fw_str(sc, "backend_type") ? fw_str(sc, "backend_type") : "", "AZURE_KEYVAULT") == 0) {
		fw_error(c, 400, "BAD_REQUEST", "Cannot write secrets to Azure KeyVault-backed scope %s", fw_str(sc, "name"));
		return;
	}
	if (!!sv == !!bv) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Exactly one of string_value and bytes_value must be given");
		return;
	}
	size_t len = sv ? strlen(sv) : 0;
	if (bv) {
		unsigned char *d = fw_b64_decode(bv, &len);
		if (!d) {
			fw_error(c, 400, "INVALID_PARAMETER_VALUE", "bytes_value is not valid base64");
			return;
		}
		free(d);
	}
	if (len > MAX_SECRET) {
		fw_error(c, 400, "MAX_SECRET_SIZE_EXCEEDED", "Secret %s exceeds the maximum size of %d bytes", key, MAX_SECRET);
		return;
	}
	cJSON *keys = keys_of(sc);
	int at = find_entry(keys, "key", key);
	if (at < 0 && cJSON_GetArraySize(keys) >= MAX_KEYS) {
		fw_error(c, 400, "MAX_SECRETS_PER_SCOPE_EXCEEDED", "Scope %s already holds %d secrets", fw_str(sc, "name"), MAX_KEYS);
		return;
	}
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "key", key);
	cJSON_AddStringToObject(e, "value", sv ? sv : bv);
	if (bv)
		cJSON_AddBoolToObject(e, "is_bytes", 1);
	cJSON_AddNumberToObject(e, "last_updated_timestamp", (double)fw_now_ms());
	if (at >= 0)
		cJSON_ReplaceItemInArray(keys, at, e);
	else
		cJSON_AddItemToArray(keys, e);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void secrets_list(fw_ctx *c)
{
	cJSON *sc = find_scope(c, fw_query(c, "scope"));
	if (!sc)
		return;
	cJSON *r = cJSON_CreateObject(), *arr = NULL;
	const cJSON *e;
	cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(sc, "keys")) {
		if (!arr)
			arr = cJSON_AddArrayToObject(r, "secrets");
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "key", fw_str(e, "key") ? fw_str(e, "key") : "");
		const cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "last_updated_timestamp");
		/* seeded keys without a time get a fixed one, so lists are stable */
		cJSON_AddNumberToObject(o, "last_updated_timestamp", cJSON_IsNumber(ts) ? ts->valuedouble : 1700000000000.0);
		cJSON_AddItemToArray(arr, o);
	}
	fw_reply(c, 200, r);
}

static void secrets_delete(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	cJSON *sc = b ? find_scope(c, fw_str(b, "scope")) : NULL;
	if (!sc)
		return;
	const char *key = fw_str(b, "key");
	cJSON *keys = keys_of(sc);
	int at = key ? find_entry(keys, "key", key) : -1;
	if (at < 0) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Secret %s does not exist in scope %s.", key ? key : "(missing)",
			 fw_str(sc, "name"));
		return;
	}
	cJSON_DeleteItemFromArray(keys, at);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void secrets_get(fw_ctx *c)
{
	fw_error(c, 403, "PERMISSION_DENIED",
		 "Secret values cannot be read over the REST API: read them from a notebook or job with dbutils.secrets");
}

static cJSON *acls_of(cJSON *scope)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(scope, "acls");
	if (!cJSON_IsArray(a)) {
		cJSON_DeleteItemFromObjectCaseSensitive(scope, "acls");
		a = cJSON_AddArrayToObject(scope, "acls");
	}
	return a;
}

static void acls_put(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	cJSON *sc = b ? find_scope(c, fw_str(b, "scope")) : NULL;
	if (!sc)
		return;
	const char *p = fw_str(b, "principal"), *perm = fw_str(b, "permission");
	if (!p || !*p) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Missing required field: principal");
		return;
	}
	if (!perm || (strcmp(perm, "READ") && strcmp(perm, "WRITE") && strcmp(perm, "MANAGE"))) {
		fw_error(c, 400, "INVALID_PARAMETER_VALUE", "Invalid permission %s (READ, WRITE or MANAGE)", perm ? perm : "(missing)");
		return;
	}
	if (!principal_exists(c->s, p)) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "Principal %s does not exist", p);
		return;
	}
	cJSON *acls = acls_of(sc);
	int at = find_entry(acls, "principal", p);
	cJSON *e = cJSON_CreateObject();
	cJSON_AddStringToObject(e, "principal", p);
	cJSON_AddStringToObject(e, "permission", perm);
	if (at >= 0)
		cJSON_ReplaceItemInArray(acls, at, e);
	else
		cJSON_AddItemToArray(acls, e);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

static void acls_get(fw_ctx *c)
{
	cJSON *sc = find_scope(c, fw_query(c, "scope"));
	if (!sc)
		return;
	const char *p = fw_query(c, "principal");
	int at = p ? find_entry(acls_of(sc), "principal", p) : -1;
	if (at < 0) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "No ACL for principal %s in scope %s", p ? p : "(missing)",
			 fw_str(sc, "name"));
		return;
	}
	fw_reply(c, 200, cJSON_Duplicate(cJSON_GetArrayItem(acls_of(sc), at), 1));
}

static void acls_list(fw_ctx *c)
{
	cJSON *sc = find_scope(c, fw_query(c, "scope"));
	if (!sc)
		return;
	cJSON *r = cJSON_CreateObject();
	if (cJSON_GetArraySize(acls_of(sc)))
		cJSON_AddItemToObject(r, "items", cJSON_Duplicate(acls_of(sc), 1));
	fw_reply(c, 200, r);
}

static void acls_delete(fw_ctx *c)
{
	cJSON *b = fw_body(c);
	cJSON *sc = b ? find_scope(c, fw_str(b, "scope")) : NULL;
	if (!sc)
		return;
	const char *p = fw_str(b, "principal");
	int at = p ? find_entry(acls_of(sc), "principal", p) : -1;
	if (at < 0) {
		fw_error(c, 404, "RESOURCE_DOES_NOT_EXIST", "No ACL for principal %s in scope %s", p ? p : "(missing)",
			 fw_str(sc, "name"));
		return;
	}
	cJSON_DeleteItemFromArray(acls_of(sc), at);
	c->mutated = 1;
	fw_reply(c, 200, NULL);
}

const fw_route fw_secrets_routes[] = {
	{"POST", "/api/2.0/secrets/scopes/create", scopes_create},
	{"GET", "/api/2.0/secrets/scopes/list", scopes_list},
	{"POST", "/api/2.0/secrets/scopes/delete", scopes_delete},
	{"POST", "/api/2.0/secrets/put", secrets_put},
	{"GET", "/api/2.0/secrets/list", secrets_list},
	{"POST", "/api/2.0/secrets/delete", secrets_delete},
	{"GET", "/api/2.0/secrets/get", secrets_get},
	{"POST", "/api/2.0/secrets/acls/put", acls_put},
	{"GET", "/api/2.0/secrets/acls/get", acls_get},
	{"GET", "/api/2.0/secrets/acls/list", acls_list},
	{"POST", "/api/2.0/secrets/acls/delete", acls_delete},
	{NULL, NULL, NULL},
};
