#!/bin/sh
# End to end for the Databricks SQL objects and DLT pipelines: the fixture
# workspace's queries, alert, Lakeview dashboard (published) and pipelines,
# plus a job whose tasks name a pipeline, a query, an alert and a
# dashboard, migrate from the Azure fake into an AWS fake whose Unity
# Catalog already holds the pipelines' catalog (the UC kinds are tested
# elsewhere). Every reference points at the target's objects, pipeline
# clusters and storage are AWS ones, permissions carry over, the legacy
# dashboard and the job's Git credentials are manual follow-ups, a Git
# clone a job run left under /Repos/.internal is not exported, validation
# is clean and a second run changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

azure_aws_fakes || exit 1

api() {	# URL TOKEN METHOD PATH [BODY]: fails on HTTP >= 400
	curl -sf -o /dev/null -X "$3" -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
		${5:+--data "$5"} "$1$4"
}
Q1=$(jq -r '.[] | select(.display_name == "Daily revenue by region") | .id' "$SEED/queries.json")
AL=$(jq -r '.[0].id' "$SEED/alerts.json")
DB=$(jq -r '.[0].dashboard_id' "$SEED/dashboards.json")
PL=$(jq -r '.[] | select(.name == "clicks-hive-dlt") | .pipeline_id' "$SEED/pipelines.json")
WH=$(jq -r '.[0].id' "$SEED/sql_warehouses.json")
check "source: a job with pipeline, query, alert and dashboard tasks" api "$az_URL" tok-az POST /api/2.1/jobs/create "$(jq -nc \
	--arg q "$Q1" --arg a "$AL" --arg d "$DB" --arg p "$PL" --arg w "$WH" '{name: "sql-and-dlt", tasks: [
	{task_key: "dlt", pipeline_task: {pipeline_id: $p}},
	{task_key: "q", depends_on: [{task_key: "dlt"}], sql_task: {warehouse_id: $w, query: {query_id: $q}}},
	{task_key: "a", depends_on: [{task_key: "q"}], sql_task: {warehouse_id: $w, alert: {alert_id: $a}}},
	{task_key: "d", depends_on: [{task_key: "q"}], dashboard_task: {dashboard_id: $d, warehouse_id: $w}}]}')"
check "source: a job run's Git clone under /Repos/.internal" api "$az_URL" tok-az POST /api/2.0/repos \
	'{"url": "https://github.com/contoso/dbt-analytics", "provider": "gitHub", "path": "/Repos/.internal/7f3a_commits/dbt-analytics"}'
check "target: the pipelines' Unity Catalog catalog exists" api "$aws_URL" tok-aws POST /api/2.1/unity-catalog/catalogs \
	"$(jq -c '.[] | select(.name == "contoso_prod") | {name, comment}' "$SEED/catalogs.json")"

printf 'abfss://raw@contosolake.dfs.core.windows.net,s3://contoso-raw\nabfss://curated@contosolake.dfs.core.windows.net,s3://contoso-curated\n' >storage.csv
KINDS=users,groups,service_principals,workspace,sql_warehouses,queries,alerts,dashboards,sql_dashboards,pipelines,jobs,repos,cluster_policies,instance_pools,clusters,instance_profiles
migrate() {
	(cd "$ROOT" && "$DBXMIG" migrate --dir "$T/migration" --session sql --from AZ --to AWS --cloud azure \
		--rules rules/azure_to_aws.lua --rules rules/users.lua --var email_domain_from=contoso.com \
		--var email_domain_to=example.org --var storage_map="$T/storage.csv" --only "$KINDS" \
		--rate-limit 0 "$@")
}
expect_exit 0 "migrate exits 0" migrate
cp out.txt migrate1.out
fake_state "$az_URL" az.json
fake_state "$aws_URL" aws.json
curl -sf "$aws_URL/__fake/requests" >req1.json

check "the AWS fake rejected nothing" jq_ok '[.mutations[] | select(.status >= 400)] | length == 0' req1.json
for k in queries alerts dashboards pipelines jobs; do
	check "$k: as many in the target as in the source" test \
		"$(jq "[.$k[] | select((.lifecycle_state // \"ACTIVE\") == \"ACTIVE\")] | length" aws.json)" -eq \
		"$(jq "[.$k[] | select((.lifecycle_state // \"ACTIVE\") == \"ACTIVE\")] | length" az.json)"
done
check "legacy dashboards are not created" jq_ok '(.sql_dashboards // []) | length == 0' aws.json
M=$T/migration/sql/import/manual.jsonl
check "... but listed as manual follow-ups" jq_ok -s 'any(.[]; .kind == "sql_dashboards" and (.why | test("Lakeview")))' "$M"
check "the git_source job's Git credentials are a follow-up" jq_ok -s \
	'any(.[]; .kind == "jobs" and .name == "dbt-models" and (.why | test("Git credentials")))' "$M"
check "the job run's Git clone was not exported" sh -c '! grep -q "/Repos/.internal" "$1"/export/repos.jsonl' sh "$T/migration/sql"
check "repos: only the users' repos in the target" test "$(jq '.repos | length' aws.json)" -eq \
	"$(jq '[.repos[] | select(.path | contains("/.internal/") | not)] | length' az.json)"
check "queries keep their text and run on the target warehouse" jq_ok '
	([.sql_warehouses[].id]) as $w | all(.queries[]; (.warehouse_id | IN($w[])) and (.query_text | length > 0))' aws.json
check "query owners follow the users" jq_ok 'all(.queries[]; .owner_user_name | endswith("@example.org"))' aws.json
check "the alert watches the target's query, same condition" jq_ok --slurpfile src az.json '
	([.queries[] | {key: .id, value: .display_name}] | from_entries) as $qn |
	([$src[0].queries[] | {key: .id, value: .display_name}] | from_entries) as $sqn |
	[.alerts[] | [.display_name, $qn[.query_id], .condition]] == [$src[0].alerts[] | [.display_name, $sqn[.query_id], .condition]]' aws.json
check "the dashboard: same layout, target warehouse, published there" jq_ok --slurpfile src az.json '
	([.sql_warehouses[].id]) as $w | .dashboards[0] as $d | $src[0].dashboards[0] as $s |
	($d.serialized_dashboard | fromjson) == ($s.serialized_dashboard | fromjson) and
	($d.warehouse_id | IN($w[])) and ($d.published.warehouse_id | IN($w[])) and
	$d.published.embed_credentials == $s.published.embed_credentials and $d.path == $s.path' aws.json
check "pipeline clusters are AWS clusters" sh -c '
	! jq -c ".pipelines" "$1" | grep -Eq "Standard_|azure_attributes|_AZURE\"" &&
	jq -e "[.pipelines[].spec.clusters[]] | length > 0 and all(.aws_attributes != null)" "$1" >/dev/null' sh aws.json
check "pipeline storage and paths: S3, the users' new home folders" jq_ok '
	(.pipelines[] | select(.name == "clicks-hive-dlt") | .spec.storage) == "s3://contoso-curated/dlt/clicks" and
	all(.pipelines[].spec.libraries[]?.notebook.path; test("^/Users/[^/]+@example\\.org/"))' aws.json
check "job tasks name the target's pipeline, query, alert and dashboard" jq_ok '
	(.jobs[] | select(.settings.name == "sql-and-dlt") | .settings.tasks) as $t |
	([$t[].pipeline_task.pipeline_id // empty] == [.pipelines[] | select(.name == "clicks-hive-dlt") | .pipeline_id]) and
	([$t[].sql_task.query.query_id // empty] == [.queries[] | select(.display_name == "Daily revenue by region") | .id]) and
	([$t[].sql_task.alert.alert_id // empty] == [.alerts[].id]) and
	([$t[].dashboard_task.dashboard_id // empty] == [.dashboards[].dashboard_id])' aws.json
# permissions of the new kinds: what the source's permissions API answered
# (direct grants, in the export) is what the target holds, by object name
for k in queries alerts dashboards pipelines; do
	jq -r --arg k "$k" '.object | (.display_name // .name) as $n | .access_control_list[]? |
		(.user_name // .group_name // .service_principal_name) as $p | .all_permissions[] |
		select(.inherited | not) | [$k, $n, $p, .permission_level] | @tsv' "$T/migration/sql/export/$k.jsonl"
done | sed 's/@contoso\.com/@example.org/Ig' | grep -v "	admin@fake.local	" | tr 'A-Z' 'a-z' | sort >perm.src
jq -r '([.queries[] | {key: .id, value: .display_name}] + [.alerts[] | {key: .id, value: .display_name}] +
	[.dashboards[] | {key: .dashboard_id, value: .display_name}] +
	[.pipelines[] | {key: .pipeline_id, value: .name}] | from_entries) as $obj |
	.permissions[] | select(.object_type | IN("queries", "alerts", "dashboards", "pipelines")) |
	. as $p | .access_control_list[] | select(.user_name != "admin@fake.local") |
	[$p.object_type, ($obj[$p.object_id] // "?"), (.user_name // .group_name // .service_principal_name),
	 .permission_level] | @tsv' aws.json | tr 'A-Z' 'a-z' | sort >perm.dst
check "permissions of queries, alerts, dashboards and pipelines carry over" sh -c \
	'[ "$(grep -c . perm.src)" -ge 5 ] && cmp -s perm.src perm.dst || { diff perm.src perm.dst | head -8 | sed "s/^/# /"; exit 1; }'
check "validation found no difference" grep -q "no differences" migrate1.out

# creates of the kinds under test (tests/import/common.sh's creates() counts the others)
sql_creates() {
	curl -sf "$aws_URL/__fake/requests" | jq '[.counts | to_entries[] |
		select(.key | test("^POST /api/2.0/(sql/queries|sql/alerts|lakeview/dashboards|pipelines)$")) | .value] | add // 0'
}
c0=$(creates "$aws_URL")
s0=$(sql_creates)
m0=$(mutations "$aws_URL")
check "the first migrate created 3 queries, 1 alert, 1 dashboard and 2 pipelines" test "$s0" -eq 7
expect_exit 0 "a second migrate exits 0" migrate
check "the second migrate changes nothing" test "$(mutations "$aws_URL")" -eq "$m0"
check "... and creates nothing" test "$(creates "$aws_URL")" -eq "$c0" -a "$(sql_creates)" -eq "$s0"

# the rules changed a query, the alert, the dashboard and a pipeline: an
# import updates each where it is (PATCH with update_mask, PUT of the
# pipeline settings, dashboard PATCH and republish), creating nothing
M=$T/migration/sql/mapped
jq -c 'if .key == "Daily revenue by region" then .object.description = "changed" else . end' \
	"$M/queries.jsonl" >q && mv q "$M/queries.jsonl"
jq -c '.object.seconds_to_retrigger = 600' "$M/alerts.jsonl" >a && mv a "$M/alerts.jsonl"
jq -c 'if .object.published then .object.published.embed_credentials = false |
	.object.serialized_dashboard = (.object.serialized_dashboard | fromjson | .pages[0].displayName = "Changed" | tojson)
	else . end' "$M/dashboards.jsonl" >d && mv d "$M/dashboards.jsonl"
jq -c 'if .key == "clicks-hive-dlt" then .object.spec.development = false else . end' \
	"$M/pipelines.jsonl" >p && mv p "$M/pipelines.jsonl"
expect_exit 0 "import after the change exits 0" "$DBXMIG" import --dir "$T/migration" --session sql \
	--profile AWS --only "$KINDS" --rate-limit 0
fake_state "$aws_URL" aws3.json
check "nothing is created by the update" test "$(creates "$aws_URL")" -eq "$c0" -a "$(sql_creates)" -eq "$s0"
check "the query, the alert, the dashboard and the pipeline are updated in place" jq_ok '
	[.queries[] | select(.display_name == "Daily revenue by region") | .description] == ["changed"] and
	[.alerts[].seconds_to_retrigger] == [600] and
	[.dashboards[] | select(.published) | .published.embed_credentials,
	 (.serialized_dashboard | fromjson | .pages[0].displayName)] == [false, "Changed"] and
	[.pipelines[] | select(.name == "clicks-hive-dlt") | .spec.development] == [false] and
	(.queries | length) == 3 and (.dashboards | length) == 1 and (.pipelines | length) == 2' aws3.json
expect_exit 0 "validate after the update exits 0" "$DBXMIG" validate --dir "$T/migration" --session sql --profile AWS \
	--settings "$ROOT/rules/validate.lua"
done_testing
