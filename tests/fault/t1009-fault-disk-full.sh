#!/bin/sh
# The disk fills up while the session is written (an LD_PRELOAD shim,
# tests/fault/enospc.c, makes writes under the session directory fail with
# ENOSPC after N bytes): export and migrate stop with a clear message
# naming the file, and once space is back the same command completes with
# nothing lost, nothing twice and every record whole.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"
. "$ROOT/tests/export/compare.sh"

cc -shared -fPIC -o enospc.so "$ROOT/tests/fault/enospc.c" -ldl || { nok "build the ENOSPC shim"; done_testing; }
# the sanitized binaries insist on coming first; the shim only wraps write
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0"

start_fake src --cloud azure --seed "$ROOT/fixtures/azure-workspace" || exit 1
start_fake clean --cloud aws || exit 1
start_fake full --cloud aws || exit 1
write_cfg cfg SRC "$src_URL" tok
write_cfg cfg CLEAN "$clean_URL" tok
write_cfg cfg FULL "$full_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg
migrate() {	# SESSION TARGET
	(cd "$ROOT" && "$DBXMIG" migrate --dir "$T/migration" --session "$1" --from SRC --to "$2" --cloud azure \
		--rules rules/azure_to_aws.lua --rules rules/users.lua \
		--var email_domain_from=contoso.com --var email_domain_to=example.org)
}
full() {	# DIR BYTES CMD..: CMD on a disk that is full after BYTES bytes under DIR
	d=$1 b=$2; shift 2
	LD_PRELOAD=$T/enospc.so ENOSPC_DIR=$d ENOSPC_BYTES=$b "$@"
}
all_whole() {	# every line of every JSONL file of the session parses
	for f in $(find "$T/migration/$1" -name '*.jsonl'); do
		jq -c . "$f" >/dev/null 2>&1 || { echo "# broken: $f"; return 1; }
	done
}

# export: the disk fills after 30 kB
full "$T/migration" 30000 "$DBXMIG" export --dir "$T/migration" --profile SRC --session e --cloud azure >out.txt 2>err.txt
rc=$?
check "export on a full disk fails (exit $rc)" test "$rc" -ne 0
check "the message says the disk is full" grep -q "No space left on device" err.txt
check "the message names the session file" grep -q "$T/migration/e/" err.txt
sed -n '1,3s/^/# /p' err.txt
expect_exit 0 "export again with space: exit 0" "$DBXMIG" export --dir "$T/migration" --profile SRC --session e --cloud azure
check "every record is whole" all_whole e
fake_state "$src_URL" src.json
compare_export src.json "$T/migration/e"
check "export: no key twice" sh -c 'for f in "$1"/export/*.jsonl; do
	[ -z "$(jq -r .key "$f" | sort | uniq -d)" ] || exit 1; done' - "$T/migration/e"

# migrate: the disk fills during import, 2 kB into what it writes
migrate c CLEAN >c.out 2>c.err
crc=$?
full "$T/migration/m/import" 2000 sh -c 'cd "$1" && shift && exec "$@"' - "$ROOT" "$DBXMIG" migrate --dir "$T/migration" \
	--session m --from SRC --to FULL --cloud azure --rules rules/azure_to_aws.lua --rules rules/users.lua \
	--var email_domain_from=contoso.com --var email_domain_to=example.org --parallel 1 >out.txt 2>err.txt
rc=$?
check "migrate on a full disk fails (exit $rc)" test "$rc" -ne 0
check "the message says the disk is full" grep -q "No space left on device" err.txt
check "the message names the journal" grep -q "$T/migration/m/import/ids.jsonl" err.txt
check "no object failed one by one after it" test ! -s "$T/migration/m/logs/failed_import_"*.jsonl
sed -n '1,3s/^/# /p' err.txt
# one request at a time: every POST that reached the target is journaled,
# but for the one in flight when the journal write failed
curl -sf "$full_URL/__fake/requests" >req.json
posts=$(jq '[.mutations[] | select(.method == "POST")] | length' req.json)
lines=$(wc -l <"$T/migration/m/import/ids.jsonl")
echo "# $posts POSTs reached the target, $lines objects journaled"
check "no POST after the failure but the one in flight" test "$posts" -le $((lines + 1))
expect_exit "$crc" "migrate again with space: exits as a clean migrate ($crc)" migrate m FULL
check "every record is whole" all_whole m
fake_state "$clean_URL" clean.json
fake_state "$full_URL" fullst.json
diff_states "the target ends as after a clean migrate" clean.json fullst.json
check "the target has no name twice" jq_ok '[[.users[].userName], [.clusters[].cluster_name], [.jobs[].settings.name],
	[.workspace[].path], [.secrets[].name]] | all(length == (unique | length))' fullst.json
done_testing
