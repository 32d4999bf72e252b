#!/bin/sh
# Import under faults: the target fails 5 % of requests, commits 3 % of
# creates while answering an error (a "ghost" commit: the object exists,
# the client saw a 5xx) and throttles to 50 requests/s. The import must end
# in the same target state as a clean import of the same session (ids
# aside), with no duplicate: a create that may have landed is looked up by
# its natural key before it is sent again.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

identity_session "$ROOT/fixtures/azure-workspace" s || exit 1
start_fake clean --cloud azure --token tok || exit 1
start_fake faulty --cloud azure --token tok --fail-rate 0.05 --ghost-commit-rate 0.03 \
	--rate-limit 50 --random-seed 7 || exit 1
write_cfg cfg CLEAN "$clean_URL" tok
write_cfg cfg FAULTY "$faulty_URL" tok
cp -r migration/s migration/f

expect_exit 0 "clean import exits 0" "$DBXMIG" import --profile CLEAN --session s --rate-limit 0
expect_exit 0 "import under faults exits 0" "$DBXMIG" import --profile FAULTY --session f --parallel 8 --rate-limit 0
curl -sf "$faulty_URL/__fake/requests" >req.json
check "faults were injected (some request failed)" jq_ok \
	'[.mutations[] | select(.status >= 500)] | length > 0' req.json
fake_state "$clean_URL" clean.json
fake_state "$faulty_URL" faulty.json
diff_states "the target ends as after a clean import" clean.json faulty.json
for k in users groups service_principals cluster_policies instance_pools clusters sql_warehouses global_init_scripts repos; do
	check "$k: no duplicate name" sh -c "jq -e '[.$k[] | (.userName // .displayName // .cluster_name // .name // .instance_pool_name // .path)] | length == (unique | length)' faulty.json >/dev/null"
done
check "jobs: no duplicate name" jq_ok '[.jobs[].settings.name] | length == (unique | length)' faulty.json
check "every object is journaled once" sh -c '
	[ "$(jq -r .key migration/f/import/ids.jsonl | sort | uniq -d | wc -l)" -eq 0 ]'
done_testing
