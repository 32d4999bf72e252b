#!/bin/sh
# Clusters (2.0 and 2.1), libraries, node types, Spark versions, instance
# pools, cluster policies, instance profiles, and the cloud flavour checks
# of both an azure and an aws fake.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

start_fake az --cloud azure --page-size 2 || exit 1
start_fake aws --cloud aws --page-size 2 || exit 1

FW=$az_URL
call GET /api/2.0/clusters/list-node-types
jqok "azure node types carry real cores and memory" \
	'[.node_types[] | select(.node_type_id == "Standard_DS3_v2")][0] | .num_cores == 4 and .memory_mb == 14336'
jqok "azure lists GPU types" '[.node_types[] | select(.node_type_id == "Standard_NC6s_v3" and .num_gpus == 1)] | length == 1'
call GET /api/2.1/clusters/spark-versions
jqok "spark versions list key and name" '.versions | length > 3 and all(.key and .name)'
for i in 1 2 3 4 5; do
	call POST /api/2.1/clusters/create "{\"cluster_name\": \"c$i\", \"spark_version\": \"15.4.x-scala2.12\", \"node_type_id\": \"Standard_DS3_v2\", \"num_workers\": $i, \"autotermination_minutes\": 30}"
done
is 200 "clusters created"
jqok "cluster ids look like real ones" '.cluster_id | test("^[0-9]{4}-[0-9]{6}-[a-z]{8}$")'
cid=$(jq -r .cluster_id body.json)
call GET "/api/2.1/clusters/get?cluster_id=$cid"
jqok "get: the spec, state, creator and azure defaults" \
	'.cluster_name == "c5" and .state == "TERMINATED" and .autotermination_minutes == 30 and .azure_attributes.availability == "ON_DEMAND_AZURE" and .default_tags.ClusterId == .cluster_id and (.creator_user_name | length > 0)'
call GET "/api/2.1/clusters/get?cluster_id=0000-000000-nothere0"
err 400 INVALID_PARAMETER_VALUE "get of an unknown cluster: 400 INVALID_PARAMETER_VALUE"
call GET /api/2.0/clusters/list
jqok "2.0 list: every cluster, no paging" '.clusters | length == 5'
call GET /api/2.1/clusters/list
jqok "2.1 list: a page of 2 and a token" '(.clusters | length) == 2 and (.next_page_token | length > 0)'
n=0 tok=""
while :; do
	call GET "/api/2.1/clusters/list?page_size=100${tok:+&page_token=$tok}"
	n=$((n + $(jq '.clusters // [] | length' body.json)))
	tok=$(jq -r '.next_page_token // empty' body.json)
	[ -n "$tok" ] || break
done
check "following next_page_token sees all 5" [ "$n" = 5 ]
call GET "/api/2.1/clusters/list?page_token=garbage"
err 400 INVALID_PARAMETER_VALUE "a bad page token: 400"
call POST /api/2.1/clusters/edit "{\"cluster_id\": \"$cid\", \"cluster_name\": \"c5b\", \"spark_version\": \"14.3.x-scala2.12\", \"node_type_id\": \"Standard_E8ds_v5\", \"num_workers\": 2}"
is 200 "edit"
call GET "/api/2.0/clusters/get?cluster_id=$cid"
jqok "edit replaced the spec and kept the creator" '.cluster_name == "c5b" and .node_type_id == "Standard_E8ds_v5" and (has("autotermination_minutes") | not) and (.creator_user_name | length > 0)'
call POST /api/2.1/clusters/start "{\"cluster_id\": \"$cid\"}"
call GET "/api/2.1/clusters/get?cluster_id=$cid"
jqok "start: RUNNING" '.state == "RUNNING"'
call POST /api/2.1/clusters/delete "{\"cluster_id\": \"$cid\"}"
call GET "/api/2.1/clusters/get?cluster_id=$cid"
jqok "delete terminates" '.state == "TERMINATED" and .termination_reason.code == "USER_REQUEST"'
call POST /api/2.1/clusters/pin "{\"cluster_id\": \"$cid\"}"
call GET "/api/2.1/clusters/get?cluster_id=$cid"
jqok "pin" 'has("pinned_by_user_name")'
call POST /api/2.1/clusters/unpin "{\"cluster_id\": \"$cid\"}"
call GET "/api/2.1/clusters/get?cluster_id=$cid"
jqok "unpin" 'has("pinned_by_user_name") | not'
call POST /api/2.0/libraries/install "{\"cluster_id\": \"$cid\", \"libraries\": [{\"pypi\": {\"package\": \"numpy\"}}, {\"jar\": \"abfss://c@a.dfs.core.windows.net/x.jar\"}]}"
is 200 "libraries/install"
call GET "/api/2.0/libraries/cluster-status?cluster_id=$cid"
jqok "cluster-status lists them INSTALLED" '[.library_statuses[] | select(.status == "INSTALLED")] | length == 2'
call GET "/api/2.1/clusters/get?cluster_id=$cid"
jqok "clusters/get does not show libraries" 'has("libraries") | not'
call POST /api/2.1/clusters/permanent-delete "{\"cluster_id\": \"$cid\"}"
call GET "/api/2.1/clusters/get?cluster_id=$cid"
is 400 "permanent-delete removes the cluster"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "cluster_id": "1234"}'
err 400 INVALID_PARAMETER_VALUE "read-only fields are refused on create"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "autotermination_minutes": 5}'
err 400 INVALID_PARAMETER_VALUE "autotermination_minutes below 10 is refused"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "banana", "node_type_id": "Standard_DS3_v2", "num_workers": 1}'
err 400 INVALID_PARAMETER_VALUE "an invalid spark_version is refused"

# azure flavour: the mirror image of aws
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1}'
err 400 INVALID_PARAMETER_VALUE "azure refuses an AWS node type"
jqok "... naming the field and the type" '.message | test("node_type_id") and test("i3.xlarge")'
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "aws_attributes": {"availability": "SPOT"}}'
err 400 INVALID_PARAMETER_VALUE "azure refuses aws_attributes"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "azure_attributes": {"availability": "SPOT"}}'
err 400 INVALID_PARAMETER_VALUE "azure refuses an AWS availability value"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1, "init_scripts": [{"s3": {"destination": "s3://b/i.sh"}}]}'
err 400 INVALID_PARAMETER_VALUE "azure refuses s3 init scripts"
call POST /api/2.0/instance-pools/create '{"instance_pool_name": "p", "node_type_id": "Standard_DS3_v2", "disk_spec": {"disk_type": {"ebs_volume_type": "GENERAL_PURPOSE_SSD"}}}'
err 400 INVALID_PARAMETER_VALUE "azure refuses ebs pool disks"
call POST /api/2.0/instance-profiles/add '{"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/x"}'
err 400 FEATURE_DISABLED "azure has no instance profiles"

# pools and policies
call POST /api/2.0/instance-pools/create '{"instance_pool_name": "p1", "node_type_id": "Standard_DS3_v2", "min_idle_instances": 1, "azure_attributes": {"availability": "SPOT_AZURE"}, "disk_spec": {"disk_type": {"azure_disk_volume_type": "PREMIUM_LRS"}}}'
is 200 "pool created"
pool=$(jq -r .instance_pool_id body.json)
call GET "/api/2.0/instance-pools/get?instance_pool_id=$pool"
jqok "pool get" '.instance_pool_name == "p1" and .state == "ACTIVE" and .min_idle_instances == 1'
call POST /api/2.0/instance-pools/edit "{\"instance_pool_id\": \"$pool\", \"instance_pool_name\": \"p1b\", \"node_type_id\": \"Standard_DS3_v2\"}"
is 200 "pool edit"
call POST /api/2.0/instance-pools/edit "{\"instance_pool_id\": \"$pool\", \"instance_pool_name\": \"p1b\", \"node_type_id\": \"Standard_DS4_v2\"}"
err 400 INVALID_PARAMETER_VALUE "a pool's node type cannot change"
call GET /api/2.0/instance-pools/list
jqok "pool list" '[.instance_pools[].instance_pool_name] == ["p1b"]'
call POST /api/2.0/instance-pools/create '{"instance_pool_name": "p2", "node_type_id": "Standard_DS3_v2", "azure_attributes": {"availability": "SPOT_WITH_FALLBACK_AZURE"}}'
err 400 INVALID_PARAMETER_VALUE "pools take no fallback availability"
call POST /api/2.0/policies/clusters/create '{"name": "small", "definition": "{\"node_type_id\": {\"type\": \"fixed\", \"value\": \"Standard_DS3_v2\"}}"}'
is 200 "policy created"
pol=$(jq -r .policy_id body.json)
call POST /api/2.0/policies/clusters/create '{"name": "small", "definition": "{}"}'
err 400 INVALID_PARAMETER_VALUE "a duplicate policy name is refused"
call POST /api/2.0/policies/clusters/create '{"name": "bad", "definition": "{not json"}'
err 400 INVALID_PARAMETER_VALUE "a definition that is not JSON is refused"
call POST /api/2.0/policies/clusters/create '{"name": "bad", "definition": "{\"aws_attributes.availability\": {\"type\": \"fixed\", \"value\": \"SPOT\"}}"}'
err 400 INVALID_PARAMETER_VALUE "azure refuses a policy on aws_attributes"
call GET "/api/2.0/policies/clusters/get?policy_id=$pol"
jqok "policy get: definition stays a string" '.name == "small" and (.definition | type) == "string"'
call POST /api/2.0/policies/clusters/edit "{\"policy_id\": \"$pol\", \"name\": \"small2\", \"definition\": \"{}\"}"
is 200 "policy edit"
call GET /api/2.0/policies/clusters/list
jqok "policy list" '.total_count == 1 and .policies[0].name == "small2"'
call POST /api/2.1/clusters/create "{\"cluster_name\": \"pp\", \"spark_version\": \"15.4.x-scala2.12\", \"policy_id\": \"$pol\", \"instance_pool_id\": \"$pool\", \"num_workers\": 1}"
is 200 "a cluster on a pool and a policy"
call POST /api/2.1/clusters/create '{"cluster_name": "pp", "spark_version": "15.4.x-scala2.12", "instance_pool_id": "0000-000000-pool-nothere", "num_workers": 1}'
err 400 INVALID_PARAMETER_VALUE "a cluster on an unknown pool is refused"
call POST /api/2.0/policies/clusters/delete "{\"policy_id\": \"$pol\"}"
call GET "/api/2.0/policies/clusters/get?policy_id=$pol"
is 400 "policy delete"
call POST /api/2.0/instance-pools/delete "{\"instance_pool_id\": \"$pool\"}"
call GET "/api/2.0/instance-pools/get?instance_pool_id=$pool"
is 400 "pool delete"

FW=$aws_URL
call GET /api/2.0/clusters/list-node-types
jqok "aws node types: i3.xlarge 4 cores 30.5 GiB, g5 GPUs" \
	'([.node_types[] | select(.node_type_id == "i3.xlarge")][0] | .num_cores == 4 and .memory_mb == 31232) and ([.node_types[] | select(.node_type_id == "g5.xlarge")][0].num_gpus == 1)'
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1}'
err 400 INVALID_PARAMETER_VALUE "aws refuses an Azure node type"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1, "azure_attributes": {"availability": "ON_DEMAND_AZURE"}}'
err 400 INVALID_PARAMETER_VALUE "aws refuses azure_attributes"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1, "gcp_attributes": {}}'
err 400 INVALID_PARAMETER_VALUE "aws refuses gcp_attributes"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1, "aws_attributes": {"availability": "SPOT_AZURE"}}'
err 400 INVALID_PARAMETER_VALUE "aws refuses an Azure availability value"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1, "init_scripts": [{"abfss": {"destination": "abfss://c@a.dfs.core.windows.net/i.sh"}}]}'
err 400 INVALID_PARAMETER_VALUE "aws refuses abfss init scripts"
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "i3.xlarge", "num_workers": 1, "aws_attributes": {"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/etl"}}'
err 400 INVALID_PARAMETER_VALUE "aws refuses an unregistered instance profile"
call POST /api/2.0/instance-pools/create '{"instance_pool_name": "p", "node_type_id": "i3.xlarge", "disk_spec": {"disk_type": {"azure_disk_volume_type": "PREMIUM_LRS"}}}'
err 400 INVALID_PARAMETER_VALUE "aws refuses azure pool disks"
call POST /api/2.0/instance-profiles/add '{"instance_profile_arn": "not-an-arn"}'
err 400 INVALID_PARAMETER_VALUE "a malformed instance profile ARN is refused"
call POST /api/2.0/instance-profiles/add '{"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/etl"}'
is 200 "instance profile added"
call POST /api/2.0/instance-profiles/add '{"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/etl"}'
err 400 RESOURCE_ALREADY_EXISTS "adding it twice is refused"
call GET /api/2.0/instance-profiles/list
jqok "instance profile list" '.instance_profiles == [{"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/etl", "is_meta_instance_profile": false}]'
call POST /api/2.1/clusters/create '{"cluster_name": "x", "spark_version": "15.4.x-scala2.12", "node_type_id": "g5.xlarge", "num_workers": 1, "aws_attributes": {"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/etl", "availability": "SPOT_WITH_FALLBACK"}}'
is 200 "aws accepts a registered instance profile and a GPU type"
call GET "/api/2.1/clusters/get?cluster_id=$(jq -r .cluster_id body.json)"
jqok "aws defaults: zone_id auto, first_on_demand 1" '.aws_attributes.zone_id == "auto" and .aws_attributes.first_on_demand == 1'
call POST /api/2.0/instance-profiles/edit '{"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/etl", "iam_role_arn": "arn:aws:iam::123456789012:role/etl", "is_meta_instance_profile": true}'
is 200 "instance profile edit"
call GET /api/2.0/instance-profiles/list
jqok "... applied" '.instance_profiles[0].iam_role_arn == "arn:aws:iam::123456789012:role/etl" and .instance_profiles[0].is_meta_instance_profile == true'
call POST /api/2.0/instance-profiles/remove '{"instance_profile_arn": "arn:aws:iam::123456789012:instance-profile/etl"}'
is 200 "instance profile removed"
call GET /api/2.0/instance-profiles/list
jqok "... gone" 'has("instance_profiles") | not'

start_fake gcp --cloud gcp || exit 1
FW=$gcp_URL
call POST /api/2.1/clusters/create '{"cluster_name": "g", "spark_version": "15.4.x-scala2.12", "node_type_id": "n2-highmem-8", "num_workers": 1, "gcp_attributes": {"availability": "PREEMPTIBLE_WITH_FALLBACK_GCP"}}'
is 200 "gcp accepts its node types and availability values"
call POST /api/2.1/clusters/create '{"cluster_name": "g", "spark_version": "15.4.x-scala2.12", "node_type_id": "Standard_DS3_v2", "num_workers": 1}'
err 400 INVALID_PARAMETER_VALUE "gcp refuses an Azure node type"
call POST /api/2.1/clusters/create '{"cluster_name": "g", "spark_version": "15.4.x-scala2.12", "node_type_id": "n2-highmem-8", "num_workers": 1, "init_scripts": [{"s3": {"destination": "s3://b/i.sh"}}]}'
err 400 INVALID_PARAMETER_VALUE "gcp refuses s3 init scripts"
done_testing
