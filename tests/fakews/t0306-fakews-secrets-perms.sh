#!/bin/sh
# Secrets (scopes incl. Azure Key Vault, write-only values, ACLs) and
# permissions GET/PUT/PATCH for every object type, in the real reply shape.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

start_fake a --cloud azure || exit 1
start_fake w --cloud aws || exit 1
FW=$a_URL
S=/api/2.0/preview/scim/v2
call POST $S/Users '{"userName": "ann@example.com"}'
call POST $S/Groups '{"displayName": "eng"}'
call POST $S/ServicePrincipals '{"displayName": "etl", "applicationId": "6a1c3f58-2b27-4b8e-9f55-3c2a9d1e0b11"}'

call POST /api/2.0/secrets/scopes/create '{"scope": "app"}'
is 200 "scope created"
call POST /api/2.0/secrets/scopes/create '{"scope": "app"}'
err 400 RESOURCE_ALREADY_EXISTS "the same scope twice"
call POST /api/2.0/secrets/scopes/create '{"scope": "bad name!"}'
err 400 INVALID_PARAMETER_VALUE "an invalid scope name"
call POST /api/2.0/secrets/scopes/create '{"scope": "kv", "scope_backend_type": "AZURE_KEYVAULT", "backend_azure_keyvault": {"resource_id": "/subscriptions/x/resourceGroups/y/providers/Microsoft.KeyVault/vaults/z", "dns_name": "https://z.vault.azure.net/"}}'
is 200 "azure: a Key Vault-backed scope"
call GET /api/2.0/secrets/scopes/list
jqok "scopes/list shows backends and keyvault_metadata" '[.scopes[] | {name, backend_type}] == [{"name": "app", "backend_type": "DATABRICKS"}, {"name": "kv", "backend_type": "AZURE_KEYVAULT"}] and (.scopes[1].keyvault_metadata.dns_name | length > 0)'
call POST /api/2.0/secrets/put '{"scope": "app", "key": "db-password", "string_value": "s3cr3t-value"}'
is 200 "secret put"
call POST /api/2.0/secrets/put '{"scope": "kv", "key": "k", "string_value": "v"}'
err 400 BAD_REQUEST "a Key Vault-backed scope is read-only over REST"
call POST /api/2.0/secrets/put '{"scope": "nope", "key": "k", "string_value": "v"}'
err 404 RESOURCE_DOES_NOT_EXIST "put into a missing scope: 404"
call GET "/api/2.0/secrets/list?scope=app"
jqok "secrets/list: keys and timestamps" '.secrets | length == 1 and .[0].key == "db-password" and .[0].last_updated_timestamp > 0'
check "no reply carries the value" sh -c '! grep -q s3cr3t-value body.json'
call GET "/api/2.0/secrets/get?scope=app&key=db-password"
err 403 PERMISSION_DENIED "values are not readable over REST"
check "the request log does not carry the value" sh -c "curl -sf '$FW/__fake/requests' | grep -vq s3cr3t-value"
call POST /api/2.0/secrets/acls/put '{"scope": "app", "principal": "eng", "permission": "READ"}'
is 200 "acl put for a group"
call POST /api/2.0/secrets/acls/put '{"scope": "app", "principal": "ghosts", "permission": "READ"}'
err 404 RESOURCE_DOES_NOT_EXIST "acl for an unknown principal"
call POST /api/2.0/secrets/acls/put '{"scope": "app", "principal": "eng", "permission": "OWN"}'
err 400 INVALID_PARAMETER_VALUE "an invalid permission"
call GET "/api/2.0/secrets/acls/get?scope=app&principal=eng"
jqok "acls/get" '. == {"principal": "eng", "permission": "READ"}'
call GET "/api/2.0/secrets/acls/list?scope=app"
jqok "acls/list: the creator's MANAGE and the group" '[.items[].principal] | sort == ["admin@fake.local", "eng"]'
call POST /api/2.0/secrets/acls/delete '{"scope": "app", "principal": "eng"}'
is 200 "acl delete"
call POST /api/2.0/secrets/delete '{"scope": "app", "key": "db-password"}'
is 200 "secret delete"
call POST /api/2.0/secrets/delete '{"scope": "app", "key": "db-password"}'
err 404 RESOURCE_DOES_NOT_EXIST "deleting it again: 404"
call POST /api/2.0/secrets/scopes/delete '{"scope": "app"}'
is 200 "scope delete"
FW=$w_URL
call POST /api/2.0/secrets/scopes/create '{"scope": "kv", "scope_backend_type": "AZURE_KEYVAULT", "backend_azure_keyvault": {"resource_id": "r", "dns_name": "d"}}'
err 400 INVALID_PARAMETER_VALUE "aws: no Key Vault-backed scopes"
FW=$a_URL

# permissions
call POST /api/2.1/clusters/create '{"cluster_name": "c", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1}'
cid=$(jq -r .cluster_id body.json)
call POST /api/2.1/jobs/create '{"name": "j", "tasks": [{"task_key": "t"}]}'
jid=$(jq -r .job_id body.json)
call POST /api/2.0/instance-pools/create '{"instance_pool_name": "p", "node_type_id": "Standard_DS3_v2"}'
pid=$(jq -r .instance_pool_id body.json)
call POST /api/2.0/policies/clusters/create '{"name": "p", "definition": "{}"}'
polid=$(jq -r .policy_id body.json)
call POST /api/2.0/sql/warehouses '{"name": "wh", "cluster_size": "Small"}'
whid=$(jq -r .id body.json)
call POST /api/2.0/repos '{"url": "https://github.com/a/b.git", "provider": "gitHub", "path": "/Repos/x/b"}'
rid=$(jq -r .id body.json)
call POST /api/2.0/workspace/mkdirs '{"path": "/Shared/d"}'
call POST /api/2.0/workspace/import '{"path": "/Shared/d/n", "format": "SOURCE", "language": "PYTHON", "content": "eA=="}'
call GET "/api/2.0/workspace/get-status?path=/Shared/d/n"
nid=$(jq -r .object_id body.json)
call GET "/api/2.0/workspace/get-status?path=/Shared/d"
did=$(jq -r .object_id body.json)

call GET "/api/2.0/permissions/clusters/$cid"
jqok "GET: object_id, singular object_type, inherited admins entry" \
	".object_id == \"/clusters/$cid\" and .object_type == \"cluster\" and (.access_control_list[] | select(.group_name == \"admins\") | .all_permissions[0] | .inherited == true and .inherited_from_object == [\"/clusters/\"] and .permission_level == \"CAN_MANAGE\")"
call PUT "/api/2.0/permissions/clusters/$cid" '{"access_control_list": [{"user_name": "ann@example.com", "permission_level": "CAN_RESTART"}, {"group_name": "eng", "permission_level": "CAN_ATTACH_TO"}]}'
is 200 "PUT cluster permissions"
jqok "PUT answers the new list with all_permissions" '[.access_control_list[] | select(.all_permissions[0].inherited == false) | {u: (.user_name // .group_name), l: .all_permissions[0].permission_level}] == [{"u": "ann@example.com", "l": "CAN_RESTART"}, {"u": "eng", "l": "CAN_ATTACH_TO"}]'
call PATCH "/api/2.0/permissions/clusters/$cid" '{"access_control_list": [{"service_principal_name": "6a1c3f58-2b27-4b8e-9f55-3c2a9d1e0b11", "permission_level": "CAN_MANAGE"}, {"group_name": "eng", "permission_level": "CAN_RESTART"}]}'
is 200 "PATCH adds and updates"
jqok "... ann kept, eng updated, the SP added" '[.access_control_list[] | select(.all_permissions[0].inherited == false) | .all_permissions[0].permission_level] == ["CAN_RESTART", "CAN_MANAGE", "CAN_RESTART"]'
call PUT "/api/2.0/permissions/clusters/$cid" '{"access_control_list": [{"user_name": "ann@example.com", "permission_level": "CAN_USE"}]}'
err 400 INVALID_PARAMETER_VALUE "a level the type does not have is refused"
call PUT "/api/2.0/permissions/clusters/$cid" '{"access_control_list": [{"user_name": "ghost@example.com", "permission_level": "CAN_RESTART"}]}'
err 400 INVALID_PARAMETER_VALUE "an unknown principal is refused"
call GET "/api/2.0/permissions/clusters/0000-000000-nothere0"
err 404 RESOURCE_DOES_NOT_EXIST "permissions of a missing object: 404"
call GET "/api/2.0/permissions/jobs/$jid"
jqok "a job has an IS_OWNER (its creator)" '[.access_control_list[] | select(.all_permissions[0].permission_level == "IS_OWNER")] | length == 1'
call PUT "/api/2.0/permissions/jobs/$jid" '{"access_control_list": [{"user_name": "ann@example.com", "permission_level": "IS_OWNER"}, {"group_name": "eng", "permission_level": "CAN_MANAGE_RUN"}]}'
is 200 "PUT job permissions with a new owner"
jqok "... ann is the only owner" '[.access_control_list[] | select(.all_permissions[0].permission_level == "IS_OWNER") | .user_name] == ["ann@example.com"] and .object_type == "job"'
call PUT "/api/2.0/permissions/jobs/$jid" '{"access_control_list": [{"group_name": "eng", "permission_level": "IS_OWNER"}]}'
err 400 INVALID_PARAMETER_VALUE "a group cannot own a job"
for t in "instance-pools/$pid instance-pool CAN_ATTACH_TO" "cluster-policies/$polid cluster-policy CAN_USE" \
	"sql/warehouses/$whid warehouses CAN_USE" "repos/$rid repo CAN_EDIT" "notebooks/$nid notebook CAN_RUN" \
	"directories/$did directory CAN_READ"; do
	set -- $t
	call PUT "/api/2.0/permissions/$1" "{\"access_control_list\": [{\"group_name\": \"eng\", \"permission_level\": \"$3\"}]}"
	jqok "PUT/GET $1: object_type $2" ".object_type == \"$2\" and .object_id == \"/$1\" and ([.access_control_list[] | select(.group_name == \"eng\")][0].all_permissions[0].permission_level == \"$3\")"
done
call GET "/api/2.0/permissions/notebooks/$nid"
jqok "a notebook inherits its folder's grants" "[.access_control_list[] | select(.group_name == \"eng\") | .all_permissions[] | select(.inherited == true)][0] | .permission_level == \"CAN_READ\" and .inherited_from_object == [\"/directories/$did\"]"
jqok "... merged into the principal's entry beside its direct grant" '[.access_control_list[] | select(.group_name == "eng")] | length == 1 and (.[0].all_permissions | length) == 2'
call GET "/api/2.0/permissions/notebooks/$did"
err 404 RESOURCE_DOES_NOT_EXIST "a directory id is not a notebook"
call GET "/api/2.0/permissions/jobs/$jid/permissionLevels"
jqok "permissionLevels" '[.permission_levels[].permission_level] == ["CAN_VIEW", "CAN_MANAGE_RUN", "IS_OWNER", "CAN_MANAGE"]'
curl -sf "$FW/__fake/state" >body.json
jqok "the state holds the direct ACLs in the PUT shape" "[.permissions[] | select(.object_type == \"jobs\" and .object_id == \"$jid\")][0].access_control_list | length == 2"
call POST /api/2.1/jobs/delete "{\"job_id\": $jid}"
curl -sf "$FW/__fake/state" >body.json
jqok "deleting the job drops its ACL" "[.permissions[] | select(.object_type == \"jobs\")] | length == 0"
done_testing
