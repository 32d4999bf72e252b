#!/bin/sh
# Export of the Azure seed workspace with every list cut into pages of 2:
# the session must hold every object of every kind, field by field, with
# permissions, libraries, secret keys (no values) and notebook contents.
# A re-run fetches no finished object again and writes no line twice.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/export/compare.sh"

SEED=$ROOT/fixtures/azure-workspace
start_fake src --cloud azure --seed "$SEED" --token tok-src --page-size 2 || exit 1
write_cfg cfg SRC "$src_URL" tok-src
export DATABRICKS_CONFIG_FILE=$T/cfg

expect_exit 0 "export of the seed workspace exits 0" \
	"$DBXMIG" export --profile SRC --session s1 --cloud azure --parallel 8 --rate-limit 0
cp out.txt export1.out
curl -sf "$src_URL/__fake/state" >state.json
compare_export state.json migration/s1

check "session.json records host and cloud, never the token" \
	jqt --arg h "$src_URL" '.source.host == $h and .source.cloud == "azure"' migration/s1/session.json
check "the token appears nowhere in the session" sh -c '! grep -rq tok-src migration'
check "no secret value appears in the session" sh -c '
	jq -r ".[].keys[]?.value // empty" "$1/secrets.json" | while IFS= read -r v; do
		[ ${#v} -ge 6 ] || continue
		grep -rqF -- "$v" migration && { echo "# leaked: a value of $1/secrets.json"; exit 1; }
	done; exit 0' sh "$SEED"
check "the summary names the skipped job-run clusters" contains export1.out "job-run cluster"

# a re-run: nothing new, no per-object fetch
curl -sf -X POST "$src_URL/__fake/reset" >/dev/null
for f in migration/s1/export/*.jsonl; do wc -l <"$f"; done >lines.before
expect_exit 0 "a re-run exits 0" \
	"$DBXMIG" export --profile SRC --session s1 --cloud azure --rate-limit 0
for f in migration/s1/export/*.jsonl; do wc -l <"$f"; done >lines.after
check "a re-run writes no line" cmp -s lines.before lines.after
curl -sf "$src_URL/__fake/requests" >req.json
check "a re-run fetches no finished object (only lists)" jqt '
	[.counts | to_entries[] | select(.key | test("/get|/permissions/|cluster-status|/export|secrets/list|acls/list|/warehouses/|global-init-scripts/"))
	 | .value] | add // 0 | . == 0' req.json || jq -c .counts req.json | sed 's/^/# /'

expect_exit 0 "status shows the session" "$DBXMIG" status --session s1
check "status counts the exported jobs" sh -c '
	n=$(wc -l <migration/s1/export/jobs.jsonl)
	grep -Eq "^jobs +$n " out.txt'
expect_exit 0 "status --json" "$DBXMIG" status --session s1 --json
check "status --json agrees with the files" jqt --argjson n "$(wc -l <migration/s1/export/users.jsonl)" \
	'.kinds.users.exported == $n and .kinds.users.failed.export == 0' out.txt
check "status --json counts the manual follow-ups" jqt \
	--argjson keys "$(jq '[.[].keys[]?] | length' "$SEED/secrets.json")" \
	--argjson kv "$(jq '[.[] | select(.backend_type == "AZURE_KEYVAULT")] | length' "$SEED/secrets.json")" \
	--argjson all "$(cat migration/s1/export/*.jsonl | jq -s '[.[] | select(.object.manual | type == "string")] | length')" \
	'.manual.secret_values_to_reenter == $keys and .manual.objects == $all and $kv > 0 and $all >= $kv' out.txt
done_testing
