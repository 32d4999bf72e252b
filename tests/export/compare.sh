# tests/export/compare.sh: sourced by the export tests (after lib.sh).
# Compares an export session with a fake's /__fake/state object by object.
#
# compare_export STATE.json SESSION_DIR: one TAP line per kind (and for
# permissions and notebook contents); a kind missing from the session, a
# missed page (fewer objects) or a changed field fails.

# Kinds compared field by field (the whole object as the API's get returns it).
CMP_KINDS="users groups service_principals instance_profiles cluster_policies instance_pools clusters jobs repos global_init_scripts sql_warehouses queries alerts dashboards pipelines"

# Clusters export skips (job runs, DLT, model serving): the same rule as src/kinds.c.
CMP_SKIP_CLUSTER='(.cluster_source // "") as $s | (.cluster_name // "") as $n |
	($s == "JOB" or $s == "PIPELINE" or $s == "PIPELINE_MAINTENANCE" or $s == "MODELS" or
	 ($n | test("^job-.*-run-")) or ($n | startswith("dlt-execution-")) or
	 ($n | startswith("mlflow-model-")))'

# The blob file of a workspace path (store.c's encoding: [a-z0-9._-] kept,
# every other byte %XX, "." and ".." encoded, ".d" per directory, ".b" last).
CMP_BLOB_JQ='def hex: "0123456789ABCDEF"[(./16|floor):(./16|floor)+1] + "0123456789ABCDEF"[(.%16):(.%16)+1];
def seg: if . == "" then "%" elif . == "." then "%2E" elif . == ".." then "%2E%2E" else
	explode | map(if (. >= 97 and . <= 122) or (. >= 48 and . <= 57) or . == 46 or . == 95 or . == 45
		then [.] | implode elif . < 128 then "%" + hex else [.] | implode | @uri end) | join("") end;
split("/") | map(seg) | (.[:-1] | map(. + ".d/") | join("")) + (.[-1] + ".b")'

# jqt ARGS...: jq -e without printing the result (for check).
jqt() { jq -e "$@" >/dev/null; }

cmp_lines() {	# DESC EXPECTED_FILE GOT_FILE
	if [ ! -s "$2" ] && [ ! -s "$3" ]; then
		ok "$1 (none in the source)"
	elif cmp -s "$2" "$3"; then
		ok "$1 ($(wc -l <"$2") objects)"
	else
		nok "$1"
		diff "$2" "$3" | head -20 | sed 's/^/# /'
	fi
}

compare_export() {
	_st=$1 _s=$2
	for k in $CMP_KINDS; do
		if [ "$k" = clusters ]; then
			jq -c ".clusters[]? | select($CMP_SKIP_CLUSTER | not) | del(.libraries)" "$_st"
		else
			jq -c --arg k "$k" '.[$k][]?' "$_st"
		fi | jq -cS . | sort >"exp.$k"
		# follow_up: export's note for import (a job's Git credentials)
		jq -c '.object | del(.access_control_list, .libraries, .follow_up)' "$_s/export/$k.jsonl" 2>/dev/null |
			jq -cS . | sort >"got.$k"
		cmp_lines "$k: every object, field by field" "exp.$k" "got.$k"
	done

	jq -c ".clusters[]? | select($CMP_SKIP_CLUSTER | not) | {cluster_id, libraries: (.libraries // [])}" \
		"$_st" | jq -cS . | sort >exp.libs
	jq -c '.object | {cluster_id, libraries}' "$_s/export/clusters.jsonl" | jq -cS . | sort >got.libs
	cmp_lines "clusters: installed libraries" exp.libs got.libs

	jq -c '.secrets[]? | {name, backend_type: (.backend_type // "DATABRICKS"),
		keys: ([.keys[]?.key] | sort), acls: ((.acls // []) | sort_by(.principal))}' "$_st" |
		jq -cS . | sort >exp.secrets
	jq -c '.object | {name, backend_type: (.backend_type // "DATABRICKS"),
		keys: ([.keys[]?.key] | sort), acls: ((.acls // []) | map({principal, permission}) | sort_by(.principal))}' \
		"$_s/export/secrets.jsonl" | jq -cS . | sort >got.secrets
	cmp_lines "secrets: scopes, key names and ACLs" exp.secrets got.secrets
	check "secrets: every key marked NEEDS_REENTRY, no value recorded" \
		jqt -s 'all(.[].object.keys[]?; .value_status == "NEEDS_REENTRY" and (has("value") | not))' \
		"$_s/export/secrets.jsonl"
	check "secrets: Key Vault scopes are marked manual" \
		jqt -s 'all(.[].object | select(.backend_type == "AZURE_KEYVAULT"); .manual | type == "string")' \
		"$_s/export/secrets.jsonl"

	jq -c '.workspace[]? | select(.path != "/" and (.path | startswith("/Repos") | not)) |
		{path, object_type, language, object_id}' "$_st" | jq -cS . | sort >exp.ws
	jq -c '.object | {path, object_type, language, object_id}' "$_s/export/workspace.jsonl" |
		jq -cS . | sort >got.ws
	cmp_lines "workspace: every directory, notebook and file" exp.ws got.ws

	_bad=0 _cn=0
	jq -r ".workspace[]? | select(.object_type != \"DIRECTORY\" and (.path | startswith(\"/Repos\") | not)) |
		[(.path | $CMP_BLOB_JQ), ((.content // \"\") | @base64)] | @tsv" "$_st" >ws.contents
	while IFS="$(printf '\t')" read -r rel b64; do
		_cn=$((_cn + 1))
		printf '%s' "$b64" | base64 -d >want.bin
		if ! cmp -s want.bin "$_s/export/blobs/$rel"; then
			_bad=$((_bad + 1))
			echo "# content differs or missing: $rel"
		fi
	done <ws.contents
	if [ "$_cn" -gt 0 ] && [ "$_bad" = 0 ]; then ok "workspace: $_cn notebook/file contents"; else nok "workspace: contents ($_bad of $_cn bad)"; fi

	# permissions: every grant of the state is in the exported ACLs
	jq -r '.permissions[]? | .object_type as $t | (.object_id | tostring) as $id |
		.access_control_list[] | [$t, $id, (.user_name // .group_name // .service_principal_name),
		.permission_level] | @tsv' "$_st" | sort -u >exp.perms
	for k in cluster_policies instance_pools clusters jobs workspace repos sql_warehouses queries alerts dashboards sql_dashboards pipelines; do
		jq -r --arg k "$k" '
			({"cluster_policies": "cluster-policies", "instance_pools": "instance-pools",
			  "clusters": "clusters", "jobs": "jobs", "repos": "repos",
			  "sql_warehouses": "sql/warehouses", "queries": "queries", "alerts": "alerts",
			  "dashboards": "dashboards", "sql_dashboards": "dbsql-dashboards",
			  "pipelines": "pipelines"}[$k] //
			 {"NOTEBOOK": "notebooks", "DIRECTORY": "directories", "FILE": "files"}[.object.object_type]) as $t |
			(.id | tostring) as $id |
			.object.access_control_list[]? | (.user_name // .group_name // .service_principal_name) as $p |
			.all_permissions[]? | select(.inherited | not) | [$t, $id, $p, .permission_level] | @tsv' \
			"$_s/export/$k.jsonl" 2>/dev/null
	done | sort -u >got.perms
	comm -23 exp.perms got.perms >missing.perms
	if [ -s exp.perms ] && [ ! -s missing.perms ]; then ok "permissions: all $(wc -l <exp.perms) grants exported"
	else nok "permissions: grants missing"; head -10 missing.perms | sed 's/^/# /'; fi

	check "no duplicate keys in any export file" sh -c '
		for f in "$1"/export/*.jsonl; do
			[ "$(jq -r .key "$f" | sort | uniq -d | wc -l)" = 0 ] || { echo "# duplicates in $f"; exit 1; }
		done' sh "$_s"
}
