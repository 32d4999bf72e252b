#!/bin/sh
# SQL Statement Execution (/api/2.0/sql/statements) over the fake's SQL
# subset: Hive metastore DDL (databases, managed and external tables,
# views whose tables must exist), SHOW DATABASES / TABLES / CREATE TABLE,
# DESCRIBE TABLE EXTENDED, DROP; UC tables created by SQL and read back
# through the UC tables API; everything else FAILED with a clear message.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

start_fake a --cloud azure || exit 1
FW=$a_URL
call POST /api/2.0/sql/warehouses '{"name": "wh", "cluster_size": "Small"}'
wh=$(jq -r .id body.json)
# sql STATEMENT [EXTRA_JSON_FIELDS]: runs it on the warehouse
sql() { call POST /api/2.0/sql/statements "{\"warehouse_id\": \"$wh\", \"statement\": $(printf '%s' "$1" | jq -Rs .)${2:+, $2}}"; }
succeeded() { jqok "$1" '.status.state == "SUCCEEDED"'; }
failed() {	# failed DESC PATTERN
	if jq -e --arg p "$2" '.status.state == "FAILED" and (.status.error.message | test($p))' body.json >/dev/null; then ok "$1"
	else nok "$1"; head -c 400 body.json | sed 's/^/# /'; echo; fi
}

call POST /api/2.0/sql/statements '{"warehouse_id": "nope", "statement": "SHOW DATABASES"}'
err 404 RESOURCE_DOES_NOT_EXIST "a missing warehouse is 404"
call POST /api/2.0/sql/statements "{\"warehouse_id\": \"$wh\"}"
err 400 INVALID_PARAMETER_VALUE "statement is required"
sql "SHOW DATABASES" '"wait_timeout": "3s"'
err 400 INVALID_PARAMETER_VALUE "wait_timeout between 1s and 4s is refused"

sql "SHOW DATABASES"
jqok "a fresh metastore has default; result shape: manifest + data_array" '.status.state == "SUCCEEDED" and .manifest.format == "JSON_ARRAY" and .manifest.schema.columns[0].name == "databaseName" and .manifest.total_row_count == 1 and .result.data_array == [["default"]]'
sql "CREATE DATABASE sales LOCATION 's3://bucket/sales.db'"
failed "azure: an s3 database location FAILS" "INVALID_LOCATION.*not reachable"
sql "CREATE DATABASE IF NOT EXISTS Sales COMMENT 'marts' LOCATION 'abfss://lake@acct.dfs.core.windows.net/hive/sales.db'"
succeeded "CREATE DATABASE with comment and location"
sql "CREATE SCHEMA sales"
failed "creating it again FAILS" "SCHEMA_ALREADY_EXISTS"
sql "CREATE SCHEMA IF NOT EXISTS sales"
succeeded "... unless IF NOT EXISTS"
sql "CREATE TABLE sales.orders (id BIGINT NOT NULL, region STRING COMMENT 'ISO code', amount DECIMAL(12,2), tags ARRAY<STRING>) USING DELTA PARTITIONED BY (region)"
succeeded "a managed Delta table"
sql "CREATE TABLE hive_metastore.sales.raw_orders (id BIGINT, payload STRING) USING JSON LOCATION 'abfss://lake@acct.dfs.core.windows.net/raw/orders'"
succeeded "an external JSON table (3-part name)"
sql "CREATE TABLE sales.orders (id INT)"
failed "a second CREATE TABLE FAILS" "TABLE_OR_VIEW_ALREADY_EXISTS"
sql "CREATE TABLE nodb.t (id INT)"
failed "a table in a missing database FAILS" "SCHEMA_NOT_FOUND"
sql "CREATE TABLE sales.t (id INT) USING EXCEL"
failed "an unknown data source FAILS" "UNSUPPORTED_DATASOURCE"
sql "CREATE TABLE sales.t (id INT"
failed "a syntax error FAILS and says where" "PARSE_SYNTAX_ERROR.*end of input"
sql "CREATE VIEW sales.big AS SELECT o.id FROM sales.orders o JOIN sales.missing m ON o.id = m.id"
failed "a view on a missing table FAILS" "TABLE_OR_VIEW_NOT_FOUND.*missing"
sql "CREATE VIEW sales.by_year AS SELECT EXTRACT(YEAR FROM o.ts) AS y, count(*) AS n FROM (SELECT * FROM sales.gone) o GROUP BY 1"
failed "FROM inside a function call is no table, FROM in a subquery is" "TABLE_OR_VIEW_NOT_FOUND.*`sales`.`gone`"
sql "CREATE VIEW sales.cte AS WITH big AS (SELECT * FROM sales.gone2) SELECT * FROM big"
failed "a WITH name is no table, the table it reads is" "TABLE_OR_VIEW_NOT_FOUND.*`sales`.`gone2`"
sql "CREATE VIEW sales.cte AS WITH big AS (SELECT * FROM sales.orders WHERE amount > 9) SELECT id FROM big"
succeeded "a view over a WITH clause on an existing table"
sql "DROP VIEW sales.cte"
succeeded "(dropped again)"
sql "CREATE VIEW big_orders AS SELECT id, amount FROM orders WHERE amount > 100" '"schema": "sales"'
succeeded "a view (names resolved in the request's schema)"

sql "SHOW TABLES IN sales"
jqok "SHOW TABLES: database, tableName, isTemporary, sorted" '.result.data_array == [["sales", "big_orders", "false"], ["sales", "orders", "false"], ["sales", "raw_orders", "false"]] and ([.manifest.schema.columns[].name] == ["database", "tableName", "isTemporary"])'
sql "SHOW CREATE TABLE sales.orders"
jqok "SHOW CREATE TABLE gives the DDL back" '.result.data_array[0][0] == "CREATE TABLE spark_catalog.sales.orders (\n  id BIGINT NOT NULL,\n  region STRING COMMENT '"'"'ISO code'"'"',\n  amount DECIMAL(12,2),\n  tags ARRAY<STRING>)\nUSING delta\nPARTITIONED BY (region)\n"'
sql "SHOW CREATE TABLE sales.raw_orders"
jqok "... with LOCATION for an external table" '.result.data_array[0][0] | test("USING json\nLOCATION '"'"'abfss://lake@acct.dfs.core.windows.net/raw/orders'"'"'")'
sql "SHOW CREATE TABLE sales.big_orders"
jqok "... and the query of a view" '.result.data_array[0][0] == "CREATE VIEW spark_catalog.sales.big_orders\nAS SELECT id, amount FROM orders WHERE amount > 100\n"'
sql "DESCRIBE TABLE EXTENDED sales.raw_orders"
jqok "DESCRIBE TABLE EXTENDED: columns then the detailed information" '.result.data_array[0] == ["id", "BIGINT", null] and (.result.data_array | map(select(.[0] == "Type" or .[0] == "Location" or .[0] == "Provider")) == [["Type", "EXTERNAL", ""], ["Provider", "json", ""], ["Location", "abfss://lake@acct.dfs.core.windows.net/raw/orders", ""]])'
sql "DESCRIBE DATABASE EXTENDED sales"
jqok "DESCRIBE DATABASE gives comment and location" '.result.data_array == [["Catalog Name", "spark_catalog"], ["Namespace Name", "sales"], ["Comment", "marts"], ["Location", "abfss://lake@acct.dfs.core.windows.net/hive/sales.db"], ["Owner", "root"]]'
sql "DESCRIBE SCHEMA default"
jqok "... and the warehouse default for a database without one" '.result.data_array[3] == ["Location", "dbfs:/user/hive/warehouse"]'
sql "DESCRIBE TABLE sales.nope"
failed "describing a missing table FAILS" "TABLE_OR_VIEW_NOT_FOUND"

sql "SELECT * FROM sales.orders"
failed "a SELECT is not run, and the answer says so" "UNSUPPORTED_FEATURE.*SELECT.*not run"
sql "INSERT INTO sales.orders VALUES (1, 'x', 1.0, array())"
failed "nor an INSERT" "UNSUPPORTED_FEATURE.*INSERT"
call GET "/__fake/state"
jqok "failed statements change nothing" '[.hive_metastore[] | select(.name == "sales") | .tables[].name] == ["orders", "raw_orders", "big_orders"]'

sql "SHOW DATABASES" '"wait_timeout": "0s"'
jqok "wait_timeout 0s answers PENDING" '.status.state == "PENDING" and (.statement_id | length > 0) and (has("result") | not)'
sid=$(jq -r .statement_id body.json)
call GET "/api/2.0/sql/statements/$sid"
jqok "... and GET gives the result" '.status.state == "SUCCEEDED" and .result.data_array == [["default"], ["sales"]]'
call GET /api/2.0/sql/statements/nope
err 404 RESOURCE_DOES_NOT_EXIST "an unknown statement is 404"

sql "DROP TABLE sales.big_orders"
failed "DROP TABLE on a view FAILS" "EXPECT_TABLE_NOT_VIEW"
sql "DROP VIEW sales.big_orders"
succeeded "DROP VIEW"
sql "DROP DATABASE sales"
failed "dropping a non-empty database FAILS" "SCHEMA_NOT_EMPTY"
sql "DROP DATABASE sales CASCADE"
succeeded "... unless CASCADE"
sql "DROP TABLE IF EXISTS sales.orders"
succeeded "DROP ... IF EXISTS of something gone succeeds"

# Unity Catalog tables are created by SQL and read through the UC API
call POST /api/2.1/unity-catalog/storage-credentials '{"name": "mi", "azure_managed_identity": {"access_connector_id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Databricks/accessConnectors/ac"}}'
call POST /api/2.1/unity-catalog/external-locations '{"name": "raw", "url": "abfss://raw@acct.dfs.core.windows.net/", "credential_name": "mi"}'
call POST /api/2.1/unity-catalog/catalogs '{"name": "main"}'
sql "CREATE SCHEMA main.sales COMMENT 'uc'"
succeeded "CREATE SCHEMA in a UC catalog"
sql "CREATE TABLE main.sales.orders (id BIGINT NOT NULL, amount DECIMAL(10,2))"
succeeded "a UC managed table"
sql "CREATE TABLE main.sales.ext (id BIGINT) USING PARQUET LOCATION 'abfss://elsewhere@acct.dfs.core.windows.net/x'"
failed "a UC external table outside every external location FAILS" "no external location covers"
sql "CREATE TABLE main.sales.ext (id BIGINT) USING PARQUET LOCATION 'abfss://raw@acct.dfs.core.windows.net/ext'"
succeeded "a UC external table"
sql "CREATE VIEW main.sales.v AS SELECT id FROM main.sales.orders"
succeeded "a UC view"
call GET "/api/2.1/unity-catalog/tables?catalog_name=main&schema_name=sales"
jqok "the UC tables API lists them" '[.tables[] | .name + ":" + .table_type] == ["orders:MANAGED", "ext:EXTERNAL", "v:VIEW"]'
call GET /api/2.1/unity-catalog/tables/main.sales.orders
jqok "TableInfo: columns with type_text/type_name/position, format, location" '.columns == [{"name": "id", "nullable": false, "type_text": "BIGINT", "type_name": "LONG", "position": 0}, {"name": "amount", "nullable": true, "type_text": "DECIMAL(10,2)", "type_name": "DECIMAL", "position": 1}] and .data_source_format == "DELTA" and (.storage_location | startswith("abfss://")) and .full_name == "main.sales.orders"'
call GET /api/2.1/unity-catalog/tables/main.sales.v
jqok "a view carries view_definition" '.view_definition == "SELECT id FROM main.sales.orders"'
sql "SHOW TABLES IN main.sales"
jqok "SHOW TABLES in a UC schema" '[.result.data_array[][1]] == ["ext", "orders", "v"]'
call PATCH /api/2.1/unity-catalog/tables/main.sales.orders '{"comment": "x"}'
err 400 INVALID_PARAMETER_VALUE "PATCH tables changes the owner only"
call PATCH /api/2.1/unity-catalog/tables/main.sales.orders '{"owner": "nobody@nowhere"}'
err 400 INVALID_PARAMETER_VALUE "... to a principal that exists"
call PATCH /api/2.1/unity-catalog/tables/main.sales.orders '{"owner": "admins"}'
jqok "PATCH tables sets the owner" '.owner == "admins" and .full_name == "main.sales.orders"'
call DELETE /api/2.1/unity-catalog/tables/main.sales.ext
is 200 "a UC table deleted through the API"
sql "CREATE CATALOG c2"
failed "CREATE CATALOG is not run (the REST API creates catalogs)" "UNSUPPORTED_FEATURE.*CREATE CATALOG"

# results in chunks: a fake with --page-size 2 cuts every 2 rows
start_fake b --cloud azure --page-size 2 || exit 1
FW=$b_URL
call POST /api/2.0/sql/warehouses '{"name": "wh", "cluster_size": "Small"}'
wh=$(jq -r .id body.json)
for d in d1 d2 d3 d4; do sql "CREATE DATABASE $d"; done
sql "SHOW DATABASES"
jqok "a large result: chunk 0 inline, the manifest lists every chunk" '.result.data_array == [["d1"], ["d2"]] and .result.next_chunk_index == 1 and (.result.next_chunk_internal_link | endswith("/result/chunks/1")) and .manifest.total_chunk_count == 3 and .manifest.total_row_count == 5 and ([.manifest.chunks[].row_count] == [2, 2, 1])'
sid=$(jq -r .statement_id body.json)
call GET "/api/2.0/sql/statements/$sid/result/chunks/1"
jqok "GET .../result/chunks/1: the next rows and the next index" '.chunk_index == 1 and .row_offset == 2 and .data_array == [["d3"], ["d4"]] and .next_chunk_index == 2'
call GET "/api/2.0/sql/statements/$sid/result/chunks/2"
jqok "... the last chunk names no next one" '.data_array == [["default"]] and (has("next_chunk_index") | not)'
call GET "/api/2.0/sql/statements/$sid/result/chunks/3"
err 400 INVALID_PARAMETER_VALUE "a chunk past the end is refused"
call GET "/api/2.0/sql/statements/$sid"
jqok "GET of the statement gives chunk 0 again" '.result.data_array == [["d1"], ["d2"]] and .result.next_chunk_index == 1'
done_testing
