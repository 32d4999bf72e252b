#!/bin/sh
# The principals every real workspace has: the calling admin user, the
# groups admins (the admin is a member) and users (every user is a
# member), listed by SCIM like other principals, kept by /__fake/reset and
# by a seed that already holds them, and impossible to delete.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"
S=/api/2.0/preview/scim/v2

start_fake a --cloud aws || exit 1
FW=$a_URL
call GET "$S/Groups"
jqok "a fresh workspace lists the groups admins and users" '([.Resources[].displayName] | sort) == ["admins", "users"] and .totalResults == 2'
call GET "$S/Groups?filter=displayName%20eq%20%22admins%22"
jqok "admins is found by name and has the admin as member" '.totalResults == 1 and ([.Resources[0].members[].display] == ["Fake Workspace Admin"])'
admins=$(jq -r '.Resources[0].id' body.json)
call GET "$S/Me"
jqok "Me is a stored user in admins and users" '.userName == "admin@fake.local" and (.id | test("^[0-9]+$")) and ([.groups[].display] | sort) == ["admins", "users"]'
me=$(jq -r .id body.json)
call GET "$S/Users/$me"
is 200 "the admin is an ordinary SCIM user"

call POST $S/Users '{"userName": "zoe@example.com"}'
is 201 "a new user"
zoe=$(jq -r .id body.json)
jqok "... is in users at once" '[.groups[].display] == ["users"]'
call GET "$S/Groups?filter=displayName%20eq%20%22users%22"
users=$(jq -r '.Resources[0].id' body.json)
jqok "users lists every user" "([.Resources[0].members[].value] | sort) == ([\"$me\", \"$zoe\"] | sort)"

call DELETE "$S/Groups/$users"
if [ "$code" = 403 ] && jq -e '.status == "403" and (.detail | test("system group"))' body.json >/dev/null; then
	ok "the users group cannot be deleted (SCIM 403)"
else nok "the users group cannot be deleted (SCIM 403)"; fi
call DELETE "$S/Groups/$admins"
is 403 "nor can admins"
call DELETE "$S/Users/$me"
is 403 "the calling admin cannot delete itself"
call PATCH "$S/Groups/$users" "{\"Operations\": [{\"op\": \"remove\", \"path\": \"members[value eq \\\"$zoe\\\"]\"}]}"
is 400 "a user cannot be removed from users"
call PATCH "$S/Groups/$admins" '{"Operations": [{"op": "replace", "path": "displayName", "value": "root"}]}'
is 400 "a system group cannot be renamed"
call PATCH "$S/Groups/$admins" "{\"Operations\": [{\"op\": \"add\", \"value\": {\"members\": [{\"value\": \"$zoe\"}]}}]}"
is 200 "members can be added to admins"
call POST $S/Groups '{"displayName": "users"}'
is 409 "creating a group named users is a conflict"
call DELETE "$S/Users/$zoe"
is 204 "an ordinary user can be deleted"
call GET "$S/Groups/$users"
jqok "... and leaves users" "[.members[].value] == [\"$me\"]"

call PUT /api/2.0/permissions/clusters/nope '{"access_control_list": []}'
is 404 "(permissions on a missing object are still 404)"

curl -sf -X POST "$FW/__fake/reset" >/dev/null
curl -sf "$FW/__fake/state" >st.json
check "reset keeps the built-ins, with the same ids" sh -c "jq -e '([.groups[] | .displayName + \"=\" + .id] | sort) == ([\"admins=$admins\", \"users=$users\"] | sort) and [.users[].userName] == [\"admin@fake.local\"]' st.json >/dev/null"

# a seed naming them (a dump) keeps them as they are; a seed without them
# gets them, with every seeded user in users
mkdir seed
jq .users st.json >seed/users.json
jq .groups st.json >seed/groups.json
start_fake b --cloud aws --seed seed || exit 1
curl -sf "$b_URL/__fake/state" >st2.json
check "a dump used as a seed keeps the built-ins once" sh -c "jq -S '{users, groups}' st.json >x1 && jq -S '{users, groups}' st2.json >x2 && cmp -s x1 x2"
start_fake c --cloud azure --seed "$ROOT/fixtures/azure-workspace" || exit 1
curl -sf "$c_URL/__fake/state" >st3.json
check "seeded users all belong to users" sh -c "jq -e '([.groups[] | select(.displayName == \"users\") | .members[].value] | sort) == ([.users[].id] | sort)' st3.json >/dev/null"
check "... and their groups say so" sh -c "jq -e 'all(.users[]; any(.groups[]; .display == \"users\"))' st3.json >/dev/null"
done_testing
