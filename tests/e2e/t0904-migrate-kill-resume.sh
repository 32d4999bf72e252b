#!/bin/sh
# migrate is resumable as a whole: killed with SIGKILL at 5 moments drawn
# from a fixed seed (in whatever phase it is), then run to the end, it
# leaves the AWS target exactly as an uninterrupted migrate does (ids aside).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

start_fake az --cloud azure --seed "$ROOT/fixtures/azure-workspace" --token tok || exit 1
start_fake clean --cloud aws --token tok || exit 1
start_fake killed --cloud aws --token tok --latency-ms 15 || exit 1
write_cfg cfg AZ "$az_URL" tok
write_cfg cfg CLEAN "$clean_URL" tok
write_cfg cfg KILLED "$killed_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg
run_migrate() {	# SESSION TARGET: becomes the dbxmig process (exec), so $! is its pid
	cd "$ROOT" && exec "$DBXMIG" migrate --dir "$T/migration" --session "$1" --from AZ --to "$2" --cloud azure \
		--rules rules/azure_to_aws.lua --rules rules/users.lua \
		--var email_domain_from=contoso.com --var email_domain_to=example.org --rate-limit 0
}
migrate() { (run_migrate "$@"); }

expect_exit 0 "an uninterrupted migrate exits 0" migrate clean CLEAN
moments=$(awk 'BEGIN { srand(4242); for (i = 0; i < 5; i++) printf "%d ", 150 + int(rand() * 600) }')
echo "# kill moments (ms): $moments"
kills=0 notself=0
for ms in $moments; do
	(run_migrate k KILLED) >kill.out 2>kill.err &
	pid=$!
	sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
	comm=$(ps -o comm= -p "$pid" 2>/dev/null)
	[ -z "$comm" ] || [ "$comm" = dbxmig ] || notself=$((notself + 1))
	if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
	wait "$pid" 2>/dev/null
done
check "migrate was killed mid-run at least 3 times" test "$kills" -ge 3
check "what was killed was dbxmig itself, not a shell around it" test "$notself" -eq 0
expect_exit 0 "the resumed migrate exits 0" migrate k KILLED
fake_state "$clean_URL" clean.json
fake_state "$killed_URL" killed.json
diff_states "the target ends as after an uninterrupted migrate" clean.json killed.json
done_testing
