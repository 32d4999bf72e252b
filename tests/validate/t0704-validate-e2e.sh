#!/bin/sh
# End to end: the fixture Azure workspace exported, transformed with the
# shipped rules, imported into an AWS fake, then validated: zero findings.
# Then deliberate changes made directly in the target (a job deleted, a
# node type changed, a user added, an ACL entry dropped, a value of the
# wrong type) are each found and named, and nothing else is.
. "$(dirname "$0")/../lib.sh"
SETTINGS=$ROOT/rules/validate.lua
jqe() { jq -e "$@" >/dev/null; }

start_fake src --cloud azure --seed "$ROOT/fixtures/azure-workspace" --token tok-src || exit 1
start_fake dst --cloud aws --token tok-dst || exit 1
write_cfg cfg SRC "$src_URL" tok-src
write_cfg cfg DST "$dst_URL" tok-dst
export DATABRICKS_CONFIG_FILE=$T/cfg
S=migration/s

expect_exit 0 "export" "$DBXMIG" export --profile SRC --session s --cloud azure --rate-limit 0
expect_exit 0 "transform" "$DBXMIG" transform --session s --rules "$ROOT/rules/azure_to_aws.lua" \
	--rules "$ROOT/rules/users.lua" --var email_domain_from=contoso.com --var email_domain_to=contoso.io
expect_exit 0 "import" "$DBXMIG" import --profile DST --session s --rate-limit 0
validate() { "$DBXMIG" validate --profile DST --session s --settings "$SETTINGS" --rate-limit 0 --json "$@"; }

# --- a clean migration ---------------------------------------------------
validate clean.json >clean.txt 2>clean.err
clean_rc=$?
check "clean migration: validate exits 0" [ $clean_rc = 0 ]
sed -n '/ difference(s)$/,$p' clean.txt | head -20 | sed 's/^/# /'
check "zero findings" jqe '.ok and .differences == 0 and (.findings | length) == 0' clean.json
check "text report says so" contains clean.txt "no differences"
check "every object compared was validated, but what import could not create" \
	jqe '[.kinds[] | select(.validated != .expected)] | map(.kind) | . - ["secrets", "storage_credentials", "external_locations", "sql_dashboards", "pipelines", "tables", "volumes"] == []' clean.json
check "built-in groups and the importing user are left out" \
	jqe '.kinds[] | select(.kind == "groups") | .expected < .transformed' clean.json
check "the table counts come from the session" \
	jqe '.kinds[] | select(.kind == "jobs") | .source == 8 and .exported == 8 and .transformed == 8 and .imported == 8 and .failed == 0' clean.json
check "the target was read into validation/" [ -s $S/validation/jobs.jsonl ]
check "follow-ups: secret values to re-enter" \
	jqe '[.followups[] | select(.kind == "secrets" and (.message | test("re-enter")))] | length > 0' clean.json
check "follow-ups: jobs paused until cutover" \
	jqe '[.followups[] | select(.category == "paused until cutover" and .key == "nightly-etl")] | length == 1' clean.json
check "follow-ups: rule warnings (node types, Azure storage)" \
	jqe '[.followups[] | select(.category == "rule warning")] | length > 0' clean.json
check "follow-ups: Key Vault scope" \
	jqe '[.followups[] | select(.message | test("Key Vault"))] | length > 0' clean.json
if command -v python3 >/dev/null; then
	check "HTML report agrees with the JSON report" \
		python3 "$ROOT/tests/validate/report_check.py" $S/report/index.html clean.json
else
	ok "# SKIP python3 is not installed"
fi
check "session.json records the validation" jqe '.validate.mode == "target" and .validate.differences == 0' $S/session.json

# --- deliberate changes in the target ------------------------------------
api() {	# METHOD PATH [BODY]: one call to the target, reply on stdout
	curl -sf -X "$1" -H "Authorization: Bearer tok-dst" -H "Content-Type: application/json" \
		${3:+-d "$3"} "$dst_URL$2"
}
api_ok() { api "$@" >/dev/null; }
job_id() { api GET "/api/2.2/jobs/list?limit=100" | jq -r --arg n "$1" '.jobs[] | select(.settings.name == $n) | .job_id'; }

# 1. delete a job
check "deleted job weekly-cleanup" api_ok POST /api/2.2/jobs/delete "{\"job_id\": $(job_id weekly-cleanup)}"
# 2. change a node type
cid=$(api GET /api/2.1/clusters/list | jq -r '.clusters[] | select(.cluster_name == "ml-memory") | .cluster_id')
api GET "/api/2.1/clusters/get?cluster_id=$cid" >cl.json
old_type=$(jq -r .node_type_id cl.json)
# edit replaces the whole spec: send it back with one field changed
jq '.node_type_id = "m5.24xlarge" | del(.state, .state_message, .start_time, .terminated_time,
	.last_restarted_time, .last_activity_time, .last_state_loss_time, .termination_reason,
	.driver, .executors, .spark_context_id, .jdbc_port, .cluster_memory_mb, .cluster_cores,
	.default_tags, .cluster_log_status, .creator_user_name, .cluster_source, .spec, .libraries)' \
	cl.json >edit.json
check "changed node type of ml-memory" api_ok POST /api/2.1/clusters/edit "$(cat edit.json)"
# 3. add a user
check "added user mallory" api_ok POST /api/2.0/preview/scim/v2/Users '{"userName": "mallory@contoso.io"}'
# 4. drop an ACL entry: data-engineers from the job nightly-etl
jid=$(job_id nightly-etl)
api GET "/api/2.0/permissions/jobs/$jid" >perm.json
jq '{access_control_list: [.access_control_list[] | select(.group_name != "data-engineers")
	| {user_name, group_name, service_principal_name,
	   permission_level: ([.all_permissions[] | select(.inherited | not) | .permission_level][0])}
	| select(.permission_level != null) | with_entries(select(.value != null))]}' perm.json >acl.json
check "the ACL had the entry" jqe '[.access_control_list[] | select(.group_name == "data-engineers")] | length == 1' perm.json
check "dropped data-engineers from nightly-etl" api_ok PUT "/api/2.0/permissions/jobs/$jid" "$(cat acl.json)"
# 5. a value of the wrong type, where the fake takes it as given
type_ok=0
api POST /api/2.2/jobs/update "{\"job_id\": $(job_id dbt-models), \"new_settings\": {\"timeout_seconds\": \"3600\"}}" \
	>/dev/null && type_ok=1

# 6. a notebook edited in the target
nb=$(jq -r 'select(.object.object_type == "NOTEBOOK" and .object.language == "PYTHON") | .key' \
	$S/validation/workspace.jsonl | head -1)
check "edited notebook $nb" api_ok POST /api/2.0/workspace/import "$(jq -n --arg p "$nb" \
	--arg c "$(printf '# Databricks notebook source\nprint("edited in the target")\n' | base64 | tr -d '\n')" \
	'{path: $p, format: "SOURCE", language: "PYTHON", overwrite: true, content: $c}')"

expect_exit 1 "changed target: validate exits 1" validate changed.json
cp out.txt changed.txt
for line in \
	'MISSING_IN_TARGET jobs "weekly-cleanup"' \
	"VALUE_MISMATCH clusters \"ml-memory\" node_type_id: \"$old_type\" → \"m5.24xlarge\"" \
	'UNEXPECTED_IN_TARGET users "mallory@contoso.io"' \
	'MISSING_IN_TARGET jobs "nightly-etl" access_control_list[{"all_permissions":[{"inherited":false,"permission_level":"CAN_MANAGE_RUN"}],"group_name":"data-engineers"}]'; do
	check "names: $line" contains changed.txt "$line"
done
check "names: VALUE_MISMATCH workspace $nb content" contains changed.txt "VALUE_MISMATCH workspace \"$nb\" content: "
check "... with the first differing line" contains changed.txt 'print(\"edited in the target\")'
if [ $type_ok = 1 ]; then
	check "names: TYPE_MISMATCH jobs dbt-models timeout_seconds" \
		contains changed.txt 'TYPE_MISMATCH jobs "dbt-models" settings.timeout_seconds: '
	want=6
else
	ok "# SKIP the fake refuses a wrongly typed timeout_seconds (TYPE_MISMATCH: see t0701)"
	want=5
fi
base=$(jq .differences clean.json)
check "exactly the $want changes, nothing else" jqe ".differences == $want + $base" changed.json ||
	sed -n '/difference(s)$/,$p' changed.txt | sed 's/^/# /' | head -30
check "each finding carries kind, key and path" \
	jqe '[.findings[] | select(.kind == "" or .key == "")] | length == 0' changed.json
check "the HTML lists the findings" contains $S/report/index.html 'weekly-cleanup'
if command -v python3 >/dev/null; then
	check "HTML report agrees with the JSON report" \
		python3 "$ROOT/tests/validate/report_check.py" $S/report/index.html changed.json
else
	ok "# SKIP python3 is not installed"
fi

# --- the target is read afresh on every run --------------------------------
check "user removed again" sh -c "curl -sf -X DELETE -H 'Authorization: Bearer tok-dst' \
	\"$dst_URL/api/2.0/preview/scim/v2/Users/\$(curl -sf -H 'Authorization: Bearer tok-dst' \
	'$dst_URL/api/2.0/preview/scim/v2/Users?filter=userName%20eq%20%22mallory@contoso.io%22' | jq -r '.Resources[0].id')\" >/dev/null"
expect_exit 1 "re-run: still differences" validate again.json
check "re-run: the removed user is no longer found" \
	jqe "([.findings[] | select(.key == \"mallory@contoso.io\")] | length == 0) and .differences == $((want - 1 + base))" again.json

# --- an object an earlier phase gave up on: complete, it is not ----------------
echo '{"key":"ghost","time":"2026-01-01T00:00:00Z","error":{"message":"rule raised"}}' \
	>$S/logs/failed_transform_clusters.jsonl
validate failed.json >failed.txt 2>&1
check "still the same differences" jqe ".differences == $((want - 1 + base)) and .failed == 1 and (.complete | not)" failed.json
check "the text report says an object failed" contains failed.txt "1 object(s) failed in earlier phases"
if command -v python3 >/dev/null; then
	check "HTML banner counts the failure" python3 "$ROOT/tests/validate/report_check.py" $S/report/index.html failed.json
fi

done_testing
