#!/bin/sh
# Jobs 2.1/2.2: ids above 2^40, list paging (limit <= 100, page_token,
# has_more, expand_tasks), 2.2 get paging of more than 100 tasks,
# reset/update/delete and the reference checks.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

start_fake a --cloud azure --page-size 2 || exit 1
FW=$a_URL
call POST /api/2.1/clusters/create '{"cluster_name": "shared", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1}'
cid=$(jq -r .cluster_id body.json)
for i in 1 2 3 4 5; do
	call POST /api/2.1/jobs/create "{\"name\": \"job$i\", \"job_clusters\": [{\"job_cluster_key\": \"jc\", \"new_cluster\": {\"spark_version\": \"15.4.x-scala2.12\", \"node_type_id\": \"Standard_E8ds_v5\", \"num_workers\": 2}}], \"tasks\": [{\"task_key\": \"a\", \"job_cluster_key\": \"jc\", \"notebook_task\": {\"notebook_path\": \"/n\"}}, {\"task_key\": \"b\", \"depends_on\": [{\"task_key\": \"a\"}], \"existing_cluster_id\": \"$cid\", \"notebook_task\": {\"notebook_path\": \"/m\"}}]}"
done
is 200 "jobs created"
jqok "job ids are above 2^40 and printed as integers" '.job_id > 1099511627776' 
check "... no exponent in the JSON text" sh -c "! grep -q 'e+' body.json"
jid=$(jq -r .job_id body.json)
call GET "/api/2.1/jobs/get?job_id=$jid"
jqok "get: job_id, creator, created_time, settings" ".job_id == $jid and (.creator_user_name | length > 0) and .created_time > 0 and .settings.name == \"job5\" and (.settings.tasks | length) == 2"
call GET "/api/2.1/jobs/get?job_id=1"
err 400 INVALID_PARAMETER_VALUE "get of an unknown job: 400 INVALID_PARAMETER_VALUE"
call GET "/api/2.1/jobs/list"
jqok "list: capped at --page-size, has_more and a token" '(.jobs | length) == 2 and .has_more == true and (.next_page_token | length > 0)'
jqok "list without expand_tasks drops tasks" 'all(.jobs[]; .settings | has("tasks") | not)'
call GET "/api/2.1/jobs/list?limit=101"
err 400 INVALID_PARAMETER_VALUE "limit above 100 is refused"
n=0 tok=""
while :; do
	call GET "/api/2.1/jobs/list?limit=100&expand_tasks=true${tok:+&page_token=$tok}"
	n=$((n + $(jq '.jobs // [] | length' body.json)))
	jq -e 'all(.jobs[]; .settings.tasks | length == 2)' body.json >/dev/null || n=-100
	tok=$(jq -r '.next_page_token // empty' body.json)
	[ "$(jq -r .has_more body.json)" = true ] || break
done
check "following page tokens with expand_tasks sees all 5 with their tasks" [ "$n" = 5 ]
call GET "/api/2.1/jobs/list?name=job3"
jqok "name filter" '[.jobs[].settings.name] == ["job3"] and .has_more == false'

call POST /api/2.1/jobs/create '{"name": "bad", "tasks": [{"task_key": "a", "existing_cluster_id": "0000-000000-nothere0", "notebook_task": {"notebook_path": "/n"}}]}'
err 400 INVALID_PARAMETER_VALUE "a task on an unknown cluster is refused"
jqok "... naming the task and field" '.message | test("tasks\\[0\\]") and test("existing_cluster_id")'
call POST /api/2.1/jobs/create '{"name": "bad", "tasks": [{"task_key": "a", "job_cluster_key": "nope", "notebook_task": {"notebook_path": "/n"}}]}'
err 400 INVALID_PARAMETER_VALUE "an undefined job_cluster_key is refused"
call POST /api/2.1/jobs/create '{"name": "bad", "tasks": [{"task_key": "a", "sql_task": {"warehouse_id": "abc", "query": {"query_id": "q"}}}]}'
err 400 INVALID_PARAMETER_VALUE "an unknown warehouse is refused"
call POST /api/2.1/jobs/create '{"name": "bad", "tasks": [{"task_key": "a", "new_cluster": {"spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "instance_pool_id": "0101-000000-pool-nothere"}}]}'
err 400 INVALID_PARAMETER_VALUE "an unknown pool is refused"
call POST /api/2.1/jobs/create '{"name": "bad", "tasks": [{"task_key": "a", "new_cluster": {"spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "policy_id": "ABCDEF0123456789"}}]}'
err 400 INVALID_PARAMETER_VALUE "an unknown policy is refused"
call POST /api/2.1/jobs/create '{"name": "bad", "job_clusters": [{"job_cluster_key": "jc", "new_cluster": {"spark_version": "15.4.x-scala2.12", "node_type_id": "m5.xlarge", "num_workers": 1}}], "tasks": [{"task_key": "a", "job_cluster_key": "jc"}]}'
err 400 INVALID_PARAMETER_VALUE "azure refuses an AWS node type in a job cluster"
jqok "... naming job_clusters[0].new_cluster.node_type_id" '.message | test("job_clusters\\[0\\].new_cluster.node_type_id")'
call POST /api/2.1/jobs/create '{"name": "bad", "tasks": [{"task_key": "a"}, {"task_key": "a"}]}'
err 400 INVALID_PARAMETER_VALUE "duplicate task keys are refused"
call POST /api/2.1/jobs/create '{"name": "bad", "tasks": [{"task_key": "a", "run_job_task": {"job_id": 42}}]}'
err 400 INVALID_PARAMETER_VALUE "run_job_task on an unknown job is refused"
call POST /api/2.1/jobs/create '{"name": "bad", "run_as": {"user_name": "ghost@example.com"}, "tasks": [{"task_key": "a"}]}'
err 400 INVALID_PARAMETER_VALUE "run_as an unknown user is refused"

call POST /api/2.1/jobs/reset "{\"job_id\": $jid, \"new_settings\": {\"name\": \"renamed\", \"tasks\": [{\"task_key\": \"only\", \"existing_cluster_id\": \"$cid\"}]}}"
is 200 "reset"
call GET "/api/2.1/jobs/get?job_id=$jid"
jqok "reset replaced the settings" '.settings.name == "renamed" and [.settings.tasks[].task_key] == ["only"] and (.settings | has("job_clusters") | not)'
call POST /api/2.1/jobs/update "{\"job_id\": $jid, \"new_settings\": {\"tasks\": [{\"task_key\": \"two\", \"existing_cluster_id\": \"$cid\"}], \"timeout_seconds\": 60, \"tags\": {\"team\": \"x\"}}}"
is 200 "update"
call GET "/api/2.1/jobs/get?job_id=$jid"
jqok "update merges tasks by key and sets fields" '[.settings.tasks[].task_key] == ["only", "two"] and .settings.timeout_seconds == 60 and .settings.name == "renamed"'
call POST /api/2.1/jobs/update "{\"job_id\": $jid, \"fields_to_remove\": [\"tasks/only\", \"tags\"]}"
call GET "/api/2.1/jobs/get?job_id=$jid"
jqok "fields_to_remove drops a task and a field" '[.settings.tasks[].task_key] == ["two"] and (.settings | has("tags") | not) and .settings.timeout_seconds == 60'
call POST /api/2.1/jobs/delete "{\"job_id\": $jid}"
is 200 "delete"
call GET "/api/2.1/jobs/get?job_id=$jid"
is 400 "a deleted job is gone"
call POST /api/2.1/jobs/delete "{\"job_id\": $jid}"
err 400 INVALID_PARAMETER_VALUE "deleting it again: 400"

# 2.2 get: 150 tasks and 120 job clusters come in pages of 100
jq -n '{name: "big", job_clusters: [range(120) | {job_cluster_key: "jc\(.)", new_cluster: {spark_version: "15.4.x-scala2.12", node_type_id: "Standard_DS3_v2", num_workers: 1}}],
	tasks: [range(150) | {task_key: "t\(.)", job_cluster_key: "jc\(. % 120)", notebook_task: {notebook_path: "/n"}}]}' >big.json
call POST /api/2.2/jobs/create "$(cat big.json)"
is 200 "a job with 150 tasks"
big=$(jq -r .job_id body.json)
call GET "/api/2.2/jobs/get?job_id=$big"
jqok "2.2 get: first 100 tasks and job clusters, and a next_page_token" \
	'(.settings.tasks | length) == 100 and (.settings.job_clusters | length) == 100 and (.next_page_token | length > 0)'
tok=$(jq -r .next_page_token body.json)
call GET "/api/2.2/jobs/get?job_id=$big&page_token=$tok"
jqok "2.2 get page 2: the remaining 50 tasks and 20 job clusters, no token" \
	'(.settings.tasks | length) == 50 and (.settings.job_clusters | length) == 20 and (has("next_page_token") | not) and .settings.tasks[0].task_key == "t100"'
call GET "/api/2.1/jobs/get?job_id=$big"
jqok "2.1 get: all 150 tasks at once" '(.settings.tasks | length) == 150 and (has("next_page_token") | not)'
done_testing
