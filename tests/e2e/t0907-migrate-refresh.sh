#!/bin/sh
# Re-sync before cut-over: after a migrate, the source changes through its
# API (a job's task renamed, a job added, a cluster deleted, a member
# taken out of a group); `migrate --refresh` carries that over: the
# renamed task is in the target job (updated in place, nothing created
# twice), the new job exists once, the member this session added is gone
# from the target group, the deleted cluster is reported and stays in the
# target; validation is clean. A refresh killed at several moments and run
# again ends the same, and a refresh with nothing new changes nothing.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

azure_aws_fakes --latency-ms 4 || exit 1
migrate() { shipped_migrate r "$@"; }
# api URL TOKEN METHOD PATH [BODY]
api() { curl -sf -X "$3" -H "Authorization: Bearer $2" "$1$4" ${5:+-d "$5"} >/dev/null; }

expect_exit 0 "the first migrate exits 0" migrate
fake_state "$az_URL" az0.json

# the source changes
job=$(jq -c '.jobs[] | select(.settings.name == "weekly-cleanup")' az0.json)
jid=$(printf '%s' "$job" | jq .job_id)
check "rename the task of weekly-cleanup in the source" api "$az_URL" tok-az POST /api/2.2/jobs/reset \
	"$(printf '%s' "$job" | jq -c '{job_id, new_settings: (.settings | .tasks |= map(if .task_key == "vacuum" then .task_key = "vacuum_delta" else . end))}')"
check "add a job in the source" api "$az_URL" tok-az POST /api/2.2/jobs/create \
	'{"name": "refresh-added", "max_concurrent_runs": 1, "tasks": [{"task_key": "t", "spark_python_task": {"python_file": "dbfs:/jobs/added.py"}}]}'
check "delete cluster gpu-training in the source" api "$az_URL" tok-az POST /api/2.1/clusters/permanent-delete \
	'{"cluster_id": "0418-120933-gpu6trn4"}'
frank=$(jq -r '.users[] | select(.userName == "frank.mueller@contoso.com") | .id' az0.json)
check "take frank out of data-scientists in the source" api "$az_URL" tok-az PATCH \
	/api/2.0/preview/scim/v2/Groups/8141775023569002 \
	"{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{\"op\": \"remove\", \"path\": \"members[value eq \\\"$frank\\\"]\"}]}"
fake_state "$az_URL" az1.json
check "... the source shows the changes" jq_ok '
	([.jobs[] | select(.settings.name == "weekly-cleanup") | .settings.tasks[].task_key] == ["vacuum_delta"]) and
	([.clusters[] | select(.cluster_name == "gpu-training")] == []) and
	([.groups[] | select(.displayName == "data-scientists") | .members[].display] | index("frank.mueller@contoso.com") == null)' az1.json

c0=$(creates "$aws_URL")
expect_exit 0 "migrate --refresh exits 0 (validation clean)" migrate --refresh
cp out.txt refresh.out
fake_state "$aws_URL" aws1.json
check "the summary says what changed, what is new and what is gone" sh -c '
	grep -Eq "^jobs +1 +1 +0$" refresh.out && grep -Eq "^clusters +0 +0 +1$" refresh.out &&
	grep -Eq "^groups +1 +0 +0$" refresh.out'
check "validation found no difference" grep -q "no differences" refresh.out
check "the target job has the renamed task, and there is one weekly-cleanup" jq_ok '
	[.jobs[] | select(.settings.name == "weekly-cleanup") | [.settings.tasks[].task_key]] == [["vacuum_delta"]]' aws1.json
check "the new job is in the target once" jq_ok '[.jobs[] | select(.settings.name == "refresh-added")] | length == 1' aws1.json
check "only the new job was created" test "$(creates "$aws_URL")" -eq $((c0 + 1))
check "as many jobs in the target as in the source, no name twice" jq_ok --argjson n "$(jq '.jobs | length' az1.json)" '
	(.jobs | length) == $n and ([.jobs[].settings.name] | length == (unique | length))' aws1.json
check "the deleted cluster stays in the target (never deleted)" jq_ok \
	'[.clusters[] | select(.cluster_name == "gpu-training")] | length == 1' aws1.json
check "... and is reported as gone" jq_ok -s \
	'[.[] | select(.change == "gone" and .kind == "clusters" and .name == "gpu-training")] | length == 1' \
	migration/r/logs/refresh.jsonl
check "... in the run log too" grep -q 'clusters "gpu-training" .*gone from the source' migration/r/logs/run.log
check "frank is no longer a member of data-scientists in the target, the others are" jq_ok '
	(.users | map({key: .id, value: .userName}) | from_entries) as $u |
	[.groups[] | select(.displayName == "data-scientists") | .members[].value | $u[.]] | sort ==
	["erin.obrien@example.org", "grace.kim@example.org"]' aws1.json
check "... while frank is still a user in the target" jq_ok \
	'[.users[] | select(.userName == "frank.mueller@example.org")] | length == 1' aws1.json
check "the journal says the session removed him" jq_ok -s \
	'[.[] | select(.kind == "group_member/8141775023569002" and .hash == "removed")] | length == 1' \
	migration/r/import/ids.jsonl

# a refresh killed while reading, then run again
check "change hourly-kpis in the source" api "$az_URL" tok-az POST /api/2.2/jobs/update \
	"{\"job_id\": $(jq '.jobs[] | select(.settings.name == "hourly-kpis") | .job_id' az1.json), \"new_settings\": {\"max_concurrent_runs\": 3}}"
# killed once it has read something (polled, not timed), twice
kills=0
for round in 1 2; do
	"$DBXMIG" export --dir "$T/migration" --session r --profile AZ --cloud azure --refresh \
		--rate-limit 0 --parallel 1 >kill.out 2>kill.err &
	pid=$!
	i=0
	while [ $i -lt 2000 ] && kill -0 "$pid" 2>/dev/null && ! {
		[ "$(jq -r .refresh.state migration/r/session.json 2>/dev/null)" = reading ] &&
		[ "$(cat migration/r/refresh/*.jsonl 2>/dev/null | wc -l)" -ge $((round * 20)) ]; }; do
		sleep 0.01; i=$((i + 1))
	done
	if kill -9 "$pid" 2>/dev/null; then kills=$((kills + 1)); fi
	wait "$pid" 2>/dev/null
done
echo "# killed $kills times"
check "the refresh was killed while reading, twice" test "$kills" -eq 2
check "... and a run after a kill went on with the same refresh" \
	grep -q "going on with the refresh that stopped while" migration/r/logs/run.log
expect_exit 0 "migrate --refresh after the kills exits 0" migrate --refresh
cp out.txt refresh2.out
fake_state "$aws_URL" aws2.json
check "the change reached the target" jq_ok \
	'[.jobs[] | select(.settings.name == "hourly-kpis") | .settings.max_concurrent_runs] == [3]' aws2.json
check "nothing was created" test "$(creates "$aws_URL")" -eq $((c0 + 1))
check "the export holds each source id once" sh -c '
	for f in migration/r/export/*.jsonl; do
		[ -z "$(jq -r ".id // .key | tostring" "$f" | sort | uniq -d)" ] || { echo "# twice in $f"; exit 1; }
	done'

m0=$(mutations "$aws_URL")
expect_exit 0 "one more migrate --refresh exits 0" migrate --refresh
check "... reports no change" grep -q "^0 changed, 0 new, 0 gone" out.txt
check "... and changes nothing in the target" test "$(mutations "$aws_URL")" -eq "$m0"
# a member the target group got on its own stays (validate shows it); a
# group's own change import cannot update is a follow-up
tgrp=$(jq -r 'select(.kind == "groups" and .source_id == "8141775023569003") | .target_id' migration/r/import/ids.jsonl)
alice=$(jq -r '.users[] | select(.userName == "alice.nguyen@example.org") | .id' aws2.json)
hiro=$(jq -r '.users[] | select(.userName == "hiro.tanaka@contoso.com") | .id' az1.json)
scim_patch() { printf '{"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": [%s]}' "$1"; }
check "add alice to analysts in the target only" api "$aws_URL" tok-aws PATCH \
	"/api/2.0/preview/scim/v2/Groups/$tgrp" "$(scim_patch "{\"op\": \"add\", \"path\": \"members\", \"value\": [{\"value\": \"$alice\"}]}")"
check "take hiro out of analysts and give it an entitlement in the source" api "$az_URL" tok-az PATCH \
	/api/2.0/preview/scim/v2/Groups/8141775023569003 \
	"$(scim_patch "{\"op\": \"remove\", \"path\": \"members[value eq \\\"$hiro\\\"]\"}, {\"op\": \"add\", \"path\": \"entitlements\", \"value\": [{\"value\": \"databricks-sql-access\"}]}")"
expect_exit 1 "migrate --refresh: validate shows what the session left alone (exit 1)" migrate --refresh
fake_state "$aws_URL" aws3.json
check "hiro is out of analysts in the target, alice (not added by the session) is still in" jq_ok '
	(.users | map({key: .id, value: .userName}) | from_entries) as $u |
	[.groups[] | select(.displayName == "analysts") | .members[].value | $u[.] // "group"] as $m |
	($m | index("hiro.tanaka@example.org") == null) and ($m | index("alice.nguyen@example.org") != null)' aws3.json
check "validate names alice's membership as a difference" jq_ok -s '
	[.[] | select(.kind == "groups" and .key == "analysts" and (tojson | test("alice")))] | length >= 1' \
	migration/r/logs/validation_findings.jsonl
check "the group's own change is a follow-up: changed in source, not updated" jq_ok -s '
	[.[] | select(.kind == "groups" and .name == "analysts" and (.why | startswith("changed in source, not updated")))] | length == 1' \
	migration/r/import/manual.jsonl
done_testing
