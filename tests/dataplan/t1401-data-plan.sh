#!/bin/sh
# dbxmig data-plan: per table and volume of a session, the statements and
# file copies that move its data (Delta Sharing + DEEP CLONE for managed
# Delta tables, a file copy to the mapped location for external ones, none
# for views), written to DIR/S/data-plan.sql; it moves no data and says so.
# The tables and volumes records are made from the fixture's (this build
# does not export them yet); mapped/ as the rules would leave it (catalog
# renamed, storage mapped, one table dropped).
. "$(dirname "$0")/../lib.sh"

SEED=$ROOT/fixtures/azure-workspace
start_fake az --cloud azure --seed "$SEED" --token tok || exit 1
write_cfg cfg AZ "$az_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg

expect_exit 2 "without --session" "$DBXMIG" data-plan
expect_exit 2 "a missing session" "$DBXMIG" data-plan --session nope
check "... says so" contains err.txt "no session 'nope'"

expect_exit 0 "export of the catalogs" "$DBXMIG" export --profile AZ --session s --only catalogs --rate-limit 0
S=$T/migration/s
expect_exit 0 "data-plan of a session without tables" "$DBXMIG" data-plan --session s
check "... writes a plan that says there is nothing to plan" contains "$S/data-plan.sql" "nothing to plan"
check "... says it moves no data" contains out.txt "dbxmig moved no data"

jq -c '.[] | {key: .full_name, id: .table_id, object: .}' "$SEED/tables.json" >"$S/export/tables.jsonl"
jq -c '.[] | {key: .full_name, id: .volume_id, object: .}' "$SEED/volumes.json" >"$S/export/volumes.jsonl"
mkdir -p "$S/mapped"
map='.object |= walk(if type == "string" then
	sub("^abfss://raw@contosolake\\.dfs\\.core\\.windows\\.net"; "s3://contoso-raw") |
	sub("^contoso_prod\\."; "prod.") else . end)'
jq -c "select(.key != \"sandbox.churn.features\") | $map" "$S/export/tables.jsonl" >"$S/mapped/tables.jsonl"
jq -c "$map" "$S/export/volumes.jsonl" >"$S/mapped/volumes.jsonl"

before=$(curl -sf "$az_URL/__fake/requests")
expect_exit 0 "data-plan" "$DBXMIG" data-plan --session s
P=$S/data-plan.sql
check "it calls no API" test "$(curl -sf "$az_URL/__fake/requests")" = "$before"
check "the summary counts what it planned" contains out.txt \
	"1 table(s) through Delta Sharing, 2 by file copy, 1 without data, 2 volume(s), 0 without a target location, 1 not planned (dropped)"
check "... and says it moved no data" contains out.txt "dbxmig moved no data"
check "the plan says so too" contains "$P" "dbxmig moves no data"
check "a managed Delta table is added to the share under a collision-free alias" contains "$P" \
	'ALTER SHARE `dbxmig_s` ADD TABLE `contoso_prod`.`sales`.`orders` AS `contoso_prod__sales`.`orders`;'
check "... and deep-cloned into its mapped name on the target" contains "$P" \
	'CREATE OR REPLACE TABLE `prod`.`sales`.`orders` DEEP CLONE `dbxmig_s_src`.`contoso_prod__sales`.`orders`;'
check "an external Delta table: a file copy to the mapped location" contains "$P" \
	'-- [copy] the files of abfss://raw@contosolake.dfs.core.windows.net/clickstream to s3://contoso-raw/clickstream'
check "... then registered there" contains "$P" \
	"CREATE TABLE IF NOT EXISTS \`prod\`.\`raw\`.\`clickstream\` USING DELTA LOCATION 's3://contoso-raw/clickstream';"
check "an external CSV table keeps its columns" sh -c "grep -F 'CREATE TABLE IF NOT EXISTS \`prod\`.\`raw\`.\`partner_feed\` (' '$P' | grep -F 'USING CSV LOCATION' | grep -q 'NOT NULL\\|STRING'"
check "a view holds no data" sh -c "grep -A1 -F -- '-- table contoso_prod.sales.daily_revenue (VIEW)' '$P' | grep -q 'no data'"
check "a dropped table is said, not planned" contains "$P" "tables sandbox.churn.features: not in mapped/"
check "an external volume: a file copy" contains "$P" \
	'-- [copy] the files of abfss://raw@contosolake.dfs.core.windows.net/landing to s3://contoso-raw/landing'
check "a managed volume: a copy between the two /Volumes paths" contains "$P" \
	'/Volumes/sandbox/churn/models (source) to /Volumes/sandbox/churn/models (target)'
check "no Delta Sharing for what is copied" sh -c "[ \"\$(grep -c '^ALTER SHARE' '$P')\" = 1 ]"

# a location the rules left on Azure is said, not planned as a copy
jq -c '.object |= walk(if type == "string" then sub("^s3://contoso-raw/clickstream"; "abfss://raw@contosolake.dfs.core.windows.net/clickstream") else . end)' \
	"$S/mapped/tables.jsonl" >m && mv m "$S/mapped/tables.jsonl"
expect_exit 0 "data-plan with an unmapped location" "$DBXMIG" data-plan --session s --share "mig; DROP" --provider azure_prod
check "... names what is missing" contains "$P" "(no target location: map it with --var storage_map=FILE.csv"
check "... counts it" contains out.txt "1 without a target location"
check "share and provider names are reduced to identifier characters" contains "$P" \
	'CREATE CATALOG IF NOT EXISTS `mig__DROP_src` USING SHARE `azure_prod`.`mig__DROP`;'
check "no temporary file is left" sh -c "! ls '$S'/*.tmp 2>/dev/null"
done_testing
