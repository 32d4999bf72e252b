#!/bin/sh
# Databricks SQL objects: queries and alerts (sql/queries|alerts: create,
# get, page_token paging, update_mask updates, delete to the trash),
# legacy DBSQL dashboards (page/page_size paging, archive and restore),
# Lakeview dashboards (create/get/list/update/trash, published state),
# their references (warehouse, query, folder) and permissions.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

start_fake a --cloud azure --page-size 2 || exit 1
FW=$a_URL
call POST /api/2.0/sql/warehouses '{"name": "wh", "cluster_size": "Small"}'
wh=$(jq -r .id body.json)
call POST /api/2.0/workspace/mkdirs '{"path": "/Shared/sql"}'

call POST /api/2.0/sql/queries '{"query": {"display_name": "q", "warehouse_id": "nope", "query_text": "select 1"}}'
err 400 INVALID_PARAMETER_VALUE "a query on a warehouse that does not exist is refused"
call POST /api/2.0/sql/queries "{\"query\": {\"warehouse_id\": \"$wh\"}}"
err 400 INVALID_PARAMETER_VALUE "display_name is required"
call POST /api/2.0/sql/queries "{\"query\": {\"display_name\": \"q\", \"warehouse_id\": \"$wh\", \"parent_path\": \"/Shared/none\"}}"
err 404 RESOURCE_DOES_NOT_EXIST "a parent_path that does not exist is 404"
for n in 1 2 3 4 5; do
	call POST /api/2.0/sql/queries "{\"query\": {\"display_name\": \"q$n\", \"warehouse_id\": \"$wh\", \"query_text\": \"select $n\", \"parent_path\": \"/Shared/sql\"}}"
done
is 200 "queries created"
jqok "a query has a UUID id, owner, lifecycle_state and times" '(.id | test("^[0-9a-f-]{36}$")) and .owner_user_name == "admin@fake.local" and .lifecycle_state == "ACTIVE" and (.create_time | test("Z$")) and .run_as_mode == "OWNER"'
q5=$(jq -r .id body.json)
pages "/api/2.0/sql/queries?page_size=100" results
check "list pages by page_token under --page-size 2: 5 queries in 3 pages" [ "$(jq length all.json):$npages" = 5:3 ]
call GET "/api/2.0/sql/queries?page_token=garbage"
err 400 INVALID_PARAMETER_VALUE "a forged page token is refused"

call PATCH "/api/2.0/sql/queries/$q5" '{"query": {"display_name": "renamed"}}'
err 400 INVALID_PARAMETER_VALUE "update needs update_mask"
call PATCH "/api/2.0/sql/queries/$q5" '{"update_mask": "display_name,query_text", "query": {"display_name": "renamed", "query_text": "select 42", "description": "ignored: not in the mask"}}'
is 200 "update with update_mask"
jqok "... applies the masked fields only" '.display_name == "renamed" and .query_text == "select 42" and (has("description") | not)'
call PATCH "/api/2.0/sql/queries/$q5" '{"update_mask": "id", "query": {"id": "x"}}'
err 400 INVALID_PARAMETER_VALUE "a read-only field in the mask is refused"

call POST /api/2.0/sql/alerts '{"alert": {"display_name": "a", "query_id": "nope", "condition": {"op": "GREATER_THAN", "operand": {"column": {"name": "x"}}}}}'
err 400 INVALID_PARAMETER_VALUE "an alert on a query that does not exist is refused"
call POST /api/2.0/sql/alerts "{\"alert\": {\"display_name\": \"a\", \"query_id\": \"$q5\", \"condition\": {\"op\": \"BIGGER\", \"operand\": {\"column\": {\"name\": \"x\"}}}}}"
err 400 INVALID_PARAMETER_VALUE "an unknown condition op is refused"
call POST /api/2.0/sql/alerts "{\"alert\": {\"display_name\": \"a\", \"query_id\": \"$q5\", \"condition\": {\"op\": \"GREATER_THAN\", \"operand\": {\"column\": {\"name\": \"x\"}}, \"threshold\": {\"value\": {\"double_value\": 10}}}, \"seconds_to_retrigger\": 60}}"
is 200 "alert created"
jqok "... in state UNKNOWN, ACTIVE" '.state == "UNKNOWN" and .lifecycle_state == "ACTIVE" and .condition.threshold.value.double_value == 10'
al=$(jq -r .id body.json)
call GET /api/2.0/sql/alerts
jqok "alerts list" ".results | map(.id) == [\"$al\"]"

call DELETE "/api/2.0/sql/queries/$q5"
is 200 "delete moves a query to the trash"
call GET "/api/2.0/sql/queries/$q5"
jqok "... get still answers, TRASHED" '.lifecycle_state == "TRASHED"'
call DELETE "/api/2.0/sql/queries/$q5"
err 404 RESOURCE_DOES_NOT_EXIST "deleting it again is 404"
call PATCH "/api/2.0/sql/queries/$q5" '{"update_mask": "display_name", "query": {"display_name": "x"}}'
err 400 INVALID_STATE "a trashed query cannot be updated"
pages "/api/2.0/sql/queries" results
check "lists leave trashed queries out" sh -c "jq -e 'length == 4 and ([.[].display_name] | index(\"renamed\") == null)' all.json >/dev/null"
call GET /api/2.0/sql/queries/nope
err 404 RESOURCE_DOES_NOT_EXIST "an unknown query is 404"

call PUT "/api/2.0/permissions/alerts/$al" '{"access_control_list": [{"group_name": "users", "permission_level": "CAN_RUN"}]}'
is 200 "alert permissions set"
jqok "... with the owner and the inherited admins" '.object_type == "alert" and ([.access_control_list[] | (.user_name // .group_name) + ":" + .all_permissions[0].permission_level] | sort) == ["admin@fake.local:IS_OWNER", "admins:CAN_MANAGE", "users:CAN_RUN"]'
call PUT "/api/2.0/permissions/queries/$q5" '{"access_control_list": [{"group_name": "users", "permission_level": "CAN_USE"}]}'
err 400 INVALID_PARAMETER_VALUE "a level queries do not have is refused"

call GET "/api/2.0/preview/sql/permissions/alerts/$al"
jqok "the legacy permissions API shows the same ACL (owner as CAN_MANAGE)" '.object_id == "alerts/'"$al"'" and .object_type == "alert" and ([.access_control_list[] | (.user_name // .group_name) + ":" + .permission_level] | sort) == ["admin@fake.local:CAN_MANAGE", "users:CAN_RUN"]'
call POST "/api/2.0/preview/sql/permissions/alerts/$al" '{"access_control_list": [{"group_name": "users", "permission_level": "CAN_EDIT"}]}'
jqok "a legacy POST replaces the list" '([.access_control_list[] | (.user_name // .group_name) + ":" + .permission_level] | sort) == ["admin@fake.local:CAN_MANAGE", "users:CAN_EDIT"]'
call GET "/api/2.0/permissions/alerts/$al"
jqok "... seen by the current API too" 'any(.access_control_list[]; .group_name == "users" and .all_permissions[0].permission_level == "CAN_EDIT")'
call POST "/api/2.0/preview/sql/permissions/alerts/$al" '{"access_control_list": [{"group_name": "users", "permission_level": "IS_OWNER"}]}'
err 400 INVALID_PARAMETER_VALUE "the legacy API knows four levels"
call GET "/api/2.0/preview/sql/permissions/widgets/$al"
err 400 INVALID_PARAMETER_VALUE "an unknown legacy object type is refused"

# legacy dashboards
for n in 1 2 3; do
	call POST /api/2.0/preview/sql/dashboards "{\"name\": \"Ops board $n\", \"tags\": [\"ops\"]}"
done
is 200 "legacy dashboards created"
jqok "... with a slug, a user block and widgets" '.slug == "ops-board-3" and .user.email == "admin@fake.local" and .widgets == [] and .is_archived == false'
d3=$(jq -r .id body.json)
call GET "/api/2.0/preview/sql/dashboards?page_size=2&page=2"
jqok "the legacy list pages by page/page_size: count, page, page_size, results" '.count == 3 and .page == 2 and .page_size == 2 and (.results | length) == 1'
call GET "/api/2.0/preview/sql/dashboards?page=0"
err 400 INVALID_PARAMETER_VALUE "page 0 is refused"
call POST /api/2.0/preview/sql/dashboards '{"name": "x", "parent": "folders/123"}'
err 404 RESOURCE_DOES_NOT_EXIST "a parent folder that does not exist is 404"
call POST "/api/2.0/preview/sql/dashboards/$d3" '{"name": "Ops board three"}'
jqok "update renames and bumps the version" '.name == "Ops board three" and .version == 2'
call DELETE "/api/2.0/preview/sql/dashboards/$d3"
call GET "/api/2.0/preview/sql/dashboards"
jqok "a deleted (archived) dashboard leaves the list" '.count == 2'
call POST "/api/2.0/preview/sql/dashboards/trash/$d3"
call GET "/api/2.0/preview/sql/dashboards?page_size=25"
jqok "restore brings it back" '.count == 3'
call GET "/api/2.0/permissions/dbsql-dashboards/$d3"
jqok "dbsql-dashboards permissions name the creator as owner" '.object_type == "dbsql-dashboard" and any(.access_control_list[]; .user_name == "admin@fake.local" and .all_permissions[0].permission_level == "IS_OWNER")'

# Lakeview
call POST /api/2.0/lakeview/dashboards '{"display_name": "Sales", "serialized_dashboard": "not json"}'
err 400 INVALID_PARAMETER_VALUE "serialized_dashboard must hold JSON"
call POST /api/2.0/lakeview/dashboards '{"display_name": "Sales", "warehouse_id": "nope"}'
err 400 INVALID_PARAMETER_VALUE "a Lakeview dashboard on a missing warehouse is refused"
call POST /api/2.0/lakeview/dashboards "{\"display_name\": \"Sales\", \"warehouse_id\": \"$wh\", \"parent_path\": \"/Shared/sql\", \"serialized_dashboard\": \"{\\\"pages\\\": [{\\\"name\\\": \\\"p\\\"}]}\"}"
is 200 "Lakeview dashboard created"
jqok "... id, path, etag, ACTIVE" '(.dashboard_id | test("^[0-9a-f]{32}$")) and .path == "/Shared/sql/Sales.lvdash.json" and (.etag | length > 0) and .lifecycle_state == "ACTIVE"'
lv=$(jq -r .dashboard_id body.json)
etag=$(jq -r .etag body.json)
for n in 2 3; do call POST /api/2.0/lakeview/dashboards "{\"display_name\": \"S$n\", \"parent_path\": \"/Shared/sql\"}"; done
call GET /api/2.0/lakeview/dashboards
jqok "the list pages (--page-size 2) and leaves serialized_dashboard out" '(.dashboards | length) == 2 and (.next_page_token | length > 0) and all(.dashboards[]; has("serialized_dashboard") | not)'
call GET "/api/2.0/workspace/list?path=/Shared/sql"
jqok "Lakeview dashboards are DASHBOARD objects in their folder" "[.objects[] | select(.object_type == \"DASHBOARD\") | .path] == [\"/Shared/sql/S2.lvdash.json\", \"/Shared/sql/S3.lvdash.json\", \"/Shared/sql/Sales.lvdash.json\"] and any(.objects[]; .resource_id == \"$lv\")"
call GET "/api/2.0/workspace/get-status?path=/Shared/sql/Sales.lvdash.json"
jqok "get-status of a dashboard: DASHBOARD with resource_id" ".object_type == \"DASHBOARD\" and .resource_id == \"$lv\""
call GET "/api/2.0/workspace/export?path=/Shared/sql/Sales.lvdash.json&format=SOURCE"
check "workspace export of a dashboard is its serialized JSON" sh -c "jq -r .content body.json | base64 -d | jq -e '.pages[0].name == \"p\"' >/dev/null"
call POST /api/2.0/lakeview/dashboards '{"display_name": "a/b"}'
err 400 INVALID_PARAMETER_VALUE "a display_name with a slash is refused"
call PATCH "/api/2.0/lakeview/dashboards/$lv" '{"display_name": "Sales v2", "etag": "stale"}'
err 409 ABORTED "an update with a stale etag is refused"
call PATCH "/api/2.0/lakeview/dashboards/$lv" "{\"display_name\": \"Sales v2\", \"etag\": \"$etag\"}"
jqok "update with the current etag renames and moves the path" '.display_name == "Sales v2" and .path == "/Shared/sql/Sales v2.lvdash.json"'
call GET "/api/2.0/lakeview/dashboards/$lv/published"
err 404 RESOURCE_DOES_NOT_EXIST "not published yet: 404"
call POST "/api/2.0/lakeview/dashboards/$lv/published" '{"embed_credentials": true}'
jqok "publish uses the dashboard's warehouse" ".warehouse_id == \"$wh\" and .embed_credentials == true and .display_name == \"Sales v2\""
call GET "/api/2.0/lakeview/dashboards/$lv/published"
is 200 "published state readable"
call GET "/api/2.0/lakeview/dashboards/$lv"
jqok "get does not mix the published state in" 'has("published") | not'
call DELETE "/api/2.0/lakeview/dashboards/$lv/published"
call GET "/api/2.0/lakeview/dashboards/$lv/published"
is 404 "unpublished"
call PUT "/api/2.0/permissions/dashboards/$lv" '{"access_control_list": [{"group_name": "users", "permission_level": "CAN_READ"}]}'
jqok "Lakeview permissions under dashboards" '.object_type == "dashboard" and any(.access_control_list[]; .group_name == "users")'
call DELETE "/api/2.0/lakeview/dashboards/$lv"
is 200 "trash"
call GET "/api/2.0/lakeview/dashboards/$lv"
jqok "a trashed dashboard says so" '.lifecycle_state == "TRASHED"'
call GET "/api/2.0/workspace/get-status?path=/Shared/sql/Sales%20v2.lvdash.json"
is 404 "... and has left the workspace tree"
call GET "/api/2.0/lakeview/dashboards?page_size=10"
jqok "and leaves the list" "[.dashboards[].dashboard_id] | index(\"$lv\") == null"
call GET "/api/2.0/lakeview/dashboards?page_size=10&show_trashed=true"
jqok "unless show_trashed" "[.dashboards[].dashboard_id] | index(\"$lv\") != null"
call POST /api/2.1/jobs/create "{\"name\": \"sqljob\", \"tasks\": [{\"task_key\": \"q\", \"sql_task\": {\"warehouse_id\": \"$wh\", \"query\": {\"query_id\": \"nope\"}}}]}"
err 400 INVALID_PARAMETER_VALUE "a job's sql_task.query must exist"
call POST /api/2.1/jobs/create "{\"name\": \"sqljob\", \"tasks\": [{\"task_key\": \"a\", \"sql_task\": {\"warehouse_id\": \"$wh\", \"alert\": {\"alert_id\": \"$al\"}}}, {\"task_key\": \"d\", \"sql_task\": {\"warehouse_id\": \"$wh\", \"dashboard\": {\"dashboard_id\": \"$d3\"}}}]}"
is 200 "a job's sql_task on an existing alert and legacy dashboard"
call POST /api/2.1/jobs/create "{\"name\": \"lvjob\", \"tasks\": [{\"task_key\": \"l\", \"dashboard_task\": {\"dashboard_id\": \"nope\", \"warehouse_id\": \"$wh\"}}]}"
err 400 INVALID_PARAMETER_VALUE "a job's dashboard_task must name a Lakeview dashboard"
done_testing
