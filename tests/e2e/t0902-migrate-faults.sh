#!/bin/sh
# End to end under faults: the same migrate as t0901 into an AWS fake that
# fails 5 % of requests, ghost-commits 3 % of creates and throttles to 50
# requests/s ends in the same state as into a well-behaved AWS fake (ids
# aside), without duplicates; a second run creates nothing.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

start_fake az --cloud azure --seed "$ROOT/fixtures/azure-workspace" --token tok || exit 1
start_fake clean --cloud aws --token tok || exit 1
start_fake faulty --cloud aws --token tok --fail-rate 0.05 --ghost-commit-rate 0.03 --rate-limit 50 \
	--random-seed 42 || exit 1
write_cfg cfg AZ "$az_URL" tok
write_cfg cfg CLEAN "$clean_URL" tok
write_cfg cfg FAULTY "$faulty_URL" tok
export DATABRICKS_CONFIG_FILE=$T/cfg
migrate() {	# SESSION TARGET
	(cd "$ROOT" && "$DBXMIG" migrate --dir "$T/migration" --session "$1" --from AZ --to "$2" --cloud azure \
		--rules rules/azure_to_aws.lua --rules rules/users.lua \
		--var email_domain_from=contoso.com --var email_domain_to=example.org --rate-limit 0)
}

expect_exit 0 "migrate into the well-behaved fake exits 0" migrate clean CLEAN
expect_exit 0 "migrate into the faulty fake exits 0" migrate faulty FAULTY
curl -sf "$faulty_URL/__fake/requests" >req.json
check "faults were injected" jq_ok '[.mutations[] | select(.status >= 500)] | length > 0' req.json
fake_state "$clean_URL" clean.json
fake_state "$faulty_URL" faulty.json
diff_states "same final state as without faults" clean.json faulty.json
check "no duplicate names" jq_ok '
	[[.users[].userName], [.groups[].displayName], [.service_principals[].displayName],
	 [.clusters[].cluster_name], [.jobs[].settings.name], [.instance_pools[].instance_pool_name],
	 [.cluster_policies[].name], [.workspace[].path], [.secrets[].name]] | all(length == (unique | length))' faulty.json
c0=$(creates "$faulty_URL")
expect_exit 0 "a second migrate exits 0" migrate faulty FAULTY
check "the second migrate creates nothing" test "$(creates "$faulty_URL")" -eq "$c0"
done_testing
