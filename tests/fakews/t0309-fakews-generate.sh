#!/bin/sh
# --generate: synthetic objects valid for the cloud, deterministic, and
# reachable through the paged APIs; bad specs are usage errors. A
# generated workspace with every kind (scale=N) exports with no failure,
# as many objects per kind as /__fake/state holds, and its Hive databases
# read back through the statement API; it migrates into an AWS fake as a
# whole (one storage_map line, a credential_map line per credential): no
# failure, no difference.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"
jq_ok() { jq -e "$@" >/dev/null; }

expect_exit 2 "an unknown kind in --generate is a usage error" "$FAKEWS" --generate planes=3
check "... naming it" contains err.txt "planes"
expect_exit 2 "a negative count is a usage error" "$FAKEWS" --generate jobs=-1

start_fake a --cloud aws --generate jobs=250,clusters=120,notebooks=450,users=130 || exit 1
start_fake b --cloud aws --generate jobs=250,clusters=120,notebooks=450,users=130 || exit 1
curl -sf "$a_URL/__fake/state" >a.json
curl -sf "$b_URL/__fake/state" >b.json
check "the counts asked for" sh -c "jq -e '(.jobs | length) == 250 and (.clusters | length) == 120 and (.users | length) == 131 and ([.workspace[] | select(.object_type == \"NOTEBOOK\")] | length) == 450' a.json >/dev/null"
check "generation is deterministic" cmp -s a.json b.json
FW=$a_URL
n=0 tok=""
while :; do
	call GET "/api/2.1/jobs/list?limit=100${tok:+&page_token=$tok}"
	n=$((n + $(jq '.jobs // [] | length' body.json)))
	tok=$(jq -r '.next_page_token // empty' body.json)
	[ "$(jq -r .has_more body.json)" = true ] || break
done
check "jobs/list pages through all 250" [ "$n" = 250 ]
jid=$(jq '.jobs[0].job_id' a.json)
call GET "/api/2.1/jobs/get?job_id=$jid"
jqok "a generated job has tasks on a job cluster with an aws node type" '.settings.job_clusters[0].new_cluster.node_type_id == "i3.xlarge" and (.settings.tasks | length) == 2'
call POST /api/2.1/jobs/reset "{\"job_id\": $jid, \"new_settings\": $(jq -c .settings body.json)}"
is 200 "a generated job passes the fake's own validation"
call GET "/api/2.0/preview/scim/v2/Users?startIndex=101&count=100"
jqok "users page by startIndex (130 generated + the built-in admin)" '.totalResults == 131 and (.Resources | length) == 31'

# ---- every kind, in proportion ----
expect_exit 2 "queries without a warehouse are a usage error" "$FAKEWS" --generate queries=3
check "... saying what to add" contains err.txt "sql_warehouses=N"
expect_exit 2 "tables without a schema are a usage error" "$FAKEWS" --generate tables=3
check "... saying what to add" contains err.txt "schemas=N"
start_fake c --cloud azure --generate scale=40 --random-seed 11 || exit 1
start_fake d --cloud azure --generate scale=40 --random-seed 11 || exit 1
curl -sf "$c_URL/__fake/state" >c.json
curl -sf "$d_URL/__fake/state" >d.json
check "scale=40: every kind is generated, in proportion" jq_ok '
	(.users | length) == 41 and (.jobs | length) == 40 and (.clusters | length) == 20 and
	(.sql_warehouses | length) == 2 and (.queries | length) == 20 and (.alerts | length) == 4 and
	(.dashboards | length) == 4 and (.pipelines | length) == 4 and (.storage_credentials | length) == 1 and
	(.external_locations | length) == 2 and (.catalogs | length) == 2 and (.schemas | length) == 12 and
	(.tables | length) == 40 and (.volumes | length) == 4 and (.hive_metastore | length) == 2' c.json
check "generation of every kind is deterministic" cmp -s c.json d.json
check "cross-references point at existing objects" jq_ok '
	([.sql_warehouses[].id]) as $w | ([.queries[].id]) as $q | ([.catalogs[].name]) as $c |
	([.schemas[].full_name]) as $s | ([.storage_credentials[].name]) as $cr | ([.pipelines[].pipeline_id]) as $p |
	([.external_locations[].url]) as $l | ([.workspace[] | select(.object_type == "NOTEBOOK") | .path]) as $nb |
	all(.queries[]; .warehouse_id | IN($w[])) and all(.alerts[]; .query_id | IN($q[])) and
	all(.dashboards[]; .warehouse_id | IN($w[])) and all(.external_locations[]; .credential_name | IN($cr[])) and
	all(.schemas[]; .catalog_name | IN($c[])) and
	all(.tables[], .volumes[]; "\(.catalog_name).\(.schema_name)" | IN($s[])) and
	all(.tables[], .volumes[], .catalogs[]; (.storage_root // .storage_location // "") as $u |
	    ((.table_type // .volume_type // "EXTERNAL") != "EXTERNAL") or ($u == "") or any($l[]; . as $x | $u | startswith($x))) and
	all(.pipelines[].spec; (.catalog == null or (.catalog | IN($c[]))) and all(.libraries[]; .notebook.path | IN($nb[]))) and
	all(.jobs[].settings.tasks[]; (.pipeline_task.pipeline_id // $p[0]) | IN($p[]))' c.json
check "tables mix managed, external and views; volumes managed and external" jq_ok '
	([.tables[].table_type] | unique) == ["EXTERNAL", "MANAGED", "VIEW"] and ([.volumes[].volume_type] | unique) == ["EXTERNAL", "MANAGED"]' c.json
write_cfg cfg C "$c_URL" t
expect_exit 0 "export of the generated workspace exits 0" env DATABRICKS_CONFIG_FILE="$T/cfg" "$DBXMIG" -q export \
	--profile C --session g --dir "$T/m" --cloud azure
check "... and fails no object" sh -c '! ls "$1"/logs/failed_* >/dev/null 2>&1' sh "$T/m/g"
# count FILE KIND: how many objects of KIND a state dump holds
jq -r 'to_entries[] | select(.value | type == "array") | "\(.key) \(.value | length)"' c.json >c.counts
count() { sed -n "s/^$2 //p" "$1"; }
for k in users clusters jobs sql_warehouses queries alerts dashboards pipelines storage_credentials \
	external_locations catalogs tables volumes; do
	check "$k: as many exported as the fake holds" test "$(grep -c . "$T/m/g/export/$k.jsonl")" -eq "$(count c.counts $k)"
done
check "schemas: all exported but the built-in information_schema" test "$(grep -c . "$T/m/g/export/schemas.jsonl")" -eq \
	"$(jq '[.schemas[] | select(.name != "information_schema")] | length' c.json)"
check "notebooks: all exported" test "$(jq -s '[.[] | select(.object.object_type == "NOTEBOOK")] | length' "$T/m/g/export/workspace.jsonl")" -eq \
	"$(jq '[.workspace[] | select(.object_type == "NOTEBOOK")] | length' c.json)"
FW=$c_URL
call POST /api/2.0/sql/statements "{\"warehouse_id\": \"$(jq -r '.sql_warehouses[0].id' c.json)\", \"statement\": \"SHOW TABLES IN gen_hive_db_1\"}"
jqok "a generated Hive database reads back through the statement API" '.status.state == "SUCCEEDED" and
	([.result.data_array[][1]] | sort) == ["events", "events_by_label", "imports"]'

# ---- the generated workspace migrates as a whole ----
start_fake aws --cloud aws || exit 1
write_cfg cfg AWS "$aws_URL" t
printf 'abfss://gen@genlake.dfs.core.windows.net,s3://gen-lake\n' >storage.csv
jq -r '.storage_credentials[] | "\(.name),arn:aws:iam::123456789012:role/\(.name)"' c.json >cred.csv
# from the source tree: validate reads rules/validate.lua there
migrate() {
	(cd "$ROOT" && DATABRICKS_CONFIG_FILE="$T/cfg" "$DBXMIG" migrate --from C --to AWS --session mg --dir "$T/m" \
		--cloud azure --rules rules/azure_to_aws.lua --var storage_map="$T/storage.csv" \
		--var credential_map="$T/cred.csv")
}
expect_exit 0 "migrate of the generated workspace into an AWS fake exits 0" migrate
check "... fails no object and validates with no difference" sh -c \
	'! ls "$1"/logs/failed_* >/dev/null 2>&1 && grep -q "no differences" out.txt' sh "$T/m/mg"
curl -sf "$aws_URL/__fake/state" >aws.json
jq -r 'to_entries[] | select(.value | type == "array") | "\(.key) \(.value | length)"' aws.json >aws.counts
for k in sql_warehouses queries alerts dashboards pipelines storage_credentials external_locations catalogs volumes jobs; do
	check "$k: all of them in the target" test "$(count aws.counts $k)" -eq "$(count c.counts $k)"
done
check "external Delta tables land on S3; the others are manual" sh -c '
	[ "$(jq "[.tables[] | select(.storage_location | startswith(\"s3://gen-lake/\"))] | length" aws.json)" -eq \
	  "$(jq "[.tables[] | select(.table_type == \"EXTERNAL\")] | length" c.json)" ] &&
	[ "$(grep -c "\"kind\":\"tables\"" "$1"/import/manual.jsonl)" -eq \
	  "$(jq "[.tables[] | select(.table_type != \"EXTERNAL\")] | length" c.json)" ]' sh "$T/m/mg"
done_testing
