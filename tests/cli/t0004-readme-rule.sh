#!/bin/sh
# README's worked rule example is the one in docs/examples/contoso/, and it
# passes its own rule test cases.
. "$(dirname "$0")/../lib.sh"
EX=$ROOT/docs/examples/contoso
# every line of the example files stands in README.md as written
in_readme() {
	while IFS= read -r line; do
		[ -z "$line" ] && continue
		grep -qF -- "$line" "$ROOT/README.md" || { echo "# not in README: $line"; return 1; }
	done <"$1"
}
check "README shows contoso.lua as it is" in_readme "$EX/contoso.lua"
check "README shows the input case as it is" in_readme "$EX/cases/etl-cluster.input.json"
check "README shows the expected object as it is" in_readme "$EX/cases/etl-cluster.expected.json"
expect_exit 0 "the example's cases pass with the shipped rules" \
	"$DBXMIG" rules test --rules "$ROOT/rules/azure_to_aws.lua" --rules "$EX/contoso.lua" "$EX/cases"
check "both cases ran" grep -q "2 cases, 2 passed" out.txt
# a wrong expectation fails: the example's test can fail
mkdir bad && cp "$EX"/cases/* bad/
sed 's/m6id.xlarge/m5.xlarge/' "$EX/cases/etl-cluster.expected.json" >bad/etl-cluster.expected.json
expect_exit 1 "a wrong expected object fails the case" \
	"$DBXMIG" rules test --rules "$ROOT/rules/azure_to_aws.lua" --rules "$EX/contoso.lua" bad
done_testing
