#!/bin/sh
# Unity Catalog schemas and volumes are listed per catalog and per schema:
# every one of the fixture's is exported once, also when the fake pages
# each list one item at a time (with the empty pages that still carry a
# token); --only schemas brings catalogs along; --skip catalogs leaves the
# kinds listed under them out.
. "$(dirname "$0")/../lib.sh"

SEED=$ROOT/fixtures/azure-workspace
start_fake az --cloud azure --seed "$SEED" --token tok --page-size 1 || exit 1
write_cfg cfg AZ "$az_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg
X="$DBXMIG export --profile AZ --cloud azure --rate-limit 0"

jqq() { jq "$@" >/dev/null; }
keys() { jq -r .key "migration/$1/export/$2.jsonl" 2>/dev/null | sort; }

expect_exit 0 "export --only schemas,volumes" $X --session a --only schemas,volumes
check "catalogs came along" test "$(keys a catalogs | wc -l)" -eq "$(jq length "$SEED/catalogs.json")"
jq -r '.[] | select(.name != "information_schema") | .full_name' "$SEED/schemas.json" | sort >want.schemas
keys a schemas >got.schemas
check "every schema once, information_schema aside" cmp -s want.schemas got.schemas
check "... said as skipped" contains out.txt "built-in information_schema"
jq -r '.[].full_name' "$SEED/volumes.json" | sort >want.volumes
keys a volumes >got.volumes
check "every volume once" cmp -s want.volumes got.volumes
check "grants come with them" jqq -e -s '[.[] | select(.key == "contoso_prod.sales") | .object.grants[].principal] | sort == ["analysts", "frank.mueller@contoso.com"]' \
	migration/a/export/schemas.jsonl
check "a managed volume's record has no location" jqq -e -s \
	'[.[] | select(.object.volume_type == "MANAGED") | .object.storage_location] == [null]' migration/a/export/volumes.jsonl
n=$(curl -sf "$az_URL/__fake/requests" | jq '[.counts | to_entries[] | select(.key | test("GET .*/unity-catalog/schemas")) | .value] | add')
check "schemas were listed page by page ($n requests)" test "$n" -gt "$(jq length "$SEED/catalogs.json")"

expect_exit 0 "a re-run" $X --session a --only schemas,volumes
check "... records nothing twice" sh -c '[ "$(jq -r .key migration/a/export/schemas.jsonl | sort | uniq -d)" = "" ] &&
	[ "$(jq -r .key migration/a/export/volumes.jsonl | sort | uniq -d)" = "" ]'

expect_exit 0 "export --skip catalogs" $X --session b --skip catalogs --only catalogs,schemas,volumes,users
check "... leaves schemas and volumes out" sh -c '[ ! -s migration/b/export/schemas.jsonl ] && [ ! -s migration/b/export/volumes.jsonl ]'
check "... exports the rest" test "$(keys b users | wc -l)" -gt 0
done_testing
