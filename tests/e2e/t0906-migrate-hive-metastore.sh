#!/bin/sh
# End to end for what is read or written by SQL on a SQL warehouse: the
# Hive metastore (kind hive_metastore), and Unity Catalog managed tables
# and views (kind tables), which the REST API cannot create.
#
# The Hive metastore is read and written
# by SQL on a warehouse: the fixture workspace's Hive databases, managed
# and external tables and views (plus a view over a view in a database
# that sorts first, so views wait for each other) migrate from the Azure
# fake into an AWS fake with `migrate --warehouse-id` (the target
# warehouse is the migrated one, from the ID journal). The target holds
# every database, table and view, external ones on their mapped S3
# locations; validation is clean; a second migrate creates nothing. The
# source fake answers statements in chunks of 2 rows (--page-size 2).
# Without a warehouse, `--only hive_metastore` is a usage error (exit 2)
# and a run that did not name the kind leaves it out with a note; Unity
# Catalog managed tables and views stay manual follow-ups that say
# --warehouse-id would create them.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

azure_aws_fakes --page-size 2 || exit 1
WH=$(jq -r '.[0].id' "$SEED/sql_warehouses.json")
KINDS=users,groups,service_principals,sql_warehouses,hive_metastore,storage_credentials,external_locations,catalogs,tables

sql() {	# URL TOKEN WAREHOUSE STATEMENT: runs it, fails unless SUCCEEDED
	curl -sf -X POST -H "Authorization: Bearer $2" -H 'Content-Type: application/json' \
		--data "$(jq -nc --arg w "$3" --arg s "$4" '{warehouse_id: $w, statement: $s}')" \
		"$1/api/2.0/sql/statements" | jq -e '.status.state == "SUCCEEDED"' >/dev/null
}
check "source: a view in default over a view of sales_legacy" sql "$az_URL" tok-az "$WH" \
	"CREATE VIEW default.kpi_latest AS SELECT * FROM sales_legacy.weekly_kpis WHERE week > '2024-01-01'"

dbx() { (cd "$ROOT" && "$DBXMIG" "$@" --dir "$T/migration"); }
expect_exit 2 "export --only hive_metastore without a warehouse: usage error" \
	dbx export --session hv --profile AZ --cloud azure --only hive_metastore
check "... that names --warehouse-id" contains err.txt "--warehouse-id"
check "... and reads nothing" test ! -e "$T/migration/hv/export/hive_metastore.jsonl"
expect_exit 0 "export without a warehouse, the kind not named: exit 0" \
	dbx export --session other --profile AZ --cloud azure --skip workspace,jobs,clusters,repos
check "... with a note that hive_metastore was not read" contains out.txt "hive_metastore not read"

expect_exit 0 "export with --warehouse-id" dbx export --session hv --profile AZ --cloud azure --only "$KINDS" \
	--warehouse-id "$WH"
check "one record per Hive database, the empty ones aside" jq_ok -s '[.[].key] == ["default", "marketing", "sales_legacy"]' \
	"$T/migration/hv/export/hive_metastore.jsonl"
check "session.json records the source warehouse" jq_ok --arg w "$WH" '.warehouse.source == $w' "$T/migration/hv/session.json"
expect_exit 0 "transform" dbx transform --session hv --rules rules/azure_to_aws.lua \
	--var storage_map=fixtures/maps/storage_map.csv --var credential_map=fixtures/maps/credential_map.csv
check "mapped: no Azure path is left, and none is in a DDL" sh -c \
	'[ -s "$1" ] && ! grep -Eq "abfss://legacy|LOCATION" "$1"' sh "$T/migration/hv/mapped/hive_metastore.jsonl"
expect_exit 2 "import --only hive_metastore before the warehouse is imported: usage error" \
	dbx import --session hv --profile AWS --only hive_metastore
check "... that says why" contains err.txt "no target counterpart"
expect_exit 0 "import --dry-run with --warehouse-id prints the SQL" \
	dbx import --session hv --profile AWS --only hive_metastore --dry-run --warehouse-id 0123456789abcdef
check "... CREATE DATABASE with the mapped location" contains out.txt \
	"CREATE DATABASE IF NOT EXISTS \`sales_legacy\` COMMENT 'Pre-Unity-Catalog sales marts' LOCATION 's3://contoso-legacy/hive/sales_legacy.db'"
check "... tables before views" sh -c 'grep -n "^sql " out.txt | grep -m1 "CREATE VIEW" | cut -d: -f1 >v;
	[ "$(grep -n "^sql .*CREATE TABLE" out.txt | tail -1 | cut -d: -f1)" -lt "$(cat v)" ]'
fake_state "$aws_URL" dry.json
check "... and runs none" jq_ok '(.hive_metastore // []) | length == 0' dry.json

expect_exit 0 "import --dry-run --only tables without a warehouse" \
	dbx import --session hv --profile AWS --only tables --dry-run
check "... UC managed tables and views are manual, naming --warehouse-id" sh -c '
	[ "$(grep -c "^manual  tables .*created by SQL on a SQL warehouse: import with --warehouse-id" out.txt)" -eq 3 ]'

# the unmapped wasbs container of marketing.campaigns: a map line for it
cat "$ROOT/fixtures/maps/storage_map.csv" >storage.csv
echo "abfss://exports@contosolegacy.dfs.core.windows.net,s3://contoso-exports" >>storage.csv
migrate() {
	(cd "$ROOT" && "$DBXMIG" migrate --dir "$T/migration" --session hv --from AZ --to AWS --cloud azure \
		--rules rules/azure_to_aws.lua --var storage_map="$T/storage.csv" --only "$KINDS" \
		--var credential_map=fixtures/maps/credential_map.csv \
		--warehouse-id "$WH" --rate-limit 0 "$@")
}
expect_exit 0 "migrate --warehouse-id exits 0" migrate
cp out.txt migrate1.out
fake_state "$az_URL" az.json
fake_state "$aws_URL" aws.json
check "every Hive database is in the target" jq_ok --slurpfile s az.json \
	'[.hive_metastore[].name] == [$s[0].hive_metastore[].name]' aws.json
check "every table and view, with its type" jq_ok --slurpfile s az.json '
	def tabs: [.hive_metastore[] | .name as $d | .tables[] | [$d, .name, .table_type]] | sort;
	tabs == ($s[0] | tabs) and (tabs | length) == 6' aws.json
check "columns, formats and partitions carry over" jq_ok --slurpfile s az.json '
	def cols: [.hive_metastore[] | .name as $d | .tables[] | select(.table_type != "VIEW") |
		[$d, .name, (.data_source_format | ascii_upcase), .columns, (.partition_columns // [])]] | sort;
	cols == ($s[0] | cols)' aws.json
check "external tables and databases sit on the mapped S3 locations" jq_ok '
	(.hive_metastore[] | select(.name == "sales_legacy") | .location) == "s3://contoso-legacy/hive/sales_legacy.db" and
	([.hive_metastore[].tables[] | select(.table_type == "EXTERNAL") | .storage_location] | sort) ==
		["s3://contoso-exports/campaigns", "s3://contoso-legacy/hive/sales_legacy.db/orders_2022"] and
	([.hive_metastore[].tables[] | select(.table_type == "MANAGED") | .storage_location] | all(. == null))' aws.json
check "no Azure path in the target's metastore" sh -c '! jq -c .hive_metastore aws.json | grep -Eq "abfss|wasbs|windows\.net"'
check "views keep their query" jq_ok --slurpfile s az.json '
	def views: [.hive_metastore[].tables[] | select(.table_type == "VIEW") | [.name, .view_definition]] | sort;
	views == ($s[0] | views) and (views | length) == 2' aws.json
check "the statements ran on the migrated warehouse" jq_ok --arg w "$(jq -r '.sql_warehouses[0].id' aws.json)" \
	'.warehouse.target == $w' "$T/migration/hv/session.json"
check "UC managed tables are created by SQL, with columns and partitions" jq_ok --slurpfile s az.json '
	def managed: [.tables[] | select(.table_type == "MANAGED") |
		[.full_name, .data_source_format, [.columns[] | [.name, .type_text, .nullable, .comment]], (.partition_columns // [])]] | sort;
	managed == ($s[0] | managed) and (managed | length) == 2' aws.json
check "... on the target's managed storage" jq_ok \
	'[.tables[] | select(.table_type == "MANAGED") | .storage_location | select(test("windows\\.net"))] | length == 0' aws.json
check "the UC view is created by SQL after the tables it reads" jq_ok --slurpfile s az.json '
	[.tables[] | select(.table_type == "VIEW") | [.full_name, .view_definition]] ==
	[$s[0].tables[] | select(.table_type == "VIEW") | [.full_name, .view_definition]]' aws.json
check "the external CSV table stays a manual follow-up" sh -c \
	'grep "\"kind\":\"tables\"" "$1" | grep -q partner_feed && ! jq -e ".tables[] | select(.name == \"partner_feed\")" aws.json >/dev/null' \
	sh "$T/migration/hv/import/manual.jsonl"
check "grants of the SQL-created tables carry over" jq_ok --slurpfile s az.json '
	def g: [.grants[]? | select(.securable_type == "table" and (.full_name | test("orders|daily_revenue"))) |
		[.full_name, (.privilege_assignments | map([.principal, (.privileges | sort)]) | sort)]] | sort;
	g == ($s[0] | g)' aws.json
check "validation found no difference" grep -q "no differences" migrate1.out
check "validation compared the Hive metastore" jq_ok -s 'length == 3' "$T/migration/hv/validation/hive_metastore.jsonl"
expect_exit 0 "status" dbx status --session hv
check "status shows the kind: 3 exported, 3 imported" sh -c \
	'grep -Eq "^hive_metastore +3 +0 +3 +3 +0" out.txt'

ids0=$(wc -l <"$T/migration/hv/import/ids.jsonl")
expect_exit 0 "a second migrate exits 0" migrate
fake_state "$aws_URL" aws2.json
check "the second migrate changes no database, table or view" sh -c \
	'[ "$(jq -cS .hive_metastore aws.json)" = "$(jq -cS .hive_metastore aws2.json)" ]'
check "... and journals nothing new" test "$(wc -l <"$T/migration/hv/import/ids.jsonl")" -eq "$ids0"
check "... its import counts every database as already there" sh -c \
	'grep -Eq "^hive_metastore +0 +0 +0 +3 +0" out.txt'

expect_exit 0 "data-plan" dbx data-plan --session hv
P=$T/migration/hv/data-plan.sql
check "data-plan: a managed Delta table by DEEP CLONE" contains "$P" \
	"DEEP CLONE hive_metastore.\`sales_legacy\`.\`weekly_kpis_base\`;"
check "... a managed Parquet one through files" contains "$P" \
	"INSERT OVERWRITE DIRECTORY '<staging path>/default/tmp_scratch' USING parquet"
check "... external ones by a file copy to the mapped location" contains "$P" \
	"to s3://contoso-exports/campaigns"
check "... and it says it moved nothing" contains out.txt "moved no data"
done_testing
