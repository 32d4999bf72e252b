#!/bin/sh
# dbxmig-fakews basics: options and --help, the first stdout line, auth
# (any bearer, --token), unknown routes, introspection (/__fake/state,
# /__fake/requests, /__fake/reset), seed errors naming the file, and the
# state round trip: dump -> seed -> the same dump (also --state-out on exit).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

expect_exit 0 "--help exits 0" "$FAKEWS" --help
check "--help documents every option" sh -c 'for o in --cloud --port --seed --token --client-id --client-secret \
	--page-size --latency-ms --latency-jitter-ms --fail-rate --ghost-commit-rate --rate-limit --random-seed \
	--auth-expire-after --state-out --generate; do grep -q -- "$o" out.txt || { echo "# missing $o"; exit 1; }; done'
expect_exit 2 "an unknown cloud is a usage error" "$FAKEWS" --cloud oci
check "... naming the option" contains err.txt "--cloud"
expect_exit 2 "a fail rate above 1 is a usage error" "$FAKEWS" --fail-rate 1.5
expect_exit 2 "--client-id without --client-secret" "$FAKEWS" --client-id x

mkdir badseed
printf '[{"id": "1", "userName": "a@x.com"},\n {"id": "1", "userName": "b@x.com"}]\n' >badseed/users.json
expect_exit 2 "a seed with a duplicate id does not start" "$FAKEWS" --port 0 --seed badseed
check "... and the message names the file and the id" sh -c 'grep -q "badseed/users.json" err.txt && grep -q "duplicate id .1." err.txt'
printf '[{"id": "1",\n "userName": }]\n' >badseed/users.json
expect_exit 2 "a seed with invalid JSON does not start" "$FAKEWS" --port 0 --seed badseed
check "... and the message names file:line" contains err.txt "badseed/users.json:2"

start_fake a --cloud azure || exit 1
FW=$a_URL
check "the URL is on 127.0.0.1" sh -c "echo '$FW' | grep -q '^http://127.0.0.1:[0-9]*$'"
code=$(curl -s -o body.json -w '%{http_code}' "$FW/api/2.0/clusters/list")
err 401 UNAUTHENTICATED "no bearer token: 401"
call GET /api/2.0/clusters/list
is 200 "any non-empty bearer token is accepted without --token"
jqok "an empty workspace lists no clusters (no key, like the real API)" 'has("clusters") | not'
call GET /api/2.0/no/such/thing
err 404 ENDPOINT_NOT_FOUND "unknown route: 404 ENDPOINT_NOT_FOUND"
call DELETE /api/2.0/clusters/list
err 405 BAD_REQUEST "wrong method on a known route: 405"
call POST /api/2.0/clusters/create '{"cluster_name": '
err 400 MALFORMED_REQUEST "invalid JSON body: 400 MALFORMED_REQUEST"
curl -sf "$FW/__fake/requests" >body.json
jqok "/__fake/requests counts per method and route pattern" \
	'.counts["GET /api/2.0/clusters/list"] == 1 and .counts["POST /api/2.0/clusters/create"] == 1'
jqok "... and lists every mutating call with its status" \
	'[.mutations[] | select(.route == "/api/2.0/clusters/create" and .status == 400)] | length == 1'

start_fake b --cloud aws --token sekret || exit 1
FW=$b_URL
call GET /api/2.0/clusters/list
err 401 UNAUTHENTICATED "--token: another token is refused"
FW_TOKEN=sekret call GET /api/2.0/clusters/list
is 200 "--token: that token is accepted"
check "introspection needs no auth" sh -c "curl -sf '$FW/__fake/state' | jq -e '.cloud == \"aws\"' >/dev/null"

# state round trip: build a state through the API, dump it, load the dump
# as a seed, dump again: identical.
FW=$a_URL
call POST /api/2.0/preview/scim/v2/Users '{"userName": "ann@example.com"}'
is 201 "user created"
uid=$(jq -r .id body.json)
call POST /api/2.0/preview/scim/v2/Groups "{\"displayName\": \"eng\", \"members\": [{\"value\": \"$uid\"}]}"
is 201 "group created"
call POST /api/2.0/policies/clusters/create '{"name": "p", "definition": "{\"spark_version\": {\"type\": \"unlimited\"}}"}'
is 200 "policy created"
call POST /api/2.0/instance-pools/create '{"instance_pool_name": "pool", "node_type_id": "Standard_DS3_v2"}'
is 200 "pool created"
pool=$(jq -r .instance_pool_id body.json)
call POST /api/2.1/clusters/create "{\"cluster_name\": \"c\", \"spark_version\": \"15.4.x-scala2.12\", \"instance_pool_id\": \"$pool\", \"num_workers\": 1}"
is 200 "cluster created"
cid=$(jq -r .cluster_id body.json)
call POST /api/2.0/libraries/install "{\"cluster_id\": \"$cid\", \"libraries\": [{\"pypi\": {\"package\": \"requests\"}}]}"
is 200 "library installed"
call POST /api/2.1/jobs/create "{\"name\": \"j\", \"tasks\": [{\"task_key\": \"t\", \"existing_cluster_id\": \"$cid\", \"notebook_task\": {\"notebook_path\": \"/Shared/n\"}}]}"
is 200 "job created"
jid=$(jq -r .job_id body.json)
call PUT /api/2.0/permissions/jobs/$jid '{"access_control_list": [{"group_name": "eng", "permission_level": "CAN_VIEW"}]}'
is 200 "job permissions set"
call POST /api/2.0/workspace/mkdirs '{"path": "/Shared"}'
call POST /api/2.0/workspace/import '{"path": "/Shared/n", "format": "SOURCE", "language": "PYTHON", "content": "cHJpbnQoMSkK"}'
is 200 "notebook imported"
call POST /api/2.0/workspace/import '{"path": "/Shared/bin", "format": "AUTO", "content": "AAEC/w=="}'
is 200 "binary file imported"
call POST /api/2.0/secrets/scopes/create '{"scope": "s"}'
call POST /api/2.0/secrets/put '{"scope": "s", "key": "k", "string_value": "v4lue"}'
is 200 "secret put"
call POST /api/2.0/sql/warehouses '{"name": "wh", "cluster_size": "Small"}'
is 200 "warehouse created"
call POST /api/2.0/global-init-scripts '{"name": "gis", "script": "ZWNobyBoaQo=", "enabled": true}'
is 200 "init script created"
call POST /api/2.0/repos '{"url": "https://github.com/o/r.git", "provider": "gitHub", "path": "/Repos/x/r"}'
is 200 "repo created"

curl -sf "$FW/__fake/state" >dump1.json
mkdir seed2
for k in $(jq -r 'keys[] | select(. != "cloud")' dump1.json); do jq ".$k" dump1.json >seed2/$k.json; done
start_fake c --cloud azure --seed seed2 --state-out "$T/exit.json" || exit 1
curl -sf "$c_URL/__fake/state" >dump2.json
check "dump -> seed -> dump is identical" cmp -s dump1.json dump2.json
check "the dump sorts objects by id" sh -c "jq -e '[.users[].id] == ([.users[].id] | sort_by(length, .))' dump1.json >/dev/null"
kill "$c_PID"
i=0; while kill -0 "$c_PID" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "--state-out writes the state on SIGTERM" sh -c "jq -S . '$T/exit.json' >x1 && jq -S . dump2.json >x2 && cmp -s x1 x2"

call POST /api/2.1/clusters/create '{"cluster_name": "extra", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 0}'
FW=$c_URL
curl -sf -X POST "$a_URL/__fake/reset" >/dev/null
curl -sf "$a_URL/__fake/state" >body.json
jqok "/__fake/reset empties a seedless workspace but for the built-in principals" '.clusters == [] and ([.users[].userName] == ["admin@fake.local"]) and ([.groups[].displayName] | sort) == ["admins", "users"] and .workspace == []'
curl -sf "$a_URL/__fake/requests" >body.json
jqok "/__fake/reset clears the request log" '.total == 0 and .mutations == []'
done_testing
