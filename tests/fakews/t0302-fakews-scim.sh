#!/bin/sh
# SCIM Users, Groups, ServicePrincipals, Me: create, natural-key filters,
# startIndex/count paging capped by --page-size, PatchOp members, PUT,
# DELETE, the RFC 7644 error shape and membership mirrored into "groups".
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"
S=/api/2.0/preview/scim/v2

start_fake a --cloud azure --page-size 2 || exit 1
FW=$a_URL
for u in ann bob cid dee eve; do
	call POST $S/Users "{\"userName\": \"$u@example.com\", \"displayName\": \"$u\"}"
done
is 201 "users created (201)"
jqok "a created user has an id, schemas, emails and active" \
	'(.id | test("^[0-9]+$")) and .schemas == ["urn:ietf:params:scim:schemas:core:2.0:User"] and .emails[0].value == "eve@example.com" and .active == true'
eve=$(jq -r .id body.json)
call POST $S/Users '{"userName": "ANN@example.com"}'
if [ "$code" = 409 ] && jq -e '.schemas == ["urn:ietf:params:scim:api:messages:2.0:Error"] and .status == "409" and (.detail | test("already exists"))' body.json >/dev/null; then
	ok "a duplicate userName (any case) is 409 in the SCIM error shape"
else nok "a duplicate userName (any case) is 409 in the SCIM error shape"; fi

call GET "$S/Users"
jqok "a list without count is capped by --page-size (5 users + the built-in admin)" '.totalResults == 6 and .itemsPerPage == 2 and (.Resources | length) == 2 and .startIndex == 1'
call GET "$S/Users?startIndex=6&count=10"
jqok "the last page holds the rest" '.totalResults == 6 and (.Resources | length) == 1 and .Resources[0].userName == "eve@example.com"'
call GET "$S/Users?startIndex=7"
jqok "past the end: no Resources" '(has("Resources") | not) and .itemsPerPage == 0'
n=0 idx=1
while :; do
	call GET "$S/Users?startIndex=$idx&count=100"
	k=$(jq '.Resources // [] | length' body.json)
	[ "$k" -gt 0 ] || break
	n=$((n + k)); idx=$((idx + k))
done
check "a client advancing by len(Resources) sees all 6 users" [ "$n" = 6 ]
call GET "$S/Users?filter=userName%20eq%20%22BOB@example.com%22"
jqok "filter userName eq (case-insensitive) finds one" '.totalResults == 1 and .Resources[0].displayName == "bob"'
bob=$(jq -r '.Resources[0].id' body.json)
call GET "$S/Users?filter=userName%20eq%20%22nobody@example.com%22"
jqok "a filter that matches nothing: totalResults 0" '.totalResults == 0 and (has("Resources") | not)'
call GET "$S/Users?filter=userName%20sw%20%22d%22&attributes=userName"
jqok "sw filter and attributes projection" '.totalResults == 1 and (.Resources[0] | keys) == ["id", "schemas", "userName"]'
call GET "$S/Users?filter=bogus"
if [ "$code" = 400 ] && jq -e '.status == "400"' body.json >/dev/null; then ok "an unparsable filter is a SCIM 400"; else nok "an unparsable filter is a SCIM 400"; fi

call POST $S/Groups "{\"displayName\": \"eng\", \"members\": [{\"value\": \"$bob\"}]}"
is 201 "group created with a member"
jqok "members carry value, display and \$ref" ".members == [{\"display\": \"bob\", \"value\": \"$bob\", \"\$ref\": \"Users/$bob\"}]"
g=$(jq -r .id body.json)
call GET "$S/Users/$bob"
jqok "the member's groups list the group (and the built-in users)" "[.groups[] | select(.value == \"$g\") | .display] == [\"eng\"] and ([.groups[].display] | sort) == [\"eng\", \"users\"]"
call PATCH "$S/Groups/$g" "{\"schemas\": [\"urn:ietf:params:scim:api:messages:2.0:PatchOp\"], \"Operations\": [{\"op\": \"add\", \"value\": {\"members\": [{\"value\": \"$eve\"}]}}]}"
is 200 "PatchOp add members"
jqok "... two members now" '.members | length == 2'
call PATCH "$S/Groups/$g" "{\"Operations\": [{\"op\": \"remove\", \"path\": \"members[value eq \\\"$bob\\\"]\"}]}"
is 200 "PatchOp remove with a value filter path"
jqok "... only eve is left" ".members | map(.value) == [\"$eve\"]"
call GET "$S/Users/$bob"
jqok "the removed member is only in the built-in users again" '[.groups[].display] == ["users"]'
call PATCH "$S/Groups/$g" '{"Operations": [{"op": "add", "path": "members", "value": [{"value": "999"}]}]}'
if [ "$code" = 404 ] && jq -e '.status == "404"' body.json >/dev/null; then ok "adding a member that does not exist: SCIM 404"; else nok "adding a member that does not exist: SCIM 404"; fi
call PATCH "$S/Users/$bob" '{"Operations": [{"op": "replace", "path": "userName", "value": "other@example.com"}]}'
is 400 "PATCH cannot change userName"
call PATCH "$S/Users/$bob" '{"Operations": [{"op": "replace", "path": "displayName", "value": "Bobby"}, {"op": "add", "path": "entitlements", "value": [{"value": "allow-cluster-create"}]}]}'
is 200 "PATCH replace displayName and add entitlements"
jqok "... applied" '.displayName == "Bobby" and .entitlements == [{"value": "allow-cluster-create"}]'
call PUT "$S/Groups/$g" "{\"displayName\": \"engineering\", \"members\": [{\"value\": \"$bob\"}]}"
is 200 "PUT replaces a group"
call GET "$S/Groups?filter=displayName%20eq%20%22engineering%22"
jqok "the new displayName is found by filter" ".totalResults == 1 and .Resources[0].members[0].value == \"$bob\""
call GET "$S/Users/$eve"
jqok "PUT dropped eve's membership" '[.groups[].display] == ["users"]'
call PATCH "$S/Groups/$g" '{"Operations": [{"op": "replace", "path": "displayName", "value": "engineering"}]}'
is 200 "PATCH setting a group's own name again is no conflict"
call DELETE "$S/Users/$bob"
is 204 "DELETE user: 204"
call GET "$S/Groups/$g"
jqok "a deleted user leaves the group" '.members == []'
call GET "$S/Users/$bob"
if [ "$code" = 404 ] && jq -e '.status == "404" and (.detail | length > 0)' body.json >/dev/null; then ok "a deleted user is 404"; else nok "a deleted user is 404"; fi

call POST $S/ServicePrincipals '{"displayName": "etl"}'
is 400 "azure: a service principal needs its Entra applicationId"
call POST $S/ServicePrincipals '{"displayName": "etl", "applicationId": "6a1c3f58-2b27-4b8e-9f55-3c2a9d1e0b11"}'
is 201 "azure: service principal with applicationId"
call GET "$S/ServicePrincipals?filter=applicationId%20eq%20%226a1c3f58-2b27-4b8e-9f55-3c2a9d1e0b11%22"
jqok "filter applicationId eq" '.totalResults == 1 and .Resources[0].displayName == "etl"'
call GET "$S/Me"
jqok "Me answers a user" '.userName | length > 0'

start_fake b --cloud aws || exit 1
FW=$b_URL
call POST $S/ServicePrincipals '{"displayName": "etl"}'
is 201 "aws: the workspace assigns the applicationId"
jqok "... a UUID" '.applicationId | test("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$")'
done_testing
