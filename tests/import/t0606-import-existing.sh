#!/bin/sh
# Objects that already exist in the target (same natural key, other ids,
# other content; a userName that differs only in case) are updated, not
# created again: the target ends with one of each, holding the source's
# content, and the journal maps the source ids to the existing target ids.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

SEED=$ROOT/fixtures/azure-workspace
identity_session "$SEED" s || exit 1
mkdir pre
jq '[.[] | select(.userName == "Bob.Smith@contoso.com") | .id = "777" | .userName = "bob.smith@contoso.com" |
	.displayName = "old name"]' "$SEED/users.json" >pre/users.json
jq '[.[0] | .policy_id = "0000000000000777" | .definition = "{}" | .description = "stale"]' \
	"$SEED/cluster_policies.json" >pre/cluster_policies.json
jq '[.[] | select(.settings.name == "legacy-weekly-report") | .job_id = 777000000001 |
	.settings.max_concurrent_runs = 9]' "$SEED/jobs.json" >pre/jobs.json
start_fake dst --cloud azure --token tok --seed pre || exit 1
write_cfg cfg DST "$dst_URL" tok

expect_exit 0 "import into a target that already holds some objects exits 0" \
	"$DBXMIG" import --profile DST --session s --rate-limit 0
cp out.txt import.out
fake_state "$dst_URL" st.json
check "one user per userName, whatever its case" jq_ok --argjson n "$(wc -l <migration/s/mapped/users.jsonl)" '
	[.users[].userName | ascii_downcase] | length == $n and length == (unique | length)' st.json
check "the existing user got the source's content" jq_ok '
	[.users[] | select(.id == "777") | .displayName] == ["Bob Smith"]' st.json
check "the existing policy was updated in place" jq_ok --arg n "$(jq -r '.[0].name' "$SEED/cluster_policies.json")" '
	[.cluster_policies[] | select(.name == $n)] | length == 1 and .[0].policy_id == "0000000000000777" and .[0].definition != "{}"' st.json
check "the existing job was reset to the source's settings" jq_ok '
	[.jobs[] | select(.settings.name == "legacy-weekly-report")] | length == 1 and .[0].job_id == 777000000001 and
	.[0].settings.max_concurrent_runs != 9' st.json
check "the journal maps the source ids to the existing ones" jq_ok -s '
	([.[] | select(.kind == "jobs" and .name == "legacy-weekly-report") | .target_id] == ["777000000001"]) and
	([.[] | select(.kind == "users" and .target_id == "777")] | length == 1)' migration/s/import/ids.jsonl
check "the summary counts them as updated" sh -c '
	awk "\$1 == \"users\" && \$3 >= 1 { u = 1 } \$1 == \"jobs\" && \$2 == 7 && \$3 == 1 { j = 1 }
	     \$1 == \"cluster_policies\" && \$2 == 3 && \$3 == 1 { p = 1 } END { exit !(u && j && p) }" import.out'
done_testing
