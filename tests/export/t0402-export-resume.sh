#!/bin/sh
# kill -9 during an export at several points, re-run: the session ends up
# identical to an uninterrupted export, no key twice, and the final run
# fetches exactly the objects that were not finished (permissions calls
# counted on the fake: one per unfinished object, none for finished ones).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/export/compare.sh"

SEED=$ROOT/fixtures/azure-workspace
start_fake clean --cloud azure --seed "$SEED" --page-size 3 || exit 1
start_fake src --cloud azure --seed "$SEED" --page-size 3 --latency-ms 10 || exit 1
write_cfg cfg CLEAN "$clean_URL" t
write_cfg cfg SRC "$src_URL" t
export DATABRICKS_CONFIG_FILE=$T/cfg

expect_exit 0 "uninterrupted export" "$DBXMIG" export --profile CLEAN --session ref --cloud azure --rate-limit 0
curl -sf "$clean_URL/__fake/requests" >ref.req
total=$(jq .total ref.req)
check "the reference export made requests ($total)" test "$total" -gt 20

PERM_KINDS="cluster_policies instance_pools clusters jobs workspace repos sql_warehouses queries alerts dashboards sql_dashboards pipelines storage_credentials external_locations catalogs schemas tables volumes"
perm_lines() { n=0; for k in $PERM_KINDS; do
	[ -f "migration/s/export/$k.jsonl" ] && n=$((n + $(grep -c '' "migration/s/export/$k.jsonl")))
	done; echo $n; }
perm_calls() { curl -sf "$src_URL/__fake/requests" |
	jq '[.counts | to_entries[] | select(.key | test("permissions")) | .value] | add // 0'; }

kills=0
for frac in 8 6 4; do
	at=$((total / frac))
	curl -sf -X POST "$src_URL/__fake/reset" >/dev/null
	"$DBXMIG" -q export --profile SRC --session s --cloud azure --parallel 2 --rate-limit 0 \
		>/dev/null 2>run.err &
	pid=$!
	while kill -0 $pid 2>/dev/null; do
		n=$(curl -sf "$src_URL/__fake/requests" | tr -d ' \t\n' | sed -n 's/.*"total":\([0-9]*\).*/\1/p')
		[ "${n:-0}" -ge "$at" ] && break
		sleep 0.03
	done
	if kill -9 $pid 2>/dev/null; then kills=$((kills + 1)); fi
	wait $pid 2>/dev/null
	check "after kill at ~$at requests: no key twice" sh -c '
		for f in migration/s/export/*.jsonl; do
			[ -f "$f" ] || continue
			# a cut-off last line does not count; complete lines must be unique
			[ "$(jq -rR "fromjson? | .key" "$f" | sort | uniq -d | wc -l)" = 0 ] || exit 1
		done'
done
check "the export was killed mid-way at least twice ($kills)" test "$kills" -ge 2

before=$(perm_lines)
curl -sf -X POST "$src_URL/__fake/reset" >/dev/null
expect_exit 0 "the re-run completes" "$DBXMIG" export --profile SRC --session s --cloud azure --parallel 4 --rate-limit 0
after=$(perm_lines)
calls=$(perm_calls)
check "the re-run fetched only unfinished objects ($calls permission calls for $((after - before)) new objects)" \
	test "$calls" -eq $((after - before))
check "the re-run did real work after the kills" test "$before" -lt "$after"

for f in migration/ref/export/*.jsonl; do
	k=$(basename "$f")
	jq -cS . "$f" | sort >"ref.$k"
	jq -cS . "migration/s/export/$k" 2>/dev/null | sort >"got.$k"
	check "$k identical to the uninterrupted export" cmp -s "ref.$k" "got.$k"
done
check "notebook contents identical" diff -r migration/ref/export/blobs migration/s/export/blobs
done_testing
