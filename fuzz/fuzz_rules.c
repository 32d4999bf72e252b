/* libFuzzer harness: the rule-file loader and the engine behind it
 * (rules_open + rules_apply, src/rules.c, src/mantle.lua, src/dbxlib.c),
 * under tight sandbox limits. The input is a rule file. Whatever it holds
 * (bad syntax, wrong return types, loops, runaway allocation, errors in
 * hooks, odd dbx library calls), loading must give rules or an ERR_RULE
 * error with a message; applying the rules to a few records must give a
 * record that is JSON, or an ERR_RULE error with a message; never a crash,
 * a leak or a hang. Each input gets a fresh state, as each run does. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>

#include "log.h"
#include "rules.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[] = "/tmp/dbx-fuzz-rules-XXXXXX";
static char path[64];

/* One record per shape the mantle walks: cluster specs and paths and
 * principals (job), a policy definition, a storage URL, SCIM, an alert
 * (its name picks a test in fixtures/rules/engine/engine.lua, a seed). */
static const struct rec {
	const char *kind, *text;
} recs[] = {
	{ "job", "{\"key\":\"nightly\",\"id\":1099511627776,\"object\":{\"job_id\":1099511627776,"
		 "\"settings\":{\"name\":\"allowed\",\"job_clusters\":[{\"job_cluster_key\":\"c\","
		 "\"new_cluster\":{\"node_type_id\":\"Standard_DS3_v2\",\"spark_version\":\"13.3.x-scala2.12\","
		 "\"azure_attributes\":{\"availability\":\"SPOT_AZURE\"}}}],\"tasks\":[{\"task_key\":\"t\","
		 "\"job_cluster_key\":\"c\",\"notebook_task\":{\"notebook_path\":\"/Users/a@old.com/nb\"}}],"
		 "\"email_notifications\":{\"on_failure\":[\"a@old.com\"]}},"
		 "\"access_control_list\":[{\"user_name\":\"a@old.com\",\"all_permissions\":"
		 "[{\"permission_level\":\"CAN_MANAGE\"}]}]}}" },
	{ "cluster_policy", "{\"key\":\"p\",\"id\":\"ABC\",\"object\":{\"policy_id\":\"ABC\",\"name\":\"p\","
			    "\"definition\":\"{\\\"node_type_id\\\":{\\\"type\\\":\\\"allowlist\\\","
			    "\\\"values\\\":[\\\"Standard_DS3_v2\\\"]},\\\"azure_attributes.availability\\\":"
			    "{\\\"type\\\":\\\"fixed\\\",\\\"value\\\":\\\"SPOT_AZURE\\\"}}\"}}" },
	{ "external_location", "{\"key\":\"l\",\"id\":\"l\",\"object\":{\"name\":\"l\",\"url\":"
			       "\"abfss://c@acct.dfs.core.windows.net/x\",\"credential_name\":\"cred\"}}" },
	{ "user", "{\"key\":\"a@old.com\",\"id\":\"7\",\"object\":{\"id\":\"7\",\"userName\":\"a@old.com\","
		  "\"emails\":[{\"value\":\"a@old.com\",\"primary\":true}]}}" },
	{ "alert", "{\"key\":\"re\",\"id\":\"1\",\"object\":{\"id\":\"1\",\"display_name\":\"re\"}}" },
	{ "alert", "{\"key\":\"json\",\"id\":\"2\",\"object\":{\"id\":\"2\",\"display_name\":\"json\"}}" },
};

static void put(const char *name, const char *text)
{
	char p[128];
	FILE *f;

	snprintf(p, sizeof p, "%s/%s", dir, name);
	f = fopen(p, "w");
	if (!f || fputs(text, f) == EOF || fclose(f))
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_set_level(LOG_QUIET);
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/fuzz.lua", dir);
	/* what dbx.csv() in the seeds reads, beside the rule file */
	put("nodes.csv", "Standard_DS3_v2,m5.xlarge\nStandard_DS4_v2,m5.2xlarge\n");
	put("bad.csv", "a,b\n\"unterminated\n");
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *files[1] = { path };
	rules_opts o = { 0 };
	rules_out out;
	rules *r;
	dbx_err err;
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	o.files = files;
	o.nfiles = 1;
	o.instructions = 200000;	/* a few ms: loops are cut, inputs stay fast */
	o.memory_mb = 8;
	o.source_cloud = "azure";
	o.target_cloud = "aws";
	if (rules_open(&r, &o, &err)) {
		if (err.cls != ERR_RULE || !err.msg[0])
			abort();
		return 0;
	}
	rules_out_init(&out);
	for (size_t i = 0; i < sizeof recs / sizeof recs[0]; i++) {
		if (rules_apply(r, recs[i].kind, recs[i].text, strlen(recs[i].text), RULES_DIFF, &out, &err)) {
			if (err.cls != ERR_RULE || !err.msg[0]) {
				fprintf(stderr, "%s: class %d: %s\n", recs[i].kind, (int)err.cls, err.msg);
				abort();
			}
			continue;
		}
		if (!out.dropped) {
			cJSON *j = cJSON_ParseWithLength(out.record.data, out.record.len);

			if (!j) {
				fprintf(stderr, "%s: record is not JSON: %.*s\n", recs[i].kind,
					(int)out.record.len, out.record.data);
				abort();
			}
			cJSON_Delete(j);
		}
	}
	rules_out_free(&out);
	rules_close(r);
	return 0;
}
