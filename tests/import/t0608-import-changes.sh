#!/bin/sh
# An object that changed in mapped/ since it was imported (the rules were
# fixed and transform ran again, say) is updated in place on the next
# import: no create, only the changed objects are sent, ACL changes are
# replayed, and a job already cut over stays un-paused.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

identity_session "$ROOT/fixtures/azure-workspace" s || exit 1
start_fake dst --cloud azure --token tok || exit 1
write_cfg cfg DST "$dst_URL" tok
M=migration/s/mapped

expect_exit 0 "first import exits 0" "$DBXMIG" import --profile DST --session s --rate-limit 0
expect_exit 0 "cutover of the target exits 0" "$DBXMIG" cutover --profile DST --session s
check "nightly-etl runs in the target after cutover" sh -c '
	curl -sf "$1/__fake/state" | jq -e "[.jobs[] | select(.settings.name == \"nightly-etl\") | .settings.schedule.pause_status] == [\"UNPAUSED\"]" >/dev/null' sh "$dst_URL"

# the rules changed two jobs, a cluster and a job's ACL
jq -c 'if .key == "legacy-weekly-report" then .object.settings.max_concurrent_runs = 5
	elif .key == "nightly-etl" then .object.settings.timeout_seconds = 7200
	elif .key == "hourly-kpis" then .object.access_control_list += [{"group_name": "analysts",
		"all_permissions": [{"permission_level": "CAN_VIEW", "inherited": false}]}]
	else . end' $M/jobs.jsonl >j && mv j $M/jobs.jsonl
jq -c 'if .object.cluster_name == "shared-analytics" then .object.autotermination_minutes = 17 else . end' \
	$M/clusters.jsonl >c && mv c $M/clusters.jsonl
c0=$(creates "$dst_URL")
curl -sf "$dst_URL/__fake/requests" >before.json
expect_exit 0 "import after the change exits 0" "$DBXMIG" import --profile DST --session s --rate-limit 0
cp out.txt second.out
curl -sf "$dst_URL/__fake/requests" >after.json
fake_state "$dst_URL" st.json
check "nothing is created" test "$(creates "$dst_URL")" -eq "$c0"
check "only the changed objects are sent again" jq_ok -n --slurpfile a before.json --slurpfile b after.json '
	($b[0].counts["POST /api/2.1/jobs/reset"] // 0) - ($a[0].counts["POST /api/2.1/jobs/reset"] // 0) == 2 and
	($b[0].counts["POST /api/2.1/clusters/edit"] // 0) - ($a[0].counts["POST /api/2.1/clusters/edit"] // 0) == 1'
check "the changed job is updated" jq_ok '[.jobs[] | select(.settings.name == "legacy-weekly-report") | .settings.max_concurrent_runs] == [5]' st.json
check "the changed cluster is updated (and left terminated)" jq_ok '
	[.clusters[] | select(.cluster_name == "shared-analytics") | [.autotermination_minutes, .state]] == [[17, "TERMINATED"]]' st.json
check "the job already cut over is updated and stays un-paused" jq_ok '
	[.jobs[] | select(.settings.name == "nightly-etl") | [.settings.timeout_seconds, .settings.schedule.pause_status]] == [[7200, "UNPAUSED"]]' st.json
check "the changed ACL is replayed" jq_ok '
	([.jobs[] | select(.settings.name == "hourly-kpis") | .job_id | tostring][0]) as $id |
	[.permissions[] | select(.object_type == "jobs" and (.object_id | tostring) == $id) | .access_control_list[] |
	 select(.group_name == "analysts")] | length == 1' st.json
check "the summary counts the updates" sh -c 'awk "\$1 == \"jobs\" && \$2 == 0 && \$3 == 2 { ok = 1 } END { exit !ok }" second.out'
m0=$(mutations "$dst_URL")
expect_exit 0 "one more import exits 0" "$DBXMIG" import --profile DST --session s --rate-limit 0
check "... and sends nothing" test "$(mutations "$dst_URL")" -eq "$m0"
check "each source keeps one current target id in the journal" jq_ok -s '
	[.[] | select(.kind == "jobs")] | group_by(.source_id) | all(map(.target_id) | unique | length == 1)' migration/s/import/ids.jsonl
done_testing
