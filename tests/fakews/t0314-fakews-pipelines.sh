#!/bin/sh
# DLT pipelines: create/get/list (max_results, page_token, filter)/edit
# (PUT)/delete, flavour-checked clusters, notebook libraries, UC catalog
# vs storage, duplicate names, permissions, and jobs' pipeline_task.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"
P=/api/2.0/pipelines

start_fake a --cloud azure --page-size 2 || exit 1
FW=$a_URL
call POST /api/2.0/workspace/mkdirs '{"path": "/Shared/dlt"}'
call POST /api/2.0/workspace/import '{"path": "/Shared/dlt/orders", "format": "SOURCE", "language": "PYTHON", "content": "aW1wb3J0IGRsdAo="}'

call POST $P '{"name": "p", "clusters": [{"label": "default", "node_type_id": "i3.xlarge", "num_workers": 1}]}'
err 400 INVALID_PARAMETER_VALUE "azure: an AWS node type is refused"
call POST $P '{"name": "p", "clusters": [{"label": "default", "node_type_id": "Standard_DS3_v2", "aws_attributes": {"availability": "SPOT"}}]}'
err 400 INVALID_PARAMETER_VALUE "azure: aws_attributes are refused"
call POST $P '{"name": "p", "clusters": [{"label": "default", "node_type_id": "Standard_DS3_v2", "azure_attributes": {"availability": "SPOT"}}]}'
err 400 INVALID_PARAMETER_VALUE "azure: an AWS availability value is refused"
call POST $P '{"name": "p", "clusters": [{"label": "driver", "node_type_id": "Standard_DS3_v2"}]}'
err 400 INVALID_PARAMETER_VALUE "an unknown cluster label is refused"
call POST $P '{"name": "p", "clusters": [{"label": "default", "spark_version": "15.4.x-scala2.12"}]}'
err 400 INVALID_PARAMETER_VALUE "spark_version cannot be set on a pipeline cluster"
call POST $P '{"name": "p", "libraries": [{"notebook": {"path": "/Shared/dlt/missing"}}]}'
err 400 INVALID_PARAMETER_VALUE "a notebook library that does not exist is refused"
call POST $P '{"name": "p", "storage": "s3://bucket/dlt"}'
err 400 INVALID_PARAMETER_VALUE "azure: s3 storage is refused"
call POST $P '{"name": "p", "catalog": "main", "target": "x"}'
err 400 INVALID_PARAMETER_VALUE "a catalog that does not exist is refused"
call POST /api/2.1/unity-catalog/catalogs '{"name": "main"}'
call POST $P '{"name": "p", "catalog": "main", "target": "x", "storage": "dbfs:/pipelines/p"}'
err 400 INVALID_PARAMETER_VALUE "storage cannot go with a UC catalog"
call POST $P '{"name": "p", "bogus_field": 1}'
err 400 INVALID_PARAMETER_VALUE "an unknown field is refused"

spec='{"name": "orders", "edition": "ADVANCED", "channel": "CURRENT", "catalog": "main", "target": "sales", "clusters": [{"label": "default", "node_type_id": "Standard_DS3_v2", "autoscale": {"min_workers": 1, "max_workers": 3, "mode": "ENHANCED"}, "azure_attributes": {"availability": "SPOT_WITH_FALLBACK_AZURE"}}], "libraries": [{"notebook": {"path": "/Shared/dlt/orders"}}], "configuration": {"k": "v"}}'
call POST $P "$spec"
is 200 "pipeline created"
jqok "... the reply is just the id" '(keys == ["pipeline_id"]) and (.pipeline_id | test("^[0-9a-f-]{36}$"))'
pid=$(jq -r .pipeline_id body.json)
call GET "$P/$pid"
jqok "get: spec with id, state IDLE, creator, last_modified" ".spec.id == \"$pid\" and .spec.catalog == \"main\" and .spec.clusters[0].label == \"default\" and .state == \"IDLE\" and .creator_user_name == \"admin@fake.local\" and .name == \"orders\" and (.last_modified > 0)"
call POST $P "$spec"
err 409 RESOURCE_CONFLICT "a second pipeline with the same name is refused"
call POST $P "$(echo "$spec" | jq -c '. + {allow_duplicate_names: true, dry_run: true}')"
jqok "dry_run answers effective_settings and creates nothing" '.effective_settings.name == "orders"'
for n in 2 3 4; do call POST $P "{\"name\": \"p$n\", \"storage\": \"abfss://dlt@acct.dfs.core.windows.net/p$n\"}"; done
is 200 "more pipelines"
pages "$P?max_results=10" statuses
check "list: 4 pipelines over 2 pages" [ "$(jq length all.json):$npages" = 4:2 ]
check "... as PipelineStateInfo (no spec)" sh -c "jq -e 'all(.[]; has(\"spec\") | not) and .[0].pipeline_id == \"$pid\" and .[0].state == \"IDLE\"' all.json >/dev/null"
call GET "$P?max_results=1000"
err 400 INVALID_PARAMETER_VALUE "max_results above 100 is refused"
call GET "$P?filter=name%20LIKE%20%27%25p3%25%27"
jqok "filter name LIKE" '[.statuses[].name] == ["p3"]'
call GET "$P?filter=notebook%3D%27%2FShared%2Fdlt%2Forders%27"
jqok "filter notebook=" "[.statuses[].pipeline_id] == [\"$pid\"]"

call PUT "$P/$pid" "$(echo "$spec" | jq -c --arg id "$pid" '. + {pipeline_id: $id, development: true, clusters: [{label: "default", node_type_id: "Standard_E8ds_v4", num_workers: 2}]}')"
is 200 "edit by PUT"
call GET "$P/$pid"
jqok "... replaces the spec" '.spec.development == true and .spec.clusters[0].node_type_id == "Standard_E8ds_v4" and (.spec.clusters[0] | has("autoscale") | not)'
call PUT "$P/$pid" '{"pipeline_id": "other", "name": "orders"}'
err 400 INVALID_PARAMETER_VALUE "a body id that is not the path's is refused"
call PUT "$P/$pid" '{"name": "p2"}'
err 409 RESOURCE_CONFLICT "renaming onto another pipeline's name is refused"
call PUT "$P/$pid" "$(echo "$spec" | jq -c '. + {expected_last_modified: 1}')"
err 409 ABORTED "a stale expected_last_modified is refused"

call PUT "/api/2.0/permissions/pipelines/$pid" '{"access_control_list": [{"group_name": "users", "permission_level": "CAN_VIEW"}, {"user_name": "admin@fake.local", "permission_level": "CAN_MANAGE"}]}'
is 200 "pipeline permissions"
jqok "... object_type pipelines, the creator is owner, admins inherit" '.object_type == "pipelines" and .object_id == "/pipelines/'"$pid"'" and any(.access_control_list[]; .group_name == "admins" and .all_permissions[0].inherited_from_object == ["/pipelines/"]) and any(.access_control_list[]; .all_permissions[].permission_level == "IS_OWNER")'
call PUT "/api/2.0/permissions/pipelines/$pid" '{"access_control_list": [{"group_name": "users", "permission_level": "CAN_ATTACH_TO"}]}'
err 400 INVALID_PARAMETER_VALUE "a level pipelines do not have is refused"

task='{"task_key": "refresh", "pipeline_task": {"pipeline_id": "PID", "full_refresh": false}}'
call POST /api/2.1/jobs/create "{\"name\": \"dlt-job\", \"tasks\": [$(echo "$task" | sed 's/PID/nope/')]}"
err 400 INVALID_PARAMETER_VALUE "a job whose pipeline_task names a missing pipeline is refused"
call POST /api/2.1/jobs/create "{\"name\": \"dlt-job\", \"tasks\": [$(echo "$task" | sed "s/PID/$pid/")]}"
is 200 "a job with a pipeline_task on an existing pipeline"

call DELETE "$P/$pid"
is 200 "delete"
call GET "$P/$pid"
err 404 RESOURCE_DOES_NOT_EXIST "a deleted pipeline is 404"
call GET "/api/2.0/permissions/pipelines/$pid"
is 404 "... and so are its permissions"

start_fake b --cloud aws || exit 1
FW=$b_URL
call POST $P '{"name": "p", "clusters": [{"label": "default", "node_type_id": "Standard_DS3_v2"}]}'
err 400 INVALID_PARAMETER_VALUE "aws: an Azure node type is refused"
call POST $P '{"name": "p", "storage": "abfss://dlt@acct.dfs.core.windows.net/p"}'
err 400 INVALID_PARAMETER_VALUE "aws: abfss storage is refused"
call POST $P '{"name": "p", "storage": "s3://contoso-dlt/p", "clusters": [{"label": "default", "node_type_id": "i3.xlarge", "aws_attributes": {"availability": "SPOT_WITH_FALLBACK", "zone_id": "auto"}}]}'
is 200 "aws: an AWS pipeline"
done_testing
