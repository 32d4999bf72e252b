#!/bin/sh
# Hostile workspace paths: names made of dots, percent signs and tildes,
# names that differ only in case, names that look like the blob encoding,
# a segment far longer than a file name may be, deep nesting. Everything
# lands inside the session, nothing overwrites anything, every content
# comes back byte for byte.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/export/compare.sh"

long=$(printf 'n%.0s' $(seq 1 400))
deep=/Shared$(printf '/d%s' $(seq 1 40))
mkdir seed
jq -n --arg long "$long" --arg deep "$deep" '[
	{path: "/Shared/Report", object_type: "NOTEBOOK", language: "PYTHON", content: "upper"},
	{path: "/Shared/report", object_type: "NOTEBOOK", language: "PYTHON", content: "lower"},
	{path: "/Shared/REPORT", object_type: "NOTEBOOK", language: "SQL", content: "shout"},
	{path: "/Shared/...", object_type: "NOTEBOOK", language: "PYTHON", content: "three dots"},
	{path: "/Shared/..x", object_type: "NOTEBOOK", language: "PYTHON", content: "dotdotx"},
	{path: "/Shared/a%2E%2E", object_type: "NOTEBOOK", language: "PYTHON", content: "percent"},
	{path: "/Shared/x.b", object_type: "NOTEBOOK", language: "PYTHON", content: "x.b"},
	{path: "/Shared/x.d/y", object_type: "NOTEBOOK", language: "PYTHON", content: "x.d/y"},
	{path: "/Shared/x", object_type: "NOTEBOOK", language: "PYTHON", content: "plain x"},
	{path: "/Shared/t~1", object_type: "NOTEBOOK", language: "PYTHON", content: "tilde"},
	{path: "/Shared/sp ace\\back:colon*", object_type: "FILE", content: "odd chars"},
	{path: "/Shared/ünï cødé", object_type: "NOTEBOOK", language: "SCALA", content: "unicode"},
	{path: ("/Shared/" + $long), object_type: "NOTEBOOK", language: "PYTHON", content: "long 1"},
	{path: ("/Shared/" + $long + "x"), object_type: "NOTEBOOK", language: "PYTHON", content: "long 2"},
	{path: ($deep + "/leaf"), object_type: "NOTEBOOK", language: "R", content: "deep"}
]' >seed/workspace.json
start_fake src --cloud azure --seed seed --page-size 2 || exit 1
write_cfg cfg SRC "$src_URL" t
export DATABRICKS_CONFIG_FILE=$T/cfg

mkdir -p migration
touch canary
expect_exit 0 "export of hostile paths" \
	"$DBXMIG" export --profile SRC --session p --cloud azure --only workspace --rate-limit 0
check "nothing written outside migration/" sh -c '
	find . -newer canary -type f | grep -v "^./migration/" | grep -v -e "\.fake\.\(out\|err\)$" \
		-e "^./\(out\|err\)\.txt$" | grep . && exit 1; exit 0'
check "no symlink in the session" sh -c '[ -z "$(find migration -type l)" ]'
jq -r '.[] | .path' seed/workspace.json | sort >want.paths
jq -r '.object | select(.object_type != "DIRECTORY") | .path' migration/p/export/workspace.jsonl | sort >got.paths
check "every hostile path is a record" cmp -s want.paths got.paths
nblobs=$(find migration/p/export/blobs -type f -name '*.b' | wc -l)
check "one blob per notebook/file ($nblobs)" test "$nblobs" -eq "$(jq length seed/workspace.json)"
check "distinct contents (nothing overwritten)" sh -c '
	[ "$(find migration/p/export/blobs -type f -name "*.b" -exec cat {} \; -exec echo \; | sort -u | wc -l)" \
	  -eq "$(jq length seed/workspace.json)" ]'
check "every blob file name fits a file system (<= 255 bytes)" sh -c '
	find migration -print | awk -F/ "{ for (i = 1; i <= NF; i++) if (length(\$i) > 255) exit 1 }"'
check "the record keeps the language" jqt -s \
	'map(.object | select(.path == "/Shared/REPORT")) | .[0].language == "SQL"' migration/p/export/workspace.jsonl
done_testing
