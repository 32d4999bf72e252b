#!/bin/sh
# The extended seed (SQL objects, Unity Catalog, Hive metastore, DLT):
# every kind loads, is served by its API, and a state dump used as a seed
# gives the same dump back; a job's pipeline_task may point at a seeded
# pipeline; a seed with a broken file names it.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"
SEED=$ROOT/fixtures/azure-workspace

start_fake a --cloud azure --seed "$SEED" --page-size 2 || exit 1
FW=$a_URL
check "the seed loads without a warning" sh -c "! grep -q . '$T/a.fake.err'"
curl -sf "$FW/__fake/state" >dump1.json
for k in queries alerts dashboards sql_dashboards catalogs schemas tables volumes external_locations storage_credentials grants hive_metastore pipelines; do
	n=$(jq --arg k "$k" '.[$k] | length' dump1.json)
	m=$(jq length "$SEED/$k.json")
	check "$k: all $m seeded objects are in the state" [ "$n" = "$m" ]
done
pages /api/2.0/sql/queries results
check "queries listed over pages" [ "$(jq length all.json)" = 3 ]
call GET /api/2.0/sql/alerts/7e2a9c41-3b5d-4f60-8a1b-2c3d4e5f6a71
jqok "the alert names a seeded query" '.query_id == "4b1f8e3a-7c2d-4e5f-9a0b-1c2d3e4f5a62"'
call GET /api/2.0/lakeview/dashboards/01ef2a7c9b3d1e5f8a0b2c4d6e8f0a1b/published
jqok "the Lakeview dashboard is published on the warehouse" '.warehouse_id == "9a1c2e4f6b8d0a13"'
call GET "/api/2.0/preview/sql/dashboards"
jqok "the legacy dashboard is listed" '.count == 1 and .results[0].name == "Ops (legacy)"'
pages "/api/2.1/unity-catalog/schemas?catalog_name=contoso_prod" schemas
check "UC schemas of contoso_prod over pages" sh -c "jq -e '[.[].name] == [\"default\", \"information_schema\", \"sales\", \"raw\"]' all.json >/dev/null"
pages "/api/2.1/unity-catalog/tables?catalog_name=contoso_prod&schema_name=raw" tables
check "external tables on abfss" sh -c "jq -e 'all(.[]; .table_type == \"EXTERNAL\" and (.storage_location | startswith(\"abfss://raw@\")))' all.json >/dev/null"
call GET /api/2.1/unity-catalog/permissions/catalog/contoso_prod
jqok "grants to groups and an SP" '[.privilege_assignments[].principal] == ["analysts", "data-engineers", "3f2b6c1e-9a47-4d0e-b8a5-71c2d9e4f061"]'
call POST /api/2.0/sql/statements '{"warehouse_id": "9a1c2e4f6b8d0a13", "statement": "SHOW CREATE TABLE hive_metastore.sales_legacy.weekly_kpis"}'
jqok "Hive views come back as DDL" '.result.data_array[0][0] | startswith("CREATE VIEW spark_catalog.sales_legacy.weekly_kpis\nAS SELECT")'
call GET /api/2.0/pipelines/2c3d4e5f-7777-4a8b-9c0d-1e2f3a4b5c01
jqok "the DLT pipeline runs on Standard_ node types" '.spec.clusters[0].node_type_id == "Standard_DS3_v2" and .spec.catalog == "contoso_prod"'
call POST /api/2.1/jobs/create '{"name": "orders-dlt-refresh", "tasks": [{"task_key": "refresh", "pipeline_task": {"pipeline_id": "2c3d4e5f-7777-4a8b-9c0d-1e2f3a4b5c01"}}]}'
is 200 "a job can point its pipeline_task at the seeded pipeline"
call PATCH /api/2.1/unity-catalog/permissions/table/contoso_prod.sales.orders '{"changes": [{"principal": "analysts", "add": ["SELECT"]}]}'
call POST /api/2.0/sql/statements '{"warehouse_id": "9a1c2e4f6b8d0a13", "statement": "CREATE TABLE marketing.leads (id BIGINT, email STRING)"}'
curl -sf "$FW/__fake/state" >dump2.json

# the Hive DDL the source answers replays on an AWS fake once locations are
# rewritten (tables first, then views), and reads back the same
start_fake w --cloud aws || exit 1
FW=$w_URL
call POST /api/2.0/sql/warehouses '{"name": "w", "cluster_size": "Small"}'
wb=$(jq -r .id body.json)
stmt() {	# stmt URL WAREHOUSE SQL: the reply in body.json
	FW=$1 call POST /api/2.0/sql/statements "$(jq -n --arg w "$2" --arg s "$3" '{warehouse_id: $w, statement: $s}')"
}
to_s3() { sed 's#abfss://\([a-z]*\)@[a-z]*\.dfs\.core\.windows\.net#s3://contoso-\1#; s#wasbs://\([a-z]*\)@[a-z]*\.blob\.core\.windows\.net#s3://contoso-\1#'; }
replayed=0 failed=0
: >ddl.src
for kind in TABLE VIEW; do
	for db in $(jq -r '.[].name' "$SEED/hive_metastore.json"); do
		[ "$kind" = TABLE ] && { stmt "$w_URL" "$wb" "CREATE DATABASE IF NOT EXISTS $db"; }
		for t in $(jq -r --arg db "$db" --arg k "$kind" '.[] | select(.name == $db) | .tables[] | select((.table_type == "VIEW") == ($k == "VIEW")) | .name' "$SEED/hive_metastore.json"); do
			stmt "$a_URL" 9a1c2e4f6b8d0a13 "SHOW CREATE TABLE $db.$t"
			jq -r '.result.data_array[0][0]' body.json >ddl.txt
			cat ddl.txt >>ddl.src
			stmt "$w_URL" "$wb" "$(to_s3 <ddl.txt)"
			if jq -e '.status.state == "SUCCEEDED"' body.json >/dev/null; then replayed=$((replayed + 1)); else failed=$((failed + 1)); head -c 300 body.json; echo; fi
		done
	done
done
check "every seeded Hive table and view replays on aws (5, none failed)" [ "$replayed:$failed" = 5:0 ]
: >ddl.dst
for db in $(jq -r '.[].name' "$SEED/hive_metastore.json"); do
	for kind in TABLE VIEW; do
		for t in $(jq -r --arg db "$db" --arg k "$kind" '.[] | select(.name == $db) | .tables[] | select((.table_type == "VIEW") == ($k == "VIEW")) | .name' "$SEED/hive_metastore.json"); do
			stmt "$w_URL" "$wb" "SHOW CREATE TABLE $db.$t"
			jq -r '.result.data_array[0][0]' body.json >>ddl.dst
		done
	done
done
to_s3 <ddl.src | sort >x1
sort ddl.dst >x2
check "... and reads back as the source DDL with s3 locations" sh -c "cmp -s x1 x2 && grep -q s3://contoso-legacy x2 && ! grep -q abfss x2"
FW=$a_URL

mkdir seed2
for k in $(jq -r 'keys[] | select(. != "cloud")' dump2.json); do jq ".$k" dump2.json >seed2/$k.json; done
start_fake b --cloud azure --seed seed2 || exit 1
curl -sf "$b_URL/__fake/state" >dump3.json
check "dump -> seed -> dump is identical with every new kind" cmp -s dump2.json dump3.json
check "the dump keeps secret values (a dump must work as a seed)" sh -c "jq -e '[.secrets[].keys[] | select(.value != null)] | length > 0' dump3.json >/dev/null"

cp -r seed2 seed3
echo '[{"name": "x"' >seed3/pipelines.json
expect_exit 2 "a broken seed file stops the fake" "$FAKEWS" --port 0 --seed seed3
check "... naming the file and line" grep -q "pipelines.json:[0-9]*: invalid JSON" err.txt
cp -r seed2 seed4
echo '[]' >seed4/models.json
start_fake c --cloud azure --seed seed4 || exit 1
check "an unknown seed file is ignored with a warning" grep -q "models.json: kind 'models' not served yet, ignored" "$T/c.fake.err"
done_testing
