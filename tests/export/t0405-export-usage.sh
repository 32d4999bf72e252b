#!/bin/sh
# Export and status command lines: usage, configuration and authentication
# errors exit 2 with a message naming the problem, before anything is
# written; failed objects are logged and exit 1.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/export/compare.sh"

mkdir seed
echo '[{"cluster_id": "0101-aaa", "cluster_name": "shared", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "cluster_source": "UI"}]' >seed/clusters.json
start_fake src --cloud azure --seed seed --token good || exit 1
write_cfg cfg SRC "$src_URL" good
write_cfg cfg BAD "$src_URL" wrong
export DATABRICKS_CONFIG_FILE=$T/cfg

expect_exit 2 "--only hive_metastore without a SQL warehouse" "$DBXMIG" export --profile SRC --session u --only jobs,hive_metastore
check "... names the kind and the option" contains err.txt "hive_metastore is read by SQL on a SQL warehouse: pass --warehouse-id ID"
expect_exit 2 "--only with a typo" "$DBXMIG" export --profile SRC --session u --only clustres
check "... suggests the kind" contains err.txt "did you mean clusters?"
expect_exit 2 "--session is required" "$DBXMIG" export --profile SRC
check "... says so" contains err.txt "--session"
expect_exit 2 "--cloud must be a cloud" "$DBXMIG" export --profile SRC --session u --cloud azur
check "... names the value" contains err.txt "'azur'"
expect_exit 2 "unknown profile" "$DBXMIG" export --profile NOPE --session u
expect_exit 2 "a refused token" "$DBXMIG" export --profile BAD --session u2 --only clusters --rate-limit 0
check "... never prints the token" sh -c '! grep -q wrong err.txt out.txt'
check "nothing was written before usage errors" test ! -e migration/u

expect_exit 0 "export of one kind" "$DBXMIG" export --profile SRC --session u --only clusters --rate-limit 0
check "only that kind was exported" sh -c '[ "$(ls migration/u/export/*.jsonl)" = migration/u/export/clusters.jsonl ]'
check "without --cloud on loopback: warned and recorded unknown" \
	jqt '.source.cloud == "unknown"' migration/u/session.json
expect_exit 0 "with --cloud later: recorded" "$DBXMIG" export --profile SRC --session u --only clusters --cloud azure --rate-limit 0
check "... as azure" jqt '.source.cloud == "azure"' migration/u/session.json

start_fake other --cloud azure --seed seed || exit 1
write_cfg cfg OTHER "$other_URL" t
expect_exit 2 "another workspace into the same session is refused" \
	"$DBXMIG" export --profile OTHER --session u --only clusters
check "... naming the first one" contains err.txt "$src_URL"

expect_exit 2 "status of a missing session" "$DBXMIG" status --session nope
expect_exit 2 "status without --session" "$DBXMIG" status
expect_exit 0 "status" "$DBXMIG" status --session u
check "status lists clusters" sh -c 'grep -Eq "^clusters +1 " out.txt'
check "status lists the Hive metastore (not read: 0)" sh -c 'grep -Eq "^hive_metastore +0 " out.txt'
done_testing
