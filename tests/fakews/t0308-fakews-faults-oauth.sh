#!/bin/sh
# Fault injection (--fail-rate, --ghost-commit-rate, --rate-limit,
# --latency-ms; deterministic with --random-seed) and OAuth M2M
# (/oidc/v1/token, --client-id/--client-secret, --auth-expire-after).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

statuses() {	# URL N: the HTTP status of N GETs of clusters/list, one per line
	i=0; while [ $i -lt "$2" ]; do printf '%s/api/2.0/clusters/list\n' "$1"; i=$((i + 1)); done |
		sed 's/^/url = /' | curl -s -H "Authorization: Bearer t" -K - -o /dev/null -w '%{http_code}\n'
}

start_fake f1 --cloud azure --fail-rate 0.5 --random-seed 7 || exit 1
start_fake f2 --cloud azure --fail-rate 0.5 --random-seed 7 || exit 1
statuses "$f1_URL" 40 >s1
statuses "$f2_URL" 40 >s2
check "--fail-rate answers some 503s and some 200s" sh -c 'grep -q 503 s1 && grep -q 200 s1 && [ $(grep -vc -e 503 -e 200 s1) = 0 ]'
check "the same --random-seed gives the same sequence" cmp -s s1 s2
FW=$f1_URL
while :; do call GET /api/2.0/clusters/list; [ "$code" = 503 ] && break; done
err 503 TEMPORARILY_UNAVAILABLE "a failed call says TEMPORARILY_UNAVAILABLE"
ok200=0 i=0
while [ $i -lt 20 ]; do
	call POST /api/2.0/preview/scim/v2/Groups "{\"displayName\": \"g$i\"}"
	[ "$code" = 201 ] && ok200=$((ok200 + 1))
	i=$((i + 1))
done
n=$(curl -sf "$FW/__fake/state" | jq '[.groups[] | select(.displayName != "admins" and .displayName != "users")] | length')
check "a 503 is answered before applying: $ok200 creates landed, $n groups exist" [ "$ok200" = "$n" ]

start_fake g --cloud azure --ghost-commit-rate 1 || exit 1
FW=$g_URL
call POST /api/2.1/clusters/create '{"cluster_name": "ghost", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1}'
err 500 INTERNAL_ERROR "--ghost-commit-rate: the create answers 500"
call GET /api/2.0/clusters/list
jqok "... but the cluster exists" '[.clusters[].cluster_name] == ["ghost"]'
call POST /api/2.1/clusters/create '{"cluster_name": "bad", "spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1}'
err 400 INVALID_PARAMETER_VALUE "a rejected create stays a 400 (nothing was applied)"
call GET /api/2.0/clusters/list
is 200 "reads are never ghosted"
start_fake g2 --cloud azure --ghost-commit-rate 0.5 --random-seed 3 || exit 1
FW=$g2_URL
i=0 fails=0
while [ $i -lt 20 ]; do
	call POST /api/2.0/preview/scim/v2/Groups "{\"displayName\": \"g$i\"}"
	[ "$code" = 500 ] && fails=$((fails + 1))
	i=$((i + 1))
done
n=$(curl -sf "$FW/__fake/state" | jq '[.groups[] | select(.displayName != "admins" and .displayName != "users")] | length')
check "a fraction is ghosted ($fails of 20) and all 20 groups exist" sh -c "[ $fails -gt 0 ] && [ $fails -lt 20 ] && [ $n = 20 ]"

start_fake r --cloud azure --rate-limit 5 || exit 1
statuses "$r_URL" 30 >rl
check "--rate-limit: beyond 5 per second some calls get 429" sh -c 'grep -q 429 rl && [ $(grep -c 200 rl) -ge 5 ]'
FW=$r_URL
while :; do
	code=$(curl -s -D hdr.txt -o body.json -w '%{http_code}' -H "Authorization: Bearer t" "$FW/api/2.0/clusters/list")
	[ "$code" = 429 ] && break
done
err 429 REQUEST_LIMIT_EXCEEDED "a limited call says REQUEST_LIMIT_EXCEEDED"
check "... with Retry-After: 1" grep -qi '^Retry-After: 1' hdr.txt

start_fake l --cloud azure --latency-ms 20 --latency-jitter-ms 10 || exit 1
FW=$l_URL
call GET /api/2.0/clusters/list
is 200 "--latency-ms: calls still succeed (the delay itself is not asserted)"

# OAuth M2M
start_fake o --cloud aws --client-id cid --client-secret csecret --auth-expire-after 3 || exit 1
FW=$o_URL
tok() { curl -s -o body.json -w '%{http_code}' "$@" "$FW/oidc/v1/token"; }
code=$(tok -u cid:wrong -d 'grant_type=client_credentials&scope=all-apis')
if [ "$code" = 401 ] && jq -e '.error == "invalid_client"' body.json >/dev/null; then ok "a wrong client secret: 401 invalid_client"; else nok "a wrong client secret: 401 invalid_client"; fi
code=$(tok -u cid:csecret -d 'grant_type=password')
is 400 "only the client_credentials grant"
code=$(tok -u cid:csecret -d 'grant_type=client_credentials&scope=all-apis')
jqok "HTTP Basic credentials get a bearer token" '.token_type == "Bearer" and .expires_in > 0 and (.access_token | length > 10)'
FW_TOKEN=$(jq -r .access_token body.json)
call GET /api/2.0/clusters/list
call GET /api/2.0/clusters/list
call GET /api/2.0/clusters/list
is 200 "the token works for 3 calls"
call GET /api/2.0/clusters/list
err 401 UNAUTHENTICATED "--auth-expire-after 3: the 4th call is 401"
code=$(tok -d 'grant_type=client_credentials&client_id=cid&client_secret=csecret&scope=all-apis')
is 200 "form-field credentials get a new token"
FW_TOKEN=$(jq -r .access_token body.json)
call GET /api/2.0/clusters/list
is 200 "the new token works"
FW_TOKEN=some-pat call GET /api/2.0/clusters/list
err 401 UNAUTHENTICATED "with --client-id, an arbitrary bearer token is refused"
curl -sf "$FW/oidc/.well-known/oauth-authorization-server" >body.json
jqok "OIDC metadata names the token endpoint" ".token_endpoint == \"$FW/oidc/v1/token\""
start_fake any --cloud azure || exit 1
FW=$any_URL
code=$(tok -u whoever:whatever -d 'grant_type=client_credentials&scope=all-apis')
is 200 "without --client-id any non-empty client is accepted"
code=$(tok -u whoever: -d 'grant_type=client_credentials')
is 401 "... but not an empty secret"
done_testing
