/* Unit tests of the kinds registry (src/kinds.c): lookups, the --only /
 * --skip parser and its messages, key/id extraction (ids above 2^40),
 * registry invariants (every reference names a kind, paging schemes have
 * what they need), the cluster skip rule, the Key Vault note, and the
 * cloud detection of export. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "export.h"
#include "kinds.h"

static const char *msg(const dbx_err *e)
{
	static char buf[2048];
	return err_str(e, buf, sizeof buf);
}

static void test_find(void **state)
{
	(void)state;
	const kind_def *j = kind_find("jobs");

	assert_non_null(j);
	assert_ptr_equal(j, kind_find("job"));
	assert_string_equal(kind_name(j), "jobs");
	assert_string_equal(kind_singular(j), "job");
	assert_ptr_equal(kind_find("notebook"), kind_find("workspace"));
	assert_ptr_equal(kind_find("directory"), kind_find("workspace"));
	assert_string_equal(kind_name(kind_find("secret_scope")), "secrets");
	assert_null(kind_find("job "));
	assert_null(kind_find(""));
	assert_null(kind_find(NULL));
	assert_int_equal(kind_index(kind_at(3)), 3);
	assert_null(kind_at(kind_count()));
}

/* Every kind CONTRACT.md names for --only is in the registry. */
static void test_contract_kinds(void **state)
{
	(void)state;
	const char *names[] = { "users", "groups", "service_principals", "instance_profiles",
		"cluster_policies", "instance_pools", "clusters", "jobs", "workspace", "repos",
		"secrets", "sql_warehouses", "queries", "dashboards", "alerts", "catalogs",
		"global_init_scripts" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const kind_def *k = kind_find(names[i]);
		assert_non_null(k);
		assert_string_equal(kind_name(k), names[i]);
		assert_true(kind_supported(k));	/* CONTRACT.md's list, fully */
	}
	assert_true(kind_count() <= 64);
	{
		kind_set s;
		dbx_err e = { 0 };
		assert_int_equal(kind_select("users,groups,service_principals,instance_profiles,"
					     "cluster_policies,instance_pools,clusters,jobs,workspace,repos,"
					     "secrets,sql_warehouses,queries,dashboards,alerts,catalogs,"
					     "global_init_scripts", NULL, &s, &e), 0);
		assert_true(kind_in(s, kind_index(kind_find("dashboards"))));
		assert_false(kind_in(s, kind_index(kind_find("sql_dashboards"))));	/* a kind of its own */
	}
}

static size_t idx(const char *name)
{
	return kind_index(kind_find(name));
}

/* Import order: what a kind refers to is created before it (a job may
 * refer to another job: that one is remapped in a second pass). */
static void test_invariants(void **state)
{
	(void)state;
	for (size_t i = 0; i < kind_count(); i++) {
		const kind_def *k = kind_at(i);
		assert_non_null(k->name);
		assert_non_null(k->singular);
		assert_non_null(k->key_field);
		assert_non_null(k->read_only);
		assert_non_null(k->refs);
		if (k->by_sql) {	/* read by SQL (src/hive.c): no REST list, no import entry */
			assert_null(k->list_path);
			assert_int_equal(k->imp.write, KIND_WRITE_NONE);
			continue;
		}
		assert_non_null(k->list_path);
		assert_non_null(k->list_field);
		assert_true(k->list_path[0] == '/');
		if (k->paging == KIND_PAGE_SCIM)
			assert_true(k->page_size > 0);
		if (k->get_path && !strstr(k->get_path, "{id}"))
			assert_non_null(k->get_param);
		if (!k->id_field)
			assert_true(k->key_unique);
		for (const kind_ref *r = k->refs; r->path; r++) {
			const kind_def *to = kind_find(r->kind);
			if (strcmp(r->kind, "principals") == 0 || strcmp(r->kind, "principal_names") == 0)
				continue;
			assert_non_null(to);
			assert_true(kind_index(to) <= i);
		}
		for (const kind_extra *x = k->extras; x && x->dest; x++) {
			assert_non_null(x->path);
			assert_non_null(x->from);
			if (x->whole) {	/* the value goes in the path */
				assert_non_null(strstr(x->path, "{id}"));
				continue;
			}
			if (strstr(x->path, "{id}")) {	/* in the path, an array from the reply */
				assert_non_null(x->field);
				continue;
			}
			assert_non_null(x->param);
			assert_non_null(x->field);
		}
	}
	assert_true(idx("users") < idx("groups"));
	assert_true(idx("service_principals") < idx("groups"));
	assert_true(idx("cluster_policies") < idx("clusters"));
	assert_true(idx("instance_pools") < idx("clusters"));
	assert_true(idx("clusters") < idx("jobs"));
	assert_true(idx("workspace") < idx("jobs"));
	assert_true(idx("sql_warehouses") < idx("jobs"));
	assert_true(idx("sql_warehouses") < idx("queries"));
	assert_true(idx("sql_warehouses") < idx("hive_metastore"));	/* its warehouse, by the journal */
	assert_true(idx("queries") < idx("alerts"));
	assert_true(idx("sql_warehouses") < idx("dashboards"));
	assert_true(idx("workspace") < idx("dashboards"));	/* parent folders */
	assert_true(idx("catalogs") < idx("pipelines"));	/* pipelines publish into one */
	assert_true(idx("pipelines") < idx("jobs"));
	assert_true(idx("alerts") < idx("jobs"));
	assert_true(idx("dashboards") < idx("jobs"));
	assert_true(kind_supported(kind_find("catalogs")));
	assert_true(kind_supported(kind_find("hive_metastore")));
	assert_true(kind_find("hive_metastore")->by_sql);
	assert_true(kind_supported(kind_find("jobs")));
}

static void test_select(void **state)
{
	(void)state;
	kind_set s;
	dbx_err e;

	assert_int_equal(kind_select(NULL, NULL, &s, &e), 0);
	assert_true(kind_in(s, idx("users")));
	assert_true(kind_in(s, idx("jobs")));
	assert_true(kind_in(s, idx("catalogs")));
	/* selected by default; export and import leave it out without a warehouse */
	assert_true(kind_in(s, idx("hive_metastore")));

	assert_int_equal(kind_select("jobs,users", NULL, &s, &e), 0);
	assert_true(kind_in(s, idx("jobs")) && kind_in(s, idx("users")));
	assert_false(kind_in(s, idx("groups")));

	assert_int_equal(kind_select(NULL, "workspace,secrets", &s, &e), 0);
	assert_false(kind_in(s, idx("workspace")));
	assert_false(kind_in(s, idx("secrets")));
	assert_true(kind_in(s, idx("clusters")));

	assert_int_equal(kind_select("jobs", "jobs", &s, &e), 0);
	assert_int_equal(s, 0);

	assert_int_equal(kind_select("hive_metastore", NULL, &s, &e), 0);
	assert_true(kind_in(s, idx("hive_metastore")));
	assert_false(kind_in(s, idx("jobs")));

	assert_int_equal(kind_select("jobs,clustres", NULL, &s, &e), -1);
	assert_int_equal(e.cls, ERR_USAGE);
	assert_non_null(strstr(msg(&e), "unknown kind 'clustres'"));
	assert_non_null(strstr(msg(&e), "did you mean clusters?"));

	assert_int_equal(kind_select(NULL, "zzzzzzzzzzzz", &s, &e), -1);
	assert_non_null(strstr(msg(&e), "--skip"));
	assert_non_null(strstr(msg(&e), "unknown kind 'zzzzzzzzzzzz'"));

	assert_int_equal(kind_select("users,,jobs", NULL, &s, &e), -1);
	assert_non_null(strstr(msg(&e), "empty kind name"));
	/* the singular is not an --only name */
	assert_int_equal(kind_select("job", NULL, &s, &e), -1);
}

static void test_keys(void **state)
{
	(void)state;
	const kind_def *j = kind_find("jobs"), *sec = kind_find("secrets");
	cJSON *o = cJSON_Parse("{\"job_id\": 1125899906842624, \"settings\": {\"name\": \"nightly\"}}");
	char b[64];

	assert_string_equal(kind_key_of(j, o, b, sizeof b), "nightly");
	assert_string_equal(kind_id_of(j, o, b, sizeof b), "1125899906842624");
	assert_null(kind_key_of(j, o, b, 4));	/* does not fit */
	assert_non_null(kind_get_path(o, "settings"));
	assert_null(kind_get_path(o, "settings.name.x"));
	assert_null(kind_get_path(o, "nope.name"));
	cJSON_Delete(o);

	o = cJSON_Parse("{\"name\": \"kv\", \"backend_type\": \"AZURE_KEYVAULT\"}");
	assert_string_equal(kind_id_of(sec, o, b, sizeof b), "kv");	/* no id: the key */
	sec->finish(o);
	assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(o, "manual")), "AZURE_KEYVAULT"));
	cJSON_Delete(o);
	/* no cloud name in C: any backend other than DATABRICKS is manual, named */
	o = cJSON_Parse("{\"name\": \"x\", \"backend_type\": \"SOME_CLOUD_VAULT\"}");
	sec->finish(o);
	assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(o, "manual")),
			       "SOME_CLOUD_VAULT-backed scope"));
	cJSON_Delete(o);
	o = cJSON_Parse("{\"name\": \"db\", \"backend_type\": \"DATABRICKS\"}");
	sec->finish(o);
	assert_null(cJSON_GetObjectItem(o, "manual"));
	cJSON_Delete(o);
}

static void test_cluster_skip(void **state)
{
	(void)state;
	const kind_def *c = kind_find("clusters");
	struct { const char *json; const char *why; } cases[] = {
		{ "{\"cluster_name\": \"shared\", \"cluster_source\": \"UI\"}", NULL },
		{ "{\"cluster_name\": \"x\", \"cluster_source\": \"JOB\"}", "job-run cluster" },
		{ "{\"cluster_name\": \"job-12-run-3\"}", "job-run cluster" },
		{ "{\"cluster_name\": \"dlt-execution-abc\"}", "DLT cluster" },
		{ "{\"cluster_name\": \"p\", \"cluster_source\": \"PIPELINE\"}", "DLT cluster" },
		{ "{\"cluster_name\": \"mlflow-model-m1\"}", "model-serving cluster" },
		{ "{\"cluster_name\": \"job-board\"}", NULL },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *o = cJSON_Parse(cases[i].json);
		const char *why = (c->skip)(o);	/* cmocka has a skip() macro */
		if (cases[i].why)
			assert_string_equal(why, cases[i].why);
		else
			assert_null(why);
		cJSON_Delete(o);
	}
}

static void test_ws_perm_type(void **state)
{
	(void)state;
	assert_string_equal(kind_ws_perm_type("NOTEBOOK"), "notebooks");
	assert_string_equal(kind_ws_perm_type("DIRECTORY"), "directories");
	assert_string_equal(kind_ws_perm_type("FILE"), "files");
	assert_null(kind_ws_perm_type("REPO"));
	assert_null(kind_ws_perm_type(NULL));
}

static void test_cloud_from_host(void **state)
{
	(void)state;
	assert_string_equal(export_cloud_from_host("https://adb-1.11.azuredatabricks.net"), "azure");
	assert_string_equal(export_cloud_from_host("https://ADB-1.11.AzureDatabricks.NET:443"), "azure");
	assert_string_equal(export_cloud_from_host("https://1.2.gcp.databricks.com"), "gcp");
	assert_string_equal(export_cloud_from_host("https://dbc-1.cloud.databricks.com"), "aws");
	/* a suffix match, not a substring one */
	assert_string_equal(export_cloud_from_host("https://azuredatabricks.net.evil.com"), "aws");
	assert_null(export_cloud_from_host("http://127.0.0.1:8080"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_contract_kinds),
		cmocka_unit_test(test_invariants),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_cluster_skip),
		cmocka_unit_test(test_ws_perm_type),
		cmocka_unit_test(test_cloud_from_host),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
