#!/bin/sh
# --generate: synthetic objects valid for the cloud, deterministic, and
# reachable through the paged APIs; bad specs are usage errors.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

expect_exit 2 "an unknown kind in --generate is a usage error" "$FAKEWS" --generate planes=3
check "... naming it" contains err.txt "planes"
expect_exit 2 "a negative count is a usage error" "$FAKEWS" --generate jobs=-1

start_fake a --cloud aws --generate jobs=250,clusters=120,notebooks=450,users=130 || exit 1
start_fake b --cloud aws --generate jobs=250,clusters=120,notebooks=450,users=130 || exit 1
curl -sf "$a_URL/__fake/state" >a.json
curl -sf "$b_URL/__fake/state" >b.json
check "the counts asked for" sh -c "jq -e '(.jobs | length) == 250 and (.clusters | length) == 120 and (.users | length) == 131 and ([.workspace[] | select(.object_type == \"NOTEBOOK\")] | length) == 450' a.json >/dev/null"
check "generation is deterministic" cmp -s a.json b.json
FW=$a_URL
n=0 tok=""
while :; do
	call GET "/api/2.1/jobs/list?limit=100${tok:+&page_token=$tok}"
	n=$((n + $(jq '.jobs // [] | length' body.json)))
	tok=$(jq -r '.next_page_token // empty' body.json)
	[ "$(jq -r .has_more body.json)" = true ] || break
done
check "jobs/list pages through all 250" [ "$n" = 250 ]
jid=$(jq '.jobs[0].job_id' a.json)
call GET "/api/2.1/jobs/get?job_id=$jid"
jqok "a generated job has tasks on a job cluster with an aws node type" '.settings.job_clusters[0].new_cluster.node_type_id == "i3.xlarge" and (.settings.tasks | length) == 2'
call POST /api/2.1/jobs/reset "{\"job_id\": $jid, \"new_settings\": $(jq -c .settings body.json)}"
is 200 "a generated job passes the fake's own validation"
call GET "/api/2.0/preview/scim/v2/Users?startIndex=101&count=100"
jqok "users page by startIndex (130 generated + the built-in admin)" '.totalResults == 131 and (.Resources | length) == 31'
done_testing
