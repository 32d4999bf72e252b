/* Unit tests of the comparison engine (src/compare.c): each finding type
 * with its exact path, nulls, sets, keyed lists, e-mails, defaults,
 * references through the journal, settings errors, and record files that
 * are missing, empty or corrupt. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "compare.h"
#include "log.h"

/* Findings collected as "TYPE key path: expected -> actual" lines. */
typedef struct got {
	char text[8192];
	int n;
} got;

static int collect(void *ud, const cmp_finding *f)
{
	got *g = ud;
	size_t len = strlen(g->text);

	snprintf(g->text + len, sizeof g->text - len, "%s %s %s: %s -> %s\n", cmp_type_name(f->type),
		 f->key, f->path, f->expected ? f->expected : "-", f->actual ? f->actual : "-");
	g->n++;
	return 0;
}

static cmp *mk(const char *settings)
{
	cJSON *s = settings ? cJSON_Parse(settings) : NULL;
	dbx_err err;
	cmp *c;

	assert_true(!settings || s);
	c = cmp_new(s, "test.lua", &err);
	if (!c)
		fail_msg("cmp_new: %s", err.msg);
	cJSON_Delete(s);
	return c;
}

static long run(cmp *c, const char *kind, const char *e, const char *a, got *g)
{
	cJSON *je = cJSON_Parse(e), *ja = cJSON_Parse(a);
	long n;

	assert_non_null(je);
	assert_non_null(ja);
	memset(g, 0, sizeof *g);
	n = cmp_objects(c, kind, "k1", je, ja, collect, g);
	cJSON_Delete(je);
	cJSON_Delete(ja);
	return n;
}

static void equal_objects_give_nothing(void **state)
{
	cmp *c = mk(NULL);
	got g;

	(void)state;
	assert_int_equal(run(c, "jobs", "{\"a\":1,\"b\":[1,{\"c\":\"x\"}],\"d\":{\"e\":true}}",
			     "{\"d\":{\"e\":true},\"b\":[1,{\"c\":\"x\"}],\"a\":1.0}", &g), 0);
	assert_string_equal(g.text, "");
	cmp_free(c);
}

static void each_type_is_named_with_its_path(void **state)
{
	cmp *c = mk(NULL);
	got g;

	(void)state;
	assert_int_equal(run(c, "clusters",
			     "{\"node_type_id\":\"i3.xlarge\",\"num_workers\":2,\"gone\":1,"
			     "\"conf\":{\"spark.x\":\"1\"}}",
			     "{\"node_type_id\":\"m5.large\",\"num_workers\":\"2\",\"extra\":true,"
			     "\"conf\":{\"spark.x\":\"2\"}}", &g), 5);
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 node_type_id: \"i3.xlarge\" -> \"m5.large\"\n"));
	assert_non_null(strstr(g.text, "TYPE_MISMATCH k1 num_workers: 2 -> \"2\"\n"));
	assert_non_null(strstr(g.text, "MISSING_IN_TARGET k1 gone: 1 -> -\n"));
	assert_non_null(strstr(g.text, "UNEXPECTED_IN_TARGET k1 extra: - -> true\n"));
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 conf[\"spark.x\"]: \"1\" -> \"2\"\n"));
	cmp_free(c);
}

static void nulls_count_as_absent_and_never_crash(void **state)
{
	cmp *c = mk(NULL);
	got g;

	(void)state;
	assert_int_equal(run(c, "instance_profiles", "{\"iam\":null,\"a\":1}", "{\"a\":1}", &g), 0);
	assert_int_equal(run(c, "instance_profiles", "{\"iam\":null}", "{\"iam\":{\"x\":1}}", &g), 1);
	assert_non_null(strstr(g.text, "UNEXPECTED_IN_TARGET k1 iam: - -> {\"x\":1}"));
	assert_int_equal(run(c, "jobs", "null", "{\"a\":1}", &g), 1);
	assert_non_null(strstr(g.text, "TYPE_MISMATCH k1 : null -> {\"a\":1}"));
	assert_int_equal(run(c, "jobs", "[null,1]", "[null,2]", &g), 1);
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 [1]: 1 -> 2"));
	assert_int_equal(run(c, "jobs", "null", "null", &g), 0);
	cmp_free(c);
}

/* fuzz_compare found it: a "**" pattern tried at the top (an empty path,
 * before any step was ever pushed) offset the path's NULL array, which is
 * undefined behaviour (UBSan: "applying zero offset to null pointer"). */
static void deep_patterns_at_the_top(void **state)
{
	cmp *c = mk("{\"*\":{\"sets\":[\"**.all_permissions\"]},\"jobs\":{\"ignore\":[\"**.id\"]}}");
	got g;

	(void)state;
	assert_int_equal(run(c, "jobs", "[]", "{\"id\":1}", &g), 1);
	/* the id is ignored everywhere, the top included */
	assert_string_equal(g.text, "TYPE_MISMATCH k1 : [] -> {}\n");
	cmp_free(c);
}

static void nested_lists_of_objects(void **state)
{
	cmp *c = mk(NULL);
	got g;

	(void)state;
	assert_int_equal(run(c, "jobs",
			     "{\"s\":{\"tasks\":[{\"libs\":[{\"pypi\":{\"p\":\"a\"}},{\"jar\":\"x\"}]}]}}",
			     "{\"s\":{\"tasks\":[{\"libs\":[{\"pypi\":{\"p\":\"b\"}}]},{\"z\":[[]]}]}}",
			     &g), 3);
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 s.tasks[0].libs[0].pypi.p: \"a\" -> \"b\"\n"));
	assert_non_null(strstr(g.text, "MISSING_IN_TARGET k1 s.tasks[0].libs[1]: {\"jar\":\"x\"} -> -\n"));
	assert_non_null(strstr(g.text, "UNEXPECTED_IN_TARGET k1 s.tasks[1]: - -> {\"z\":[[]]}\n"));
	cmp_free(c);
}

static void sets_compare_as_sets(void **state)
{
	cmp *c = mk("{\"jobs\":{\"sets\":[\"access_control_list\",\"**.all_permissions\"]},"
		    "\"groups\":{\"sets\":[\"members\"]}}");
	got g;

	(void)state;
	assert_int_equal(run(c, "jobs",
			     "{\"access_control_list\":[{\"user_name\":\"a@x.com\",\"all_permissions\":"
			     "[{\"permission_level\":\"CAN_VIEW\"},{\"permission_level\":\"CAN_RUN\"}]},"
			     "{\"group_name\":\"eng\",\"all_permissions\":[{\"permission_level\":\"CAN_MANAGE\"}]}]}",
			     "{\"access_control_list\":[{\"group_name\":\"eng\",\"all_permissions\":"
			     "[{\"permission_level\":\"CAN_MANAGE\"}]},{\"all_permissions\":"
			     "[{\"permission_level\":\"CAN_RUN\"},{\"permission_level\":\"CAN_VIEW\"}],"
			     "\"user_name\":\"a@x.com\"}]}", &g), 0);
	/* one ACL entry dropped in the target: named by the entry itself */
	assert_int_equal(run(c, "jobs",
			     "{\"access_control_list\":[{\"user_name\":\"a@x.com\",\"permission_level\":\"CAN_RUN\"},"
			     "{\"group_name\":\"eng\",\"permission_level\":\"CAN_MANAGE\"}]}",
			     "{\"access_control_list\":[{\"user_name\":\"a@x.com\",\"permission_level\":\"CAN_RUN\"}]}",
			     &g), 1);
	assert_string_equal(g.text, "MISSING_IN_TARGET k1 access_control_list[{\"group_name\":\"eng\","
			    "\"permission_level\":\"CAN_MANAGE\"}]: {\"group_name\":\"eng\","
			    "\"permission_level\":\"CAN_MANAGE\"} -> -\n");
	/* duplicates count */
	assert_int_equal(run(c, "groups", "{\"members\":[1,2]}", "{\"members\":[2,1,1]}", &g), 1);
	assert_non_null(strstr(g.text, "UNEXPECTED_IN_TARGET k1 members[1]: - -> 1\n"));
	/* a list that is not a set keeps its order */
	assert_int_equal(run(c, "groups", "{\"other\":[1,2]}", "{\"other\":[2,1]}", &g), 2);
	cmp_free(c);
}

static void emails_and_case_insensitive_paths(void **state)
{
	cmp *c = mk("{\"users\":{\"case_insensitive\":[\"displayName\"]}}");
	cmp *strict = mk("{\"*\":{\"emails_case_insensitive\":false}}");
	got g;

	(void)state;
	assert_int_equal(run(c, "users",
			     "{\"userName\":\"Alice.Smith@Example.com\",\"displayName\":\"Alice\",\"t\":\"A\"}",
			     "{\"userName\":\"alice.smith@example.COM\",\"displayName\":\"ALICE\",\"t\":\"A\"}", &g), 0);
	assert_int_equal(run(c, "users", "{\"t\":\"Abc\"}", "{\"t\":\"abc\"}", &g), 1);
	/* a path is not an e-mail */
	assert_int_equal(run(c, "users", "{\"p\":\"/Users/A@x.com/nb\"}", "{\"p\":\"/Users/a@x.com/nb\"}", &g), 1);
	assert_int_equal(run(strict, "users", "{\"u\":\"A@x.com\"}", "{\"u\":\"a@x.com\"}", &g), 1);
	cmp_free(c);
	cmp_free(strict);
}

static void ignore_defaults_and_keyed_lists(void **state)
{
	cmp *c = mk("{\"jobs\":{\"ignore\":[\"job_id\",\"settings.tasks[].run_if\",\"**.cluster_id\"],"
		    "\"defaults\":{\"settings.max_concurrent_runs\":1,\"settings.tasks[].timeout_seconds\":0},"
		    "\"keyed\":{\"settings.tasks\":\"task_key\"}},"
		    "\"*\":{\"ignore\":[\"created_time\"]}}");
	got g;

	(void)state;
	assert_int_equal(run(c, "jobs",
			     "{\"job_id\":1,\"created_time\":5,\"settings\":{\"tasks\":[{\"task_key\":\"a\"},"
			     "{\"task_key\":\"b\",\"new_cluster\":{\"cluster_id\":\"x\",\"node_type_id\":\"n1\"}}]}}",
			     "{\"job_id\":2,\"settings\":{\"max_concurrent_runs\":1,\"tasks\":[{\"task_key\":\"b\","
			     "\"run_if\":\"ALL_SUCCESS\",\"timeout_seconds\":0,\"new_cluster\":{\"node_type_id\":\"n2\"}},"
			     "{\"task_key\":\"a\",\"timeout_seconds\":0},{\"task_key\":\"c\"}]}}", &g), 2);
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 settings.tasks[task_key=\"b\"].new_cluster.node_type_id: "
				       "\"n1\" -> \"n2\"\n"));
	assert_non_null(strstr(g.text, "UNEXPECTED_IN_TARGET k1 settings.tasks[task_key=\"c\"]: - -> "
				       "{\"task_key\":\"c\",\"timeout_seconds\":0}\n"));
	/* a default does not hide a real difference */
	assert_int_equal(run(c, "jobs", "{\"settings\":{\"max_concurrent_runs\":3}}",
			     "{\"settings\":{}}", &g), 1);
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 settings.max_concurrent_runs: 3 -> 1\n"));
	cmp_free(c);
}

/* A list element a rule marked "manual" (a Hive table on storage no map
 * names) may be missing from the target; made by hand later, its mark is
 * no difference; an unmarked one missing still is. */
static void manual_elements_are_follow_ups(void **state)
{
	cmp *c = mk("{\"hive_metastore\":{\"keyed\":{\"tables\":\"name\"}}}");
	got g;

	(void)state;
	assert_int_equal(run(c, "hive_metastore",
			     "{\"name\":\"m\",\"tables\":[{\"name\":\"a\",\"manual\":\"copy it\"},"
			     "{\"name\":\"b\"}]}",
			     "{\"name\":\"m\",\"tables\":[{\"name\":\"b\"}]}", &g), 0);
	assert_int_equal(run(c, "hive_metastore",
			     "{\"name\":\"m\",\"tables\":[{\"name\":\"a\",\"manual\":\"copy it\"}]}",
			     "{\"name\":\"m\",\"tables\":[{\"name\":\"a\"}]}", &g), 0);
	assert_int_equal(run(c, "hive_metastore",
			     "{\"name\":\"m\",\"tables\":[{\"name\":\"a\",\"manual\":\"copy it\"},"
			     "{\"name\":\"b\"}]}",
			     "{\"name\":\"m\",\"tables\":[]}", &g), 1);
	assert_non_null(strstr(g.text, "MISSING_IN_TARGET k1 tables[name=\"b\"]: {\"name\":\"b\"} -> -\n"));
	cmp_free(c);
}

static void references_through_the_journal(void **state)
{
	cmp *c = mk(NULL);
	dbx_err err;
	got g;

	(void)state;
	assert_int_equal(cmp_add_ref(c, "jobs", "settings.tasks[].existing_cluster_id", "clusters", &err), 0);
	assert_int_equal(cmp_add_ref(c, "groups", "members[].value", "principals", &err), 0);
	/* source cluster s1 "etl" became t9, and its key on the target is "etl" */
	assert_int_equal(cmp_add_id(c, CMP_EXPECTED, "clusters", "s1", "etl"), 0);
	assert_int_equal(cmp_add_id(c, CMP_ACTUAL, "clusters", "t9", "etl"), 0);
	assert_int_equal(cmp_add_id(c, CMP_ACTUAL, "clusters", "t8", "other"), 0);
	assert_int_equal(cmp_add_journal(c, "clusters", "s1", "t9"), 0);
	/* a user renamed by the rules: the journal gives the target's key */
	assert_int_equal(cmp_add_id(c, CMP_EXPECTED, "users", "100", "a@old.com"), 0);
	assert_int_equal(cmp_add_id(c, CMP_ACTUAL, "users", "200", "a@new.com"), 0);
	assert_int_equal(cmp_add_journal(c, "users", "100", "200"), 0);
	assert_int_equal(run(c, "jobs", "{\"settings\":{\"tasks\":[{\"existing_cluster_id\":\"s1\"}]}}",
			     "{\"settings\":{\"tasks\":[{\"existing_cluster_id\":\"t9\"}]}}", &g), 0);
	assert_int_equal(run(c, "jobs", "{\"settings\":{\"tasks\":[{\"existing_cluster_id\":\"s1\"}]}}",
			     "{\"settings\":{\"tasks\":[{\"existing_cluster_id\":\"t8\"}]}}", &g), 1);
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 settings.tasks[0].existing_cluster_id: "
				       "\"etl\" -> \"other\"\n"));
	assert_int_equal(run(c, "groups", "{\"members\":[{\"value\":\"100\"}]}",
			     "{\"members\":[{\"value\":\"200\"}]}", &g), 0);
	/* a service principal named by its application id, new in the target */
	assert_int_equal(cmp_add_ref(c, "secrets", "acls[].principal", "principal_names", &err), 0);
	assert_int_equal(cmp_add_id(c, CMP_EXPECTED, "service_principals", "s50", "azure-app"), 0);
	assert_int_equal(cmp_add_id(c, CMP_ACTUAL, "service_principals", "t50", "aws-app"), 0);
	assert_int_equal(cmp_add_journal(c, "service_principals", "s50", "t50"), 0);
	assert_int_equal(run(c, "secrets", "{\"acls\":[{\"principal\":\"azure-app\"},{\"principal\":\"A@x.com\"}]}",
			     "{\"acls\":[{\"principal\":\"aws-app\"},{\"principal\":\"a@x.com\"}]}", &g), 0);
	assert_int_equal(run(c, "secrets", "{\"acls\":[{\"principal\":\"azure-app\"}]}",
			     "{\"acls\":[{\"principal\":\"azure-app\"}]}", &g), 1);
	assert_non_null(strstr(g.text, "VALUE_MISMATCH k1 acls[0].principal: \"aws-app\" -> \"azure-app\"\n"));
	/* ignored paths added from the registry's read-only fields */
	assert_int_equal(run(c, "jobs", "{\"job_id\":1}", "{\"job_id\":2}", &g), 1);
	assert_int_equal(cmp_add_ignore(c, "jobs", "job_id", &err), 0);
	assert_int_equal(run(c, "jobs", "{\"job_id\":1}", "{\"job_id\":2}", &g), 0);
	assert_int_equal(cmp_add_ignore(c, "jobs", "a[", &err), -1);
	assert_int_equal(err.cls, ERR_CONFIG);
	cmp_free(c);

	/* a replaced reference keeps a valid path for the settings read after
	 * it (found by fuzz/fuzz_compare: a use after free under ASan) */
	c = mk("{\"jobs\":{\"case_insensitive\":[\"**.x\"],\"refs\":{\"a.x\":\"clusters\"}}}");
	assert_int_equal(cmp_add_id(c, CMP_EXPECTED, "clusters", "s1", "ETL"), 0);
	assert_int_equal(cmp_add_id(c, CMP_ACTUAL, "clusters", "t1", "etl"), 0);
	assert_int_equal(run(c, "jobs", "{\"a\":{\"x\":\"s1\",\"y\":1}}", "{\"a\":{\"x\":\"t1\",\"y\":1}}", &g), 0);
	cmp_free(c);
}

static void optional_self_and_object_ignores(void **state)
{
	cmp *c = mk("{\"secrets\":{\"sets\":[\"keys\",\"acls\"],"
		    "\"optional\":{\"keys[]\":{\"value_status\":\"NEEDS_REENTRY\"},\"comment\":true}},"
		    "\"*\":{\"self_entries\":[\"acls[]\",\"access_control_list[]\"],"
		    "\"sets\":[\"access_control_list\"]}}");
	dbx_err err;
	got g;

	(void)state;
	/* a key without its value may be missing; one with a value may not */
	assert_int_equal(run(c, "secrets",
			     "{\"comment\":\"x\",\"keys\":[{\"key\":\"a\",\"value_status\":\"NEEDS_REENTRY\"},{\"key\":\"b\"}]}",
			     "{\"keys\":[]}", &g), 1);
	assert_string_equal(g.text, "MISSING_IN_TARGET k1 keys[{\"key\":\"b\"}]: {\"key\":\"b\"} -> -\n");
	/* the importing user's entries count on neither side, once it is known */
	assert_int_equal(run(c, "secrets", "{\"acls\":[{\"principal\":\"eng\"}]}",
			     "{\"acls\":[{\"principal\":\"Admin@x.com\",\"permission\":\"MANAGE\"},{\"principal\":\"eng\"}]}",
			     &g), 1);
	assert_int_equal(cmp_set_self(c, "admin@x.com"), 0);
	assert_int_equal(run(c, "secrets", "{\"acls\":[{\"principal\":\"eng\"}]}",
			     "{\"acls\":[{\"principal\":\"Admin@x.com\",\"permission\":\"MANAGE\"},{\"principal\":\"eng\"}]}",
			     &g), 0);
	assert_int_equal(run(c, "jobs", "{\"access_control_list\":[]}",
			     "{\"access_control_list\":[{\"user_name\":\"admin@x.com\",\"permission_level\":\"IS_OWNER\"}]}",
			     &g), 0);
	/* settings without the principal's entries keep them */
	assert_int_equal(run(c, "jobs", "{\"other\":[]}", "{\"other\":[{\"user_name\":\"admin@x.com\"}]}", &g), 1);
	cmp_free(c);

	/* per-object ignores apply to the one object whose expected id matches */
	c = mk(NULL);
	assert_int_equal(cmp_add_object_ignore(c, "jobs", "7", "**.schedule.pause_status", &err), 0);
	assert_int_equal(cmp_add_object_ignore(c, "jobs", "7", "x[", &err), -1);
	{
		const char *dir = "/tmp/test_compare_oi";
		char e[128], a[128];
		FILE *f;
		cmp_stats st;

		assert_int_equal(system("rm -rf /tmp/test_compare_oi && mkdir -p /tmp/test_compare_oi"), 0);
		snprintf(e, sizeof e, "%s/e.jsonl", dir);
		snprintf(a, sizeof a, "%s/a.jsonl", dir);
		f = fopen(e, "w");
		assert_non_null(f);
		fputs("{\"key\":\"paused\",\"id\":7,\"object\":{\"settings\":{\"schedule\":{\"pause_status\":\"UNPAUSED\"}}}}\n"
		      "{\"key\":\"other\",\"id\":8,\"object\":{\"settings\":{\"schedule\":{\"pause_status\":\"UNPAUSED\"}}}}\n"
		      "{\"key\":\"kv\",\"id\":null,\"object\":{}}\n", f);
		fclose(f);
		f = fopen(a, "w");
		assert_non_null(f);
		fputs("{\"key\":\"Someone@x.com\",\"id\":90,\"object\":{}}\n"
		      "{\"key\":\"paused\",\"id\":70,\"object\":{\"settings\":{\"schedule\":{\"pause_status\":\"PAUSED\"}}}}\n"
		      "{\"key\":\"other\",\"id\":80,\"object\":{\"settings\":{\"schedule\":{\"pause_status\":\"PAUSED\"}}}}\n", f);
		fclose(f);
		assert_int_equal(cmp_add_optional_object(c, "jobs", "kv"), 0);
		assert_int_equal(cmp_set_self(c, "someone@x.com"), 0);	/* its own user: left out */
		memset(&g, 0, sizeof g);
		assert_int_equal(cmp_kind(c, "jobs", e, a, collect, &g, &st, &err), 0);
		assert_string_equal(g.text, "VALUE_MISMATCH other settings.schedule.pause_status: \"UNPAUSED\" -> \"PAUSED\"\n");
		assert_int_equal(st.optional, 1);
		assert_int_equal(st.clean, 1);
		assert_int_equal(st.ignored, 1);
		assert_int_equal(system("rm -rf /tmp/test_compare_oi"), 0);
	}
	cmp_free(c);

	/* "${self}" in ignore_keys: the importing user's home folder */
	c = mk("{\"workspace\":{\"ignore_keys\":[\"/Users/${self}\",\"/Users/${self}/*\"]}}");
	{
		char a[128];
		FILE *f;
		cmp_stats st;

		snprintf(a, sizeof a, "/tmp/test_compare_self.jsonl");
		f = fopen(a, "w");
		assert_non_null(f);
		fputs("{\"key\":\"/Users/admin@x.com\",\"id\":1,\"object\":{}}\n"
		      "{\"key\":\"/Users/admin@x.com/nb\",\"id\":2,\"object\":{}}\n"
		      "{\"key\":\"/Users/admin@x.company/nb\",\"id\":3,\"object\":{}}\n", f);
		fclose(f);
		memset(&g, 0, sizeof g);
		assert_int_equal(cmp_kind(c, "workspace", "/tmp/test_compare_none.jsonl", a, collect, &g,
					  &st, &err), 0);
		assert_int_equal(g.n, 3);	/* nobody is "self" yet */
		assert_int_equal(cmp_set_self(c, "Admin@X.com"), 0);
		memset(&g, 0, sizeof g);
		assert_int_equal(cmp_kind(c, "workspace", "/tmp/test_compare_none.jsonl", a, collect, &g,
					  &st, &err), 0);
		assert_string_equal(g.text, "UNEXPECTED_IN_TARGET /Users/admin@x.company/nb : - -> -\n");
		assert_int_equal(st.ignored, 2);
		unlink(a);
	}
	cmp_free(c);
}

static void bad_settings_are_named(void **state)
{
	static const struct { const char *json, *msg; } cases[] = {
		{ "{\"jobs\":{\"ignroe\":[]}}", "jobs: unknown setting 'ignroe'" },
		{ "{\"jobs\":{\"ignore\":[\"a\",\"b[\"]}}", "jobs.ignore[2]: bad path 'b['" },
		{ "{\"jobs\":{\"sets\":\"acl\"}}", "jobs.sets: must be a list of paths" },
		{ "{\"jobs\":{\"defaults\":{\"**.x\":1}}}", "'**' cannot name where a default goes" },
		{ "{\"jobs\":{\"keyed\":{\"tasks\":3}}}", "jobs.keyed[\"tasks\"]: must be a name" },
		{ "{\"jobs\":{\"ignore\":[\"a..b\"]}}", "bad path 'a..b'" },
		{ "{\"jobs\":3}", "jobs: must be a table of settings" },
		{ "{\"secrets\":{\"optional\":{\"keys[]\":3}}}", "secrets.optional[\"keys[]\"]: must be true or a table" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cJSON *s = cJSON_Parse(cases[i].json);
		dbx_err err;
		cmp *c;

		assert_non_null(s);
		c = cmp_new(s, "rules/validate.lua", &err);
		assert_null(c);
		assert_int_equal(err.cls, ERR_CONFIG);
		assert_string_equal(err.where, "rules/validate.lua");
		if (!strstr(err.msg, cases[i].msg))
			fail_msg("case %zu: '%s' does not contain '%s'", i, err.msg, cases[i].msg);
		cJSON_Delete(s);
	}
}

static char tmpdir[64];

static const char *write_file(const char *name, const char *text)
{
	static char p[3][256];
	static int k;
	FILE *f;
	char *out = p[k++ % 3];

	snprintf(out, 256, "%s/%s", tmpdir, name);
	f = fopen(out, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return out;
}

static void files_missing_empty_and_corrupt(void **state)
{
	cmp *c = mk("{\"groups\":{\"ignore_keys\":[\"admins\"]}}");
	cmp_stats st;
	dbx_err err;
	got g;
	const char *e, *a;
	char missing[256];

	(void)state;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/test_compare.XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(missing, sizeof missing, "%s/none.jsonl", tmpdir);

	/* both missing: an empty kind */
	memset(&g, 0, sizeof g);
	assert_int_equal(cmp_kind(c, "jobs", missing, missing, collect, &g, &st, &err), 0);
	assert_int_equal(st.expected + st.actual + st.findings, 0);

	/* expected missing, target has one: unexpected */
	a = write_file("a1.jsonl", "{\"key\":\"j1\",\"id\":5,\"object\":{\"x\":1}}\n");
	assert_int_equal(cmp_kind(c, "jobs", missing, a, collect, &g, &st, &err), 0);
	assert_string_equal(g.text, "UNEXPECTED_IN_TARGET j1 : - -> -\n");
	assert_int_equal(st.actual, 1);

	/* empty target file, one expected: missing */
	memset(&g, 0, sizeof g);
	e = write_file("e2.jsonl", "{\"key\":\"j1\",\"id\":5,\"object\":{\"x\":1}}\n");
	a = write_file("a2.jsonl", "");
	assert_int_equal(cmp_kind(c, "jobs", e, a, collect, &g, &st, &err), 0);
	assert_string_equal(g.text, "MISSING_IN_TARGET j1 : - -> -\n");

	/* corrupt, keyless and incomplete lines are skipped; ids through the
	 * journal; object null; ignore_keys */
	log_set_level(LOG_QUIET);
	memset(&g, 0, sizeof g);
	assert_int_equal(cmp_add_journal(c, "groups", "11", "99"), 0);
	e = write_file("e3.jsonl",
		       "{\"key\":\"eng\",\"id\":\"11\",\"object\":{\"displayName\":\"eng\"}}\n"
		       "not json\n"
		       "{\"id\":3}\n"
		       "{\"key\":\"ops\",\"id\":\"12\",\"object\":null}\n"
		       "{\"key\":\"admins\",\"id\":\"1\",\"object\":{}}\n");
	a = write_file("a3.jsonl",
		       "{\"key\":\"engineering\",\"id\":\"99\",\"object\":{\"displayName\":\"eng\"}}\n"
		       "{\"key\":\"ops\",\"id\":\"98\"}\n"
		       "{\"key\":\"admins\",\"id\":\"1\",\"object\":{\"x\":1}}\n"
		       "{\"key\":\"half\",\"id\":\"97\"");
	assert_int_equal(cmp_kind(c, "groups", e, a, collect, &g, &st, &err), 0);
	assert_string_equal(g.text, "");
	assert_int_equal(st.expected, 2);
	assert_int_equal(st.actual, 2);
	assert_int_equal(st.matched, 2);
	assert_int_equal(st.clean, 2);
	assert_int_equal(st.ignored, 2);
	log_set_level(LOG_INFO);

	/* ids of a file feed the reference maps */
	assert_int_equal(cmp_add_ids_file(c, CMP_ACTUAL, "groups", a, &err), 0);
	cmp_free(c);
	{
		char cmd[128];

		snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(equal_objects_give_nothing),
		cmocka_unit_test(each_type_is_named_with_its_path),
		cmocka_unit_test(nulls_count_as_absent_and_never_crash),
		cmocka_unit_test(deep_patterns_at_the_top),
		cmocka_unit_test(nested_lists_of_objects),
		cmocka_unit_test(sets_compare_as_sets),
		cmocka_unit_test(emails_and_case_insensitive_paths),
		cmocka_unit_test(ignore_defaults_and_keyed_lists),
		cmocka_unit_test(manual_elements_are_follow_ups),
		cmocka_unit_test(references_through_the_journal),
		cmocka_unit_test(optional_self_and_object_ignores),
		cmocka_unit_test(bad_settings_are_named),
		cmocka_unit_test(files_missing_empty_and_corrupt),
	};

	return cmocka_run_group_tests_name("compare", tests, NULL, NULL);
}
