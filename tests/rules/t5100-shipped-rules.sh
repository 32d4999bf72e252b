#!/bin/sh
# The shipped rules (rules/azure_to_aws.lua, rules/users.lua): every rule
# test case under fixtures/rules/ passes with the variables it is written
# for, and a wrong expectation is caught; bad variables stop the run
# before any object is touched (exit 3, naming the file or variable);
# every lint pattern flags what it is for; the Azure fixture workspace,
# exported from the fake and mapped with both files (and the fixture storage
# and credential maps), fails no object and
# keeps exactly the one leftover the lint must flag (an abfss:// job
# parameter: data, not configuration).
. "$(dirname "$0")/../lib.sh"
RU=$ROOT/rules FX=$ROOT/fixtures
AZ=$RU/azure_to_aws.lua US=$RU/users.lua

# cases DESC DIR ARGS..: `rules test` passes and counts every case of DIR.
cases() {
	d=$1 dir=$2; shift 2
	expect_exit 0 "$d" "$DBXMIG" rules test "$@" "$dir"
	n=$(ls "$dir"/*.input.json | wc -l)
	check "$d: all $n cases ran" grep -qx "# $n cases, $n passed, 0 failed" out.txt
}

cases "azure_to_aws cases" "$FX/rules/azure_to_aws" --rules "$AZ"
cases "azure_to_aws cases with node_type_map" "$FX/rules/azure_to_aws/node-type-map" \
	--rules "$AZ" --var node_type_map="$FX/maps/node_type_map.csv"
cases "azure_to_aws cases with storage_map and credential_map" "$FX/rules/azure_to_aws/storage-map" \
	--rules "$AZ" --var storage_map="$FX/maps/storage_map.csv" --var credential_map="$FX/maps/credential_map.csv"
cases "users cases (domain + CSV)" "$FX/rules/users" --rules "$US" \
	--var email_domain_from=contoso.com --var email_domain_to=contoso-aws.com \
	--var email_map="$FX/rules/users/email_map.csv"
cases "users cases without variables" "$FX/rules/users/no-vars" --rules "$US"
cases "both files chained" "$FX/rules/azure_to_aws/chained-with-users" --rules "$AZ" --rules "$US" \
	--var email_domain_from=contoso.com --var email_domain_to=contoso-aws.com \
	--var email_map="$FX/rules/users/email_map.csv"

# The same cases catch a wrong mapping (the test can fail).
mkdir neg
cp "$FX/rules/azure_to_aws/cluster-d4s-v5-gets-ebs".* neg/
sed 's/m6i\.xlarge/m6id.xlarge/' "$FX/rules/azure_to_aws/cluster-d4s-v5-gets-ebs.expected.json" \
	>neg/cluster-d4s-v5-gets-ebs.expected.json
expect_exit 1 "a wrong expected node type fails its case" "$DBXMIG" rules test --rules "$AZ" neg
check "... naming the field" contains out.txt 'node_type_id: got "m6i.xlarge", expected "m6id.xlarge"'
printf 'Standard_D4s_v5,m6id.xlarge\n' >ebs.csv
expect_exit 1 "node_type_map overrides the table" "$DBXMIG" rules test --rules "$AZ" \
	--var node_type_map="$T/ebs.csv" "$FX/rules/azure_to_aws"
check "... only in the two cases of that type" sh -c 'test "$(grep -c "^not ok" out.txt)" = 2 &&
	grep -q "^not ok .*/cluster-d4s-v5-gets-ebs: " out.txt && grep -q "^not ok .*/instance-pool-ebs-only-type: " out.txt'

# Variables that cannot work stop the run at load time, exit 3.
NV=$FX/rules/users/no-vars
expect_exit 3 "missing node_type_map file" "$DBXMIG" rules test --rules "$AZ" --var node_type_map=nope.csv "$NV"
check "... names the file" contains err.txt "cannot read 'nope.csv'"
printf '# azure,aws,why\nStandard_DS3_v2,m6gd.xlarge,graviton\n' >three.csv
expect_exit 3 "node_type_map with three fields" "$DBXMIG" rules test --rules "$AZ" --var node_type_map="$T/three.csv" "$NV"
check "... says what a line holds" contains err.txt "row 1: want 'azure_type,aws_type', got 3 field(s)"
expect_exit 3 "missing email_map file" "$DBXMIG" rules test --rules "$US" --var email_map=missing.csv "$NV"
check "... names the file" contains err.txt "cannot read 'missing.csv'"
printf 'bob@contoso.com,bob@x.com\nBob@Contoso.com,robert@x.com\n' >twice.csv
expect_exit 3 "an address mapped twice" "$DBXMIG" rules test --rules "$US" --var email_map="$T/twice.csv" "$NV"
check "... names both targets" contains err.txt "row 2: 'Bob@Contoso.com' is mapped twice (to 'bob@x.com' and 'robert@x.com')"
printf 'bob@contoso.com,robert@x.com,extra\n' >wide.csv
expect_exit 3 "email_map with three fields" "$DBXMIG" rules test --rules "$US" --var email_map="$T/wide.csv" "$NV"
check "... says what a line holds" contains err.txt "row 1: want 'old@x,new@y', got 3 field(s)"
expect_exit 0 "users.lua without variables changes nothing" "$DBXMIG" rules test -v --rules "$US" "$NV"
check "... and says so with -v" sh -c 'grep -q "no domain rewrite" err.txt && grep -q "no single-address mapping" err.txt'
expect_exit 3 "email_domain_from without email_domain_to" "$DBXMIG" rules test --rules "$US" --var email_domain_from=contoso.com "$NV"
check "... says they go together" contains err.txt "go together (got only email_domain_from)"
expect_exit 3 "a domain that is not a domain" "$DBXMIG" rules test --rules "$US" \
	--var email_domain_from=contoso.com --var email_domain_to=x@contoso-aws.com "$NV"
check "... says so" contains err.txt "must be bare domains"

# Every lint pattern fires, once per place, on records holding leftovers.
LF=$FX/rules/azure_to_aws/lint
mkdir -p migration/leftovers/mapped
cp "$LF"/*.jsonl migration/leftovers/mapped/
expect_exit 1 "transform --check flags the leftovers" "$DBXMIG" transform --session leftovers --check --rules "$AZ"
grep -v '^transform --check' out.txt | LC_ALL=C sort >findings.txt
if cmp -s findings.txt "$LF/expected.txt"; then ok "... each one, where it is, and nothing else"
else nok "... each one, where it is, and nothing else"; diff "$LF/expected.txt" findings.txt | sed 's/^/# /'; fi

# The fixture workspace end to end: export, map, lint.
start_fake src --cloud azure --seed "$FX/azure-workspace" --token tok-src || exit 1
write_cfg cfg SRC "$src_URL" tok-src
export DATABRICKS_CONFIG_FILE=$T/cfg
expect_exit 0 "export of the fixture workspace" "$DBXMIG" export --profile SRC --session s --cloud azure --rate-limit 0
expect_exit 0 "transform with both shipped rule files fails no object" "$DBXMIG" transform --session s \
	--rules "$AZ" --rules "$US" --var email_domain_from=contoso.com --var email_domain_to=contoso-aws.com \
	--var email_map="$FX/maps/email_map.csv" --var storage_map="$FX/maps/storage_map.csv" \
	--var credential_map="$FX/maps/credential_map.csv"
L=migration/s/mapped/lint.txt
check "lint keeps exactly one finding" test "$(wc -l <"$L")" = 1
check "... the abfss:// job parameter" grep -q 'settings.tasks\[0\].notebook_task.base_parameters.source: Azure storage URL' "$L"
# Read-only fields (default tags, creators of policies and init scripts,
# the source path export keeps for the content) are not imported, and
# a record's key stays the source's: the rest must be free of old names.
for f in migration/s/mapped/*.jsonl; do
	case $f in */audit.jsonl|*/warnings.jsonl|*/dropped.jsonl) continue ;; esac
	jq -c '.object | del(.default_tags, .created_by, .updated_by, .source_path)
		| if .policy_id then del(.creator_user_name) else . end' "$f"
done >mapped.txt
check "mapped/ holds every kind of the workspace" sh -c 'for k in users groups service_principals \
	cluster_policies instance_pools clusters jobs workspace repos secrets global_init_scripts sql_warehouses; do
	test -s migration/s/mapped/$k.jsonl || { echo "# no mapped/$k.jsonl"; exit 1; }; done'
check "no Azure node type is left in mapped/" sh -c '! grep -q "Standard_[A-Z]" mapped.txt'
check "no contoso.com principal is left in mapped/" sh -c '! grep -qi "@contoso\.com" mapped.txt'
expect_exit 1 "transform --check exits 1 on that finding" "$DBXMIG" transform --session s --check \
	--rules "$AZ" --rules "$US" --var email_domain_from=contoso.com --var email_domain_to=contoso-aws.com \
	--var email_map="$FX/maps/email_map.csv"

done_testing
