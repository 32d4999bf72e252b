#!/bin/sh
# A flaky, rate-limited source (5% of calls answer 503, more than 50 calls
# a second answer 429): the export retries and completes with nothing
# missing.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/export/compare.sh"

SEED=$ROOT/fixtures/azure-workspace
start_fake src --cloud azure --seed "$SEED" --page-size 5 --fail-rate 0.05 --rate-limit 50 \
	--random-seed 7 || exit 1
write_cfg cfg SRC "$src_URL" t
export DATABRICKS_CONFIG_FILE=$T/cfg

expect_exit 0 "export through faults exits 0" \
	"$DBXMIG" -v export --profile SRC --session f --cloud azure --parallel 8 --rate-limit 40
curl -sf "$src_URL/__fake/requests" >req.json
check "faults were met and retried" grep -q retry err.txt
check "no failure was logged" sh -c '! ls migration/f/logs/failed_export_* 2>/dev/null | grep -q .'
curl -sf "$src_URL/__fake/state" >state.json
compare_export state.json migration/f
done_testing
