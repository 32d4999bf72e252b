#!/bin/sh
# Secret values come only from --secrets-file (refused unless mode 0600 or
# stricter, never printed or written to the session); keys without a value
# are manual follow-ups. ACL entries naming principals the target lacks fail
# their object clearly, or with --skip-missing-principals are dropped and
# reported. A reference that cannot be resolved fails its object, naming the
# field and the missing object.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

identity_session "$ROOT/fixtures/azure-workspace" s || exit 1
start_fake dst --cloud azure --token tok || exit 1
write_cfg cfg DST "$dst_URL" tok
M=migration/s/mapped

# a job whose ACL names a principal that exists nowhere, and one that
# points at a cluster that was never exported
jq -c 'if .key == "hourly-kpis" then .object.access_control_list += [{"user_name": "ghost@nowhere.example",
	"all_permissions": [{"permission_level": "CAN_VIEW", "inherited": false}]}] else . end' $M/jobs.jsonl >j &&
jq -c 'if .key == "weekly-cleanup" then .object.settings.tasks[0].existing_cluster_id = "0000-000000-missing" else . end' j >$M/jobs.jsonl

secret=fixture-value-$$-for-etl
printf '{"etl-secrets": {"sqlserver-password": "%s"}}\n' "$secret" >secrets.json
chmod 644 secrets.json
expect_exit 2 "a secrets file readable by others is refused" \
	"$DBXMIG" import --profile DST --session s --secrets-file secrets.json --rate-limit 0
check "... saying how to fix it" contains err.txt "chmod 600"
check "... before anything is changed" test "$(mutations "$dst_URL")" -eq 0
chmod 600 secrets.json

expect_exit 1 "missing principal and unresolvable reference: exit 1" \
	"$DBXMIG" import --profile DST --session s --secrets-file secrets.json --rate-limit 0
cp out.txt run1.out; cp err.txt run1.err
check "the job with a missing cluster fails, naming field and cluster" sh -c '
	grep -F "weekly-cleanup" migration/s/logs/failed_import_jobs.jsonl |
	grep -F "settings.tasks[0].existing_cluster_id refers to clusters 0000-000000-missing" >/dev/null'
check "the other jobs landed" test "$(jq -r 'select(.kind == "jobs") | .key' migration/s/import/ids.jsonl | wc -l)" -eq 7
check "the ACL naming an absent principal fails clearly" sh -c '
	grep -F "ghost@nowhere.example" migration/s/logs/failed_import_jobs.jsonl | grep -q "does not exist in the target"'
fake_state "$dst_URL" st1.json
check "the secret value given is in the target" jq_ok --arg v "$secret" '
	[.secrets[] | select(.name == "etl-secrets") | .keys[] | select(.key == "sqlserver-password") | .value] == [$v]' st1.json
check "the secret value is in no session file and no output" sh -c '
	! grep -rqF "$1" migration run1.out run1.err' sh "$secret"
check "keys without a value are manual follow-ups" sh -c '
	grep -F "sftp-private-key" migration/s/import/manual.jsonl | grep -q "re-enter" &&
	! grep -qF "sqlserver-password" migration/s/import/manual.jsonl'

expect_exit 1 "with --skip-missing-principals only the bad reference still fails" \
	"$DBXMIG" import --profile DST --session s --skip-missing-principals --rate-limit 0
check "the dropped entry is reported as a follow-up" sh -c '
	grep -F "ghost@nowhere.example" migration/s/import/manual.jsonl | grep -q "dropped"'
fake_state "$dst_URL" st2.json
check "the rest of that job's ACL is in the target" jq_ok '
	([.jobs[] | select(.settings.name == "hourly-kpis") | .job_id | tostring]) as $id |
	[.permissions[] | select(.object_type == "jobs" and (.object_id | tostring) == $id[0]) | .access_control_list[] |
	 select(.user_name != "admin@fake.local")] | length >= 1' st2.json
check "no job was created twice" jq_ok '[.jobs[].settings.name] | length == (unique | length) and length == 7' st2.json
done_testing
