#!/bin/sh
# Unity Catalog: storage credentials (flavour-checked identity blocks),
# external locations (flavour-checked URLs, overlap), catalogs (with their
# auto-created schemas), schemas, volumes (MANAGED/EXTERNAL), tables (read
# and delete), grants (GET/PATCH add/remove, privilege checks), renames,
# non-empty deletes, and max_results/page_token paging with the empty
# page that still carries a token.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"
UC=/api/2.1/unity-catalog

start_fake a --cloud azure --page-size 2 || exit 1
FW=$a_URL
call POST $UC/storage-credentials '{"name": "r", "aws_iam_role": {"role_arn": "arn:aws:iam::123456789012:role/uc"}}'
err 400 INVALID_PARAMETER_VALUE "azure: an aws_iam_role credential is refused"
call POST $UC/storage-credentials '{"name": "mi", "azure_managed_identity": {"access_connector_id": "ac-1"}}'
err 400 INVALID_PARAMETER_VALUE "azure: access_connector_id must be a resource id"
call POST $UC/storage-credentials '{"name": "MI", "comment": "lake", "azure_managed_identity": {"access_connector_id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Databricks/accessConnectors/ac"}}'
is 200 "azure: a managed identity credential"
jqok "... name lower-cased, credential_id, owner, metastore_id" '.name == "mi" and (.azure_managed_identity.credential_id | length > 0) and .owner == "admin@fake.local" and (.metastore_id | length > 0)'
call POST $UC/storage-credentials '{"name": "mi", "azure_managed_identity": {"access_connector_id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Databricks/accessConnectors/ac"}}'
err 409 RESOURCE_ALREADY_EXISTS "a duplicate credential is 409"
call POST $UC/storage-credentials '{"name": "sp", "azure_service_principal": {"directory_id": "d", "application_id": "a", "client_secret": "s3cr3t-value"}}'
is 200 "azure: a service principal credential"
jqok "... whose client_secret is never answered" '(.azure_service_principal | has("client_secret") | not) and .azure_service_principal.application_id == "a"'

call POST $UC/external-locations '{"name": "s3loc", "url": "s3://bucket/x", "credential_name": "mi"}'
err 400 INVALID_PARAMETER_VALUE "azure: an s3 location is refused"
call POST $UC/external-locations '{"name": "bad", "url": "abfss://nocontainer/x", "credential_name": "mi"}'
err 400 INVALID_PARAMETER_VALUE "an abfss URL without container@account is refused"
call POST $UC/external-locations '{"name": "raw", "url": "abfss://raw@acct.dfs.core.windows.net/data", "credential_name": "nope"}'
err 404 RESOURCE_DOES_NOT_EXIST "a location on a missing credential is 404"
call POST $UC/external-locations '{"name": "raw", "url": "abfss://raw@acct.dfs.core.windows.net/data", "credential_name": "mi"}'
is 200 "external location"
jqok "... url, credential_name, credential_id" '.url == "abfss://raw@acct.dfs.core.windows.net/data" and .credential_name == "mi" and (.credential_id | length > 0)'
call POST $UC/external-locations '{"name": "raw2", "url": "abfss://raw@acct.dfs.core.windows.net/data/sub", "credential_name": "mi"}'
err 400 INVALID_PARAMETER_VALUE "an overlapping location is refused"
call DELETE $UC/storage-credentials/mi
err 400 INVALID_STATE "a credential in use cannot be deleted"

call POST $UC/catalogs '{"name": "main", "storage_root": "abfss://other@acct.dfs.core.windows.net/x"}'
err 400 INVALID_PARAMETER_VALUE "a storage_root no external location covers is refused"
call POST $UC/catalogs '{"name": "hive_metastore"}'
err 400 INVALID_PARAMETER_VALUE "reserved catalog names are refused"
for c in main c2 c3 c4 c5; do call POST $UC/catalogs "{\"name\": \"$c\", \"comment\": \"$c\"}"; done
is 200 "catalogs created"
jqok "a catalog: MANAGED_CATALOG, full_name, owner" '.catalog_type == "MANAGED_CATALOG" and .full_name == "c5" and .owner == "admin@fake.local"'
call GET "$UC/schemas?catalog_name=main&max_results=10"
jqok "a new catalog holds default and information_schema" '[.schemas[].name] == ["default", "information_schema"]'

pages "$UC/catalogs" catalogs
check "all 5 catalogs over the pages" sh -c "jq -e '[.[].name] == [\"main\",\"c2\",\"c3\",\"c4\",\"c5\"]' all.json >/dev/null"
check "an empty page with a next_page_token came on the way" [ "$nempty" -ge 1 ]
call GET "$UC/catalogs?max_results=-1"
err 400 INVALID_PARAMETER_VALUE "a negative max_results is refused"
call GET "$UC/schemas"
err 400 INVALID_PARAMETER_VALUE "schemas need catalog_name"
call GET "$UC/schemas?catalog_name=nope"
err 404 RESOURCE_DOES_NOT_EXIST "schemas of a missing catalog: 404"

call POST $UC/schemas '{"name": "Sales", "catalog_name": "main", "comment": "s", "properties": {"k": "v"}}'
is 200 "schema created"
jqok "... full_name catalog.schema, lower-cased" '.full_name == "main.sales" and .catalog_name == "main" and .properties.k == "v"'
call POST $UC/schemas '{"name": "a.b", "catalog_name": "main"}'
err 400 INVALID_PARAMETER_VALUE "a name with a dot is refused"
call POST $UC/schemas '{"name": "sales", "catalog_name": "main"}'
err 409 RESOURCE_ALREADY_EXISTS "a duplicate schema is 409"

call POST $UC/volumes '{"name": "v1", "catalog_name": "main", "schema_name": "sales", "volume_type": "EXTERNAL", "storage_location": "abfss://other@acct.dfs.core.windows.net/v"}'
err 400 INVALID_PARAMETER_VALUE "an external volume outside every location is refused"
call POST $UC/volumes '{"name": "v1", "catalog_name": "main", "schema_name": "sales", "volume_type": "MANAGED", "storage_location": "abfss://raw@acct.dfs.core.windows.net/data/v"}'
err 400 INVALID_PARAMETER_VALUE "a managed volume with a storage_location is refused"
call POST $UC/volumes '{"name": "v1", "catalog_name": "main", "schema_name": "sales", "volume_type": "EXTERNAL", "storage_location": "abfss://raw@acct.dfs.core.windows.net/data/v"}'
is 200 "external volume"
jqok "... full_name, volume_id" '.full_name == "main.sales.v1" and .volume_type == "EXTERNAL" and (.volume_id | length > 0)'
call POST $UC/volumes '{"name": "v2", "catalog_name": "main", "schema_name": "sales", "volume_type": "MANAGED"}'
jqok "a managed volume gets a location in the metastore root" '.storage_location | startswith("abfss://")'
call DELETE $UC/external-locations/raw
err 400 INVALID_STATE "a location in use by a volume cannot be deleted"

call GET "$UC/permissions/catalog/main"
jqok "no grants yet" '.privilege_assignments == []'
call PATCH "$UC/permissions/catalog/main" '{"changes": [{"principal": "users", "add": ["USE_CATALOG", "BROWSE"]}, {"principal": "admin@fake.local", "add": ["ALL_PRIVILEGES"]}]}'
is 200 "grants added"
jqok "... to a group and a user, privileges sorted" '.privilege_assignments == [{"principal": "users", "privileges": ["BROWSE", "USE_CATALOG"]}, {"principal": "admin@fake.local", "privileges": ["ALL_PRIVILEGES"]}]'
call PATCH "$UC/permissions/catalog/main" '{"changes": [{"principal": "users", "remove": ["BROWSE"]}]}'
jqok "remove takes one away" '.privilege_assignments[0] == {"principal": "users", "privileges": ["USE_CATALOG"]}'
call GET "$UC/permissions/catalog/main?principal=users"
jqok "GET ?principal= filters" '(.privilege_assignments | length) == 1'
call PATCH "$UC/permissions/volume/main.sales.v1" '{"changes": [{"principal": "users", "add": ["SELECT"]}]}'
err 400 INVALID_PARAMETER_VALUE "a privilege the securable does not have is refused"
call PATCH "$UC/permissions/schema/main.sales" '{"changes": [{"principal": "nobody@example.com", "add": ["USE_SCHEMA"]}]}'
err 400 INVALID_PARAMETER_VALUE "an unknown principal is refused"
call PATCH "$UC/permissions/schema/main.nope" '{"changes": []}'
err 404 RESOURCE_DOES_NOT_EXIST "grants on a missing securable: 404"
call PATCH "$UC/permissions/bogus/main" '{"changes": []}'
err 400 INVALID_PARAMETER_VALUE "an unknown securable type is refused"
call PATCH "$UC/permissions/schema/main.sales" '{"changes": [{"principal": "users", "add": ["USE_SCHEMA"]}]}'
call PATCH "$UC/permissions/external_location/raw" '{"changes": [{"principal": "users", "add": ["READ_FILES"]}]}'
is 200 "grants on an external location"

call PATCH "$UC/schemas/main.sales" '{"new_name": "sales2", "comment": "renamed"}'
jqok "a schema rename" '.full_name == "main.sales2" and .name == "sales2" and .comment == "renamed"'
call GET "$UC/volumes/main.sales2.v1"
jqok "... carries its volumes" '.schema_name == "sales2" and .full_name == "main.sales2.v1"'
call GET "$UC/permissions/schema/main.sales2"
jqok "... and its grants" '.privilege_assignments == [{"principal": "users", "privileges": ["USE_SCHEMA"]}]'
call PATCH "$UC/permissions/storage_credential/mi" '{"changes": [{"principal": "users", "add": ["CREATE_EXTERNAL_LOCATION"]}]}'
call PATCH "$UC/storage-credentials/mi" '{"new_name": "mi2"}'
jqok "a credential rename" '.name == "mi2"'
call GET "$UC/external-locations/raw"
jqok "... is followed by the locations using it" '.credential_name == "mi2"'
call GET "$UC/permissions/storage_credential/mi2"
jqok "... and by its grants" '.privilege_assignments == [{"principal": "users", "privileges": ["CREATE_EXTERNAL_LOCATION"]}]'
call PATCH "$UC/catalogs/main" '{"owner": "nobody@example.com"}'
err 400 INVALID_PARAMETER_VALUE "an owner that does not exist is refused"
call PATCH "$UC/catalogs/main" '{"owner": "admins"}'
jqok "owner change" '.owner == "admins"'

call GET "$UC/tables?catalog_name=main&schema_name=sales2"
jqok "no tables yet (tables are created by SQL)" '.tables == []'
call POST $UC/tables '{"name": "m", "catalog_name": "main", "schema_name": "sales2", "table_type": "MANAGED", "data_source_format": "DELTA"}'
err 400 INVALID_PARAMETER_VALUE "POST tables refuses a MANAGED table (the API makes EXTERNAL DELTA only)"
call POST $UC/tables '{"name": "e", "catalog_name": "main", "schema_name": "sales2", "table_type": "EXTERNAL", "data_source_format": "DELTA", "storage_location": "abfss://other@acct.dfs.core.windows.net/e"}'
err 400 INVALID_PARAMETER_VALUE "... and a location no external location covers"
call POST $UC/tables '{"name": "E", "catalog_name": "main", "schema_name": "sales2", "table_type": "EXTERNAL", "data_source_format": "DELTA", "storage_location": "abfss://raw@acct.dfs.core.windows.net/data/e", "columns": [{"name": "id", "type_text": "bigint", "type_name": "LONG", "position": 0}]}'
is 200 "POST tables creates an EXTERNAL DELTA table"
jqok "... TableInfo" '.full_name == "main.sales2.e" and .table_type == "EXTERNAL" and .columns[0].type_name == "LONG" and (.table_id | length > 0)'
call POST $UC/tables '{"name": "e", "catalog_name": "main", "schema_name": "sales2", "table_type": "EXTERNAL", "data_source_format": "DELTA", "storage_location": "abfss://raw@acct.dfs.core.windows.net/data/e"}'
err 409 RESOURCE_ALREADY_EXISTS "a duplicate table is 409"
call DELETE "$UC/tables/main.sales2.e"
is 200 "table deleted"
call GET "$UC/tables/main.sales2.nope"
err 404 RESOURCE_DOES_NOT_EXIST "a missing table is 404"
call PATCH "$UC/catalogs/c5" '{"new_name": "c6"}'
jqok "a catalog rename" '.name == "c6" and .full_name == "c6"'
call GET "$UC/schemas/c6.default"
jqok "... moves its schemas" '.catalog_name == "c6" and .full_name == "c6.default"'
call PATCH "$UC/catalogs/c6" '{"new_name": "c4"}'
err 409 RESOURCE_ALREADY_EXISTS "renaming onto an existing catalog is 409"
call DELETE "$UC/catalogs/main"
err 400 INVALID_STATE "a non-empty catalog cannot be deleted"
call DELETE "$UC/catalogs/main?force=true"
is 200 "force deletes it"
call GET "$UC/schemas/main.sales2"
is 404 "... with its schemas"
call GET "$UC/volumes/main.sales2.v1"
is 404 "... and volumes"
call DELETE "$UC/external-locations/raw"
is 200 "the location is free again"

start_fake b --cloud aws || exit 1
FW=$b_URL
call POST $UC/storage-credentials '{"name": "mi", "azure_managed_identity": {"access_connector_id": "/subscriptions/1/resourceGroups/rg/providers/Microsoft.Databricks/accessConnectors/ac"}}'
err 400 INVALID_PARAMETER_VALUE "aws: an Azure managed identity is refused"
call POST $UC/storage-credentials '{"name": "role", "aws_iam_role": {"role_arn": "arn:aws:iam::123456789012:role/uc"}}'
jqok "aws: an IAM role credential gets external_id and the UC master role" '(.aws_iam_role.external_id | length > 0) and (.aws_iam_role.unity_catalog_iam_arn | startswith("arn:aws:iam::"))'
call POST $UC/external-locations '{"name": "l", "url": "abfss://raw@acct.dfs.core.windows.net/data", "credential_name": "role"}'
err 400 INVALID_PARAMETER_VALUE "aws: an abfss location is refused"
call POST $UC/external-locations '{"name": "l", "url": "s3://contoso-raw/data", "credential_name": "role"}'
is 200 "aws: an s3 location"
done_testing
