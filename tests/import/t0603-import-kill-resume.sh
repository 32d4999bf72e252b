#!/bin/sh
# Kill -9 and resume: the import is SIGKILLed at 6 moments drawn from a
# fixed seed (the target answers slowly so that the moments fall inside
# the run), re-run after each kill, then run to the end. The target must
# end exactly as after an uninterrupted import (ids aside): no duplicate,
# nothing missing, every reference right.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

identity_session "$ROOT/fixtures/azure-workspace" s || exit 1
start_fake clean --cloud azure --token tok || exit 1
start_fake killed --cloud azure --token tok --latency-ms 20 || exit 1
write_cfg cfg CLEAN "$clean_URL" tok
write_cfg cfg KILLED "$killed_URL" tok
cp -r migration/s migration/k

expect_exit 0 "clean import exits 0" "$DBXMIG" import --profile CLEAN --session s --rate-limit 0

# kill moments in milliseconds, from a fixed seed
moments=$(awk 'BEGIN { srand(20260611); for (i = 0; i < 6; i++) printf "%d ", 40 + int(rand() * 360) }')
echo "# kill moments (ms): $moments"
kills=0
for ms in $moments; do
	"$DBXMIG" import --profile KILLED --session k --rate-limit 0 --parallel 8 >kill.out 2>kill.err &
	pid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
	wait "$pid" 2>/dev/null
done
check "the import was killed mid-run at least 5 times" test "$kills" -ge 5
expect_exit 0 "the resumed import finishes with exit 0" \
	"$DBXMIG" import --profile KILLED --session k --rate-limit 0 --parallel 8
fake_state "$clean_URL" clean.json
fake_state "$killed_URL" killed.json
diff_states "the target ends as after an uninterrupted import" clean.json killed.json
check "no line of the journal is written twice" sh -c '
	[ "$(jq -r .key migration/k/import/ids.jsonl | sort | uniq -d | wc -l)" -eq 0 ]'
check "the journal holds as many objects as the clean one" test \
	"$(wc -l <migration/k/import/ids.jsonl)" -eq "$(wc -l <migration/s/import/ids.jsonl)"
m0=$(mutations "$killed_URL")
expect_exit 0 "one more run exits 0" "$DBXMIG" import --profile KILLED --session k --rate-limit 0
check "... and changes nothing" test "$(mutations "$killed_URL")" -eq "$m0"
done_testing
