#!/bin/sh
# SQL warehouses (CRUD, start/stop, page_size/page_token paging) and
# global init scripts (CRUD, positions, script only in get).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

start_fake a --cloud azure --page-size 2 || exit 1
FW=$a_URL
for w in one two three; do
	call POST /api/2.0/sql/warehouses "{\"name\": \"$w\", \"cluster_size\": \"Small\", \"auto_stop_mins\": 20}"
done
is 200 "warehouses created"
jqok "a warehouse id is 16 hex digits" '.id | test("^[0-9a-f]{16}$")'
wid=$(jq -r .id body.json)
call GET "/api/2.0/sql/warehouses/$wid"
jqok "get: the spec plus server fields" '.name == "three" and .cluster_size == "Small" and .size == "SMALL" and .auto_stop_mins == 20 and .state == "RUNNING" and (.jdbc_url | length > 0) and .min_num_clusters == 1'
call POST /api/2.0/sql/warehouses '{"name": "one", "cluster_size": "Small"}'
err 400 RESOURCE_ALREADY_EXISTS "a duplicate warehouse name"
call POST /api/2.0/sql/warehouses '{"name": "x", "cluster_size": "Huge"}'
err 400 INVALID_PARAMETER_VALUE "an invalid cluster_size"
call POST /api/2.0/sql/warehouses '{"name": "x", "cluster_size": "Small", "auto_stop_mins": 5}'
err 400 INVALID_PARAMETER_VALUE "auto_stop_mins below 10 on a classic warehouse"
call GET /api/2.0/sql/warehouses
jqok "list is paged by --page-size" '(.warehouses | length) == 2 and (.next_page_token | length > 0)'
tok=$(jq -r .next_page_token body.json)
call GET "/api/2.0/sql/warehouses?page_token=$tok"
jqok "the next page ends the list" '[.warehouses[].name] == ["three"] and (has("next_page_token") | not)'
call POST "/api/2.0/sql/warehouses/$wid/edit" '{"name": "three", "cluster_size": "Medium", "max_num_clusters": 3}'
is 200 "edit"
call GET "/api/2.0/sql/warehouses/$wid"
jqok "... applied" '.cluster_size == "Medium" and .size == "MEDIUM" and .max_num_clusters == 3 and .auto_stop_mins == 20'
call POST "/api/2.0/sql/warehouses/$wid/stop"
call GET "/api/2.0/sql/warehouses/$wid"
jqok "stop" '.state == "STOPPED"'
call POST "/api/2.0/sql/warehouses/$wid/start"
call GET "/api/2.0/sql/warehouses/$wid"
jqok "start" '.state == "RUNNING"'
call DELETE "/api/2.0/sql/warehouses/$wid"
is 200 "delete"
call GET "/api/2.0/sql/warehouses/$wid"
err 404 RESOURCE_DOES_NOT_EXIST "a deleted warehouse is 404"

G=/api/2.0/global-init-scripts
call POST $G '{"name": "a", "script": "ZWNobyBh", "enabled": true}'
a=$(jq -r .script_id body.json)
call POST $G '{"name": "b", "script": "ZWNobyBi"}'
b=$(jq -r .script_id body.json)
call POST $G '{"name": "c", "script": "ZWNobyBj", "position": 0}'
is 200 "scripts created"
c=$(jq -r .script_id body.json)
call GET $G
jqok "list: ordered by position, no script bodies" '[.scripts[] | [.name, .position]] == [["c", 0], ["a", 1], ["b", 2]] and all(.scripts[]; has("script") | not)'
call GET "$G/$a"
jqok "get carries the base64 script and the audit fields" '.script == "ZWNobyBh" and .enabled == true and (.created_by | length > 0) and .created_at > 0'
call POST $G '{"name": "d", "script": "%%%"}'
err 400 INVALID_PARAMETER_VALUE "a script that is not base64"
call POST $G '{"script": "ZWNobyBh"}'
err 400 INVALID_PARAMETER_VALUE "a script without a name"
call PATCH "$G/$b" '{"name": "b2", "script": "ZWNobyBi", "position": 0, "enabled": true}'
is 200 "update with a new position"
call GET $G
jqok "... positions renumbered" '[.scripts[] | [.name, .position]] == [["b2", 0], ["c", 1], ["a", 2]]'
call DELETE "$G/$c"
is 200 "delete"
call GET $G
jqok "... positions close the gap" '[.scripts[] | [.name, .position]] == [["b2", 0], ["a", 1]]'
call GET "$G/$c"
err 404 RESOURCE_DOES_NOT_EXIST "a deleted script is 404"
done_testing
