#!/bin/sh
# Export of the SQL objects and pipelines across pages of one object each:
# legacy DBSQL dashboards page by page number (count/page/page_size), the
# others by token; a Lakeview dashboard's published state is recorded
# when it is published and absent (not an error) when it is not; the
# legacy dashboards are marked manual; the workspace tree's DASHBOARD
# objects are left to the dashboards kind (exported once).
. "$(dirname "$0")/../lib.sh"
jq_ok() { jq -e "$@" >/dev/null; }

SEED=$ROOT/fixtures/azure-workspace
start_fake src --cloud azure --seed "$SEED" --token tok --page-size 1 || exit 1
write_cfg cfg SRC "$src_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg
api() {	# METHOD PATH [BODY]: fails on HTTP >= 400
	curl -sf -o /dev/null -X "$1" -H "Authorization: Bearer tok" -H 'Content-Type: application/json' \
		${3:+--data "$3"} "$src_URL$2"
}
WH=$(jq -r '.[0].id' "$SEED/sql_warehouses.json")
for n in 2 3; do
	check "a legacy dashboard $n" api POST /api/2.0/preview/sql/dashboards "{\"name\": \"Ops $n\", \"tags\": [\"t$n\"]}"
	check "an unpublished Lakeview dashboard $n" api POST /api/2.0/lakeview/dashboards \
		"{\"display_name\": \"Draft $n\", \"parent_path\": \"/Shared/reports\", \"warehouse_id\": \"$WH\"}"
	check "a query $n" api POST /api/2.0/sql/queries \
		"{\"query\": {\"display_name\": \"q$n\", \"query_text\": \"SELECT $n\", \"warehouse_id\": \"$WH\"}}"
done
curl -sf "$src_URL/__fake/state" >state.json

expect_exit 0 "export of the SQL kinds and pipelines" "$DBXMIG" export --profile SRC --session s --cloud azure \
	--only workspace,queries,alerts,dashboards,sql_dashboards,pipelines --rate-limit 0
E=migration/s/export
for k in queries alerts dashboards sql_dashboards pipelines; do
	check "$k: every object of the source, once" test \
		"$(jq -r .key "$E/$k.jsonl" | sort -u | wc -l)" -eq "$(jq ".$k | length" state.json)"
done
check "several pages were read (one object each)" test "$(jq '.sql_dashboards | length' state.json)" -ge 3
check "legacy dashboards: fetched whole, widgets included" jq_ok -s \
	'any(.[].object; .name == "Ops (legacy)" and (.widgets | length) > 0)' "$E/sql_dashboards.jsonl"
check "legacy dashboards are marked manual" jq_ok -s \
	'all(.[].object; .manual | test("Lakeview"))' "$E/sql_dashboards.jsonl"
check "the published dashboard carries its published state" jq_ok -s \
	'[.[].object | select(.display_name == "Revenue overview") | .published.warehouse_id] | length == 1' "$E/dashboards.jsonl"
check "unpublished dashboards have none (and did not fail)" jq_ok -s \
	'[.[].object | select(.display_name | startswith("Draft")) | has("published")] == [false, false]' "$E/dashboards.jsonl"
check "the serialized dashboard comes from the get" jq_ok -s \
	'all(.[].object; .serialized_dashboard | fromjson | type == "object")' "$E/dashboards.jsonl"
check "DASHBOARD objects are not exported as workspace objects" jq_ok -s \
	'all(.[].object; .object_type != "DASHBOARD" and (.path | endswith(".lvdash.json") | not))' "$E/workspace.jsonl"
check "nothing failed" sh -c '! ls migration/s/logs/failed_* >/dev/null 2>&1'
done_testing
