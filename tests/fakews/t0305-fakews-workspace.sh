#!/bin/sh
# Workspace API (list, get-status, export, import in SOURCE/AUTO/DBC,
# overwrite, mkdirs, delete, the 10 MB limit and the real error bodies)
# and repos (path_prefix, next_page_token paging, update, delete).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fakews/fw.sh"

mkdir seed
cat >seed/workspace.json <<'J'
[{"path": "/Users/ann@example.com/etl", "object_type": "NOTEBOOK", "language": "PYTHON", "object_id": 777, "content": "# Databricks notebook source\nprint('etl')\n"},
 {"path": "/Shared/lib/util.sql", "object_type": "FILE", "object_id": 778, "content": "select 1"}]
J
start_fake a --cloud azure --seed seed --page-size 2 || exit 1
FW=$a_URL
b64() { printf '%s' "$1" | base64 | tr -d '\n'; }

call GET "/api/2.0/workspace/list?path=/"
jqok "/ lists the implicit parent folders and /Repos" '[.objects[].path] == ["/Repos", "/Shared", "/Users"] and all(.objects[]; .object_type == "DIRECTORY")'
call GET "/api/2.0/workspace/get-status?path=/Users/ann@example.com/etl"
jqok "get-status of a seeded notebook keeps its object_id" '.object_type == "NOTEBOOK" and .language == "PYTHON" and .object_id == 777'
call GET "/api/2.0/workspace/get-status?path=/nope"
err 404 RESOURCE_DOES_NOT_EXIST "a missing path: 404"
jqok "... with the real message" '.message == "Path (/nope) doesn'"'"'t exist."'
call GET "/api/2.0/workspace/list?path=/nope"
err 404 RESOURCE_DOES_NOT_EXIST "list of a missing folder: 404"
call GET "/api/2.0/workspace/export?path=/Users/ann@example.com/etl&format=SOURCE"
jqok "export SOURCE: base64 content and file_type" ".file_type == \"py\" and .content == \"$(b64 "# Databricks notebook source
print('etl')
")\""
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/new\", \"format\": \"SOURCE\", \"content\": \"$(b64 'x = 1')\"}"
err 400 INVALID_PARAMETER_VALUE "SOURCE import needs a language"
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/none/new\", \"format\": \"SOURCE\", \"language\": \"SCALA\", \"content\": \"$(b64 'val x = 1')\"}"
err 404 RESOURCE_DOES_NOT_EXIST "import under a missing folder: 404"
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/new\", \"format\": \"SOURCE\", \"language\": \"SCALA\", \"content\": \"$(b64 'val x = 1')\"}"
is 200 "import SOURCE"
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/new\", \"format\": \"SOURCE\", \"language\": \"SCALA\", \"content\": \"$(b64 'val x = 2')\"}"
err 409 RESOURCE_ALREADY_EXISTS "import onto an existing path without overwrite: 409"
call GET "/api/2.0/workspace/get-status?path=/Shared/new"
id1=$(jq .object_id body.json)
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/new\", \"format\": \"SOURCE\", \"language\": \"SCALA\", \"content\": \"$(b64 'val x = 2')\", \"overwrite\": true}"
is 200 "import with overwrite"
call GET "/api/2.0/workspace/get-status?path=/Shared/new"
jqok "overwrite keeps the object_id" ".object_id == $id1"
call GET "/api/2.0/workspace/export?path=/Shared/new"
jqok "... and replaces the content" ".content == \"$(b64 'val x = 2')\" and .file_type == \"scala\""
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/auto\", \"format\": \"AUTO\", \"content\": \"$(b64 '-- Databricks notebook source
select 1')\"}"
call GET "/api/2.0/workspace/get-status?path=/Shared/auto"
jqok "AUTO import of a notebook source becomes a SQL notebook" '.object_type == "NOTEBOOK" and .language == "SQL"'
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/data.csv\", \"format\": \"AUTO\", \"content\": \"$(b64 'a,b')\"}"
call GET "/api/2.0/workspace/get-status?path=/Shared/data.csv"
jqok "AUTO import of anything else becomes a FILE" '.object_type == "FILE" and .size == 3'
call POST /api/2.0/workspace/import '{"path": "/Shared/bad", "format": "SOURCE", "language": "PYTHON", "content": "!!!"}'
err 400 INVALID_PARAMETER_VALUE "content that is not base64 is refused"
head -c 10485761 /dev/zero | base64 | tr -d '\n' >big.b64
printf '{"path": "/Shared/big", "format": "AUTO", "content": "%s"}' "$(cat big.b64)" >big.json
code=$(curl -s -o body.json -w '%{http_code}' -H "Authorization: Bearer t" --data-binary @big.json "$FW/api/2.0/workspace/import")
err 400 MAX_NOTEBOOK_SIZE_EXCEEDED "more than 10 MB: MAX_NOTEBOOK_SIZE_EXCEEDED"

call POST /api/2.0/workspace/mkdirs '{"path": "/Shared/a/b/c"}'
is 200 "mkdirs creates parents"
call POST /api/2.0/workspace/mkdirs '{"path": "/Shared/a/b/c"}'
is 200 "mkdirs of an existing folder is fine"
call POST /api/2.0/workspace/mkdirs '{"path": "/Shared/new/x"}'
err 400 RESOURCE_ALREADY_EXISTS "mkdirs through a notebook is refused"
call GET "/api/2.0/workspace/list?path=/Shared"
jqok "list: direct children only, sorted" '[.objects[].path] == ["/Shared/a", "/Shared/auto", "/Shared/data.csv", "/Shared/lib", "/Shared/new"]'
call GET "/api/2.0/workspace/list?path=/Shared/a/b/"
jqok "a trailing slash is ignored" '[.objects[].path] == ["/Shared/a/b/c"]'
call GET "/api/2.0/workspace/list?path=/Shared/a/b/c"
jqok "an empty folder lists no objects key" 'has("objects") | not'

# DBC: a folder exported as an archive imports elsewhere with the same notebooks
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/a/nb1\", \"format\": \"SOURCE\", \"language\": \"PYTHON\", \"content\": \"$(b64 'print(1)')\"}"
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/a/b/nb2\", \"format\": \"SOURCE\", \"language\": \"R\", \"content\": \"$(b64 'x <- 1')\"}"
call GET "/api/2.0/workspace/export?path=/Shared/a&format=DBC"
jqok "export DBC of a folder" '.file_type == "dbc" and (.content | length > 0)'
dbc=$(jq -r .content body.json)
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/copy\", \"format\": \"DBC\", \"content\": \"$dbc\"}"
is 200 "import DBC"
call GET "/api/2.0/workspace/export?path=/Shared/copy/b/nb2"
jqok "the archive's notebooks arrive with their language and content" ".content == \"$(b64 'x <- 1')\" and .file_type == \"r\""
call POST /api/2.0/workspace/import "{\"path\": \"/Shared/copy2\", \"format\": \"DBC\", \"content\": \"$(b64 'not an archive')\"}"
err 400 INVALID_PARAMETER_VALUE "a DBC that is not an archive is refused"
call GET "/api/2.0/workspace/export?path=/Shared/a&format=SOURCE"
err 400 INVALID_PARAMETER_VALUE "a folder exports only as DBC"

call POST /api/2.0/workspace/delete '{"path": "/Shared/a"}'
err 400 DIRECTORY_NOT_EMPTY "deleting a non-empty folder needs recursive"
call POST /api/2.0/workspace/delete '{"path": "/Shared/a", "recursive": true}'
is 200 "recursive delete"
call GET "/api/2.0/workspace/get-status?path=/Shared/a/b/nb2"
is 404 "... removes the subtree"
call POST /api/2.0/workspace/delete '{"path": "/Shared/a"}'
err 404 RESOURCE_DOES_NOT_EXIST "deleting a missing path: 404"

# repos
for r in one two three; do
	call POST /api/2.0/repos "{\"url\": \"https://github.com/acme/$r.git\", \"provider\": \"gitHub\", \"path\": \"/Repos/team/$r\"}"
done
is 200 "repos created"
jqok "a repo has id, path, url, provider, branch, head_commit_id" '.id > 0 and .path == "/Repos/team/three" and .provider == "gitHub" and .branch == "main" and (.head_commit_id | length == 40)'
rid=$(jq .id body.json)
call POST /api/2.0/repos '{"url": "https://github.com/acme/x.git", "provider": "gitHub", "path": "/Repos/team/one"}'
err 400 RESOURCE_ALREADY_EXISTS "a repo on a taken path is refused"
call POST /api/2.0/repos '{"url": "https://github.com/acme/x.git", "provider": "sourceforge"}'
err 400 INVALID_PARAMETER_VALUE "an unknown provider is refused"
call POST /api/2.0/repos '{"url": "https://github.com/acme/y.git", "provider": "gitHub", "path": "/Repos/other/y"}'
call GET "/api/2.0/repos?path_prefix=/Repos/team"
jqok "list with path_prefix: a page of 2 and a next_page_token" '(.repos | length) == 2 and (.next_page_token | length > 0)'
tok=$(jq -r .next_page_token body.json)
call GET "/api/2.0/repos?path_prefix=/Repos/team&next_page_token=$tok"
jqok "the next page (request parameter next_page_token) ends the prefix" '[.repos[].path] == ["/Repos/team/three"] and (has("next_page_token") | not)'
call GET "/api/2.0/workspace/list?path=/Repos"
jqok "the tree lists one folder per /Repos/<folder>" '[.objects[] | .object_type + " " + .path] == ["DIRECTORY /Repos/other", "DIRECTORY /Repos/team"]'
call GET "/api/2.0/workspace/list?path=/Repos/team/"
jqok "... and each repo as a REPO whose object_id is the repo id" "[.objects[] | .object_type + \" \" + .path] == [\"REPO /Repos/team/one\", \"REPO /Repos/team/three\", \"REPO /Repos/team/two\"] and ([.objects[].object_id] | index($rid)) != null"
call GET "/api/2.0/workspace/get-status?path=/Repos/other/y"
jqok "get-status of a repo path: REPO" '.object_type == "REPO" and .path == "/Repos/other/y"'
call GET "/api/2.0/workspace/get-status?path=/Repos/nobody"
err 404 RESOURCE_DOES_NOT_EXIST "a /Repos folder without repos does not exist"
curl -sf "$FW/__fake/state" >st.json
check "repos stay out of the workspace part of the state (one copy, in repos)" sh -c "jq -e '[.workspace[].path | select(startswith(\"/Repos\"))] == [] and (.repos | length) == 4' st.json >/dev/null"
call PATCH "/api/2.0/repos/$rid" '{"branch": "dev"}'
is 200 "update branch"
call GET "/api/2.0/repos/$rid"
jqok "... applied" '.branch == "dev"'
call DELETE "/api/2.0/repos/$rid"
is 200 "delete repo"
call GET "/api/2.0/repos/$rid"
err 404 RESOURCE_DOES_NOT_EXIST "a deleted repo is 404"
call GET "/api/2.0/workspace/list?path=/Repos/team"
jqok "... and leaves the tree" "[.objects[].object_id] | index($rid) == null"
done_testing
