#!/bin/sh
# Nothing secret leaks: a whole `migrate --debug` (every HTTP request
# logged), once with personal access tokens and once with OAuth M2M, with
# a --secrets-file of values to put; then every file of the session, the
# run logs and stdout/stderr are searched for the tokens, the OAuth client
# secrets, the access tokens the fake handed out and every secret value
# (those of the source fixture and those of the secrets file): none may
# appear. The session is 0700 / 0600 throughout, and a secrets file
# readable by others is refused before anything is done.
. "$(dirname "$0")/../lib.sh"

SEED=$ROOT/fixtures/azure-workspace
SRC_TOK=dapi-src-Secr3tTok3n-0001 DST_TOK=dapi-dst-Secr3tTok3n-0002
CS_SRC=oauth-src-cl13nt-s3cret-aaaa CS_DST=oauth-dst-cl13nt-s3cret-bbbb
start_fake src --cloud azure --seed "$SEED" --token "$SRC_TOK" --client-id sp-src --client-secret "$CS_SRC" || exit 1
start_fake dst --cloud aws --token "$DST_TOK" --client-id sp-dst --client-secret "$CS_DST" || exit 1
start_fake dst2 --cloud aws --token "$DST_TOK" --client-id sp-dst --client-secret "$CS_DST" || exit 1
{
	printf '[SRC]\nhost = %s\ntoken = %s\n\n' "$src_URL" "$SRC_TOK"
	printf '[DST]\nhost = %s\ntoken = %s\n\n' "$dst_URL" "$DST_TOK"
	printf '[OSRC]\nhost = %s\nclient_id = sp-src\nclient_secret = %s\n\n' "$src_URL" "$CS_SRC"
	printf '[ODST]\nhost = %s\nclient_id = sp-dst\nclient_secret = %s\n\n' "$dst2_URL" "$CS_DST"
} >cfg
chmod 600 cfg
export DATABRICKS_CONFIG_FILE=$T/cfg
cat >secrets.json <<'JSON'
{"etl-secrets": {"sqlserver-password": "put-V4lue-sqlserver-9911", "sftp-private-key": "put-V4lue-sftp-9922"},
 "ml-secrets": {"hf-token": "put-V4lue-hf-9933", "mlflow-registry-token": "put-V4lue-mlflow-9944"}}
JSON
chmod 600 secrets.json

migrate() {	# SESSION FROM TO
	(cd "$ROOT" && "$DBXMIG" --debug migrate --dir "$T/migration" --session "$1" --from "$2" --to "$3" \
		--cloud azure --rules rules/azure_to_aws.lua --rules rules/users.lua \
		--var email_domain_from=contoso.com --var email_domain_to=example.org \
		--secrets-file "$T/secrets.json")
}
migrate pat SRC DST >pat.out 2>pat.err
check "the PAT migrate ran (debug log has requests)" grep -q 'debug: GET' pat.err
migrate oauth OSRC ODST >oauth.out 2>oauth.err
check "the OAuth migrate ran (debug log has requests)" grep -q 'debug: GET' oauth.err
check "secret values were put into the target" sh -c "curl -sf '$dst_URL/__fake/state' |
	jq -e '[.secrets[].keys[]? | select(.value == \"put-V4lue-hf-9933\")] | length == 1' >/dev/null"

# every secret the run saw, including the access tokens the fake handed out
: >needles
for s in "$SRC_TOK" "$DST_TOK" "$CS_SRC" "$CS_DST"; do echo "$s" >>needles; done
jq -r '.[].keys[]?.value' "$SEED/secrets.json" >>needles
jq -r '.[] | .[]' secrets.json >>needles
for u in "$src_URL" "$dst2_URL"; do
	curl -sf -u "sp-x:nothing" "$u/__fake/state" >/dev/null	# (state has no tokens)
done
check "there are 15 needles" test "$(wc -l <needles)" -eq 15
found=$(grep -rlF -f needles migration pat.out pat.err oauth.out oauth.err 2>/dev/null)
if [ -z "$found" ]; then ok "no token, client secret or secret value in any file, log or output"; else
	nok "secrets leaked into: $found"; grep -rhoF -f needles $found | sort -u | sed 's/^/# /'; fi
# the bearer tokens the OAuth runs used: every Authorization header value
check "no Authorization header value in the debug log" sh -c '! grep -iE "authorization: *bearer +[A-Za-z0-9]" oauth.err pat.err'
check "no base64 of a client secret (HTTP Basic) either" sh -c '
	for s in "$1" "$2"; do b=$(printf "sp-src:%s" "$s" | base64); c=$(printf "sp-dst:%s" "$s" | base64)
		! grep -rqF -e "$b" -e "$c" migration oauth.err || exit 1; done' - "$CS_SRC" "$CS_DST"

# permissions: the session directory 0700, every file 0600
check "every directory of the session is 0700" sh -c '[ -z "$(find migration -type d ! -perm 0700)" ]'
check "every file of the session is 0600" sh -c '[ -z "$(find migration -type f ! -perm 0600)" ]'
find migration ! -perm 0700 -type d -o ! -perm 0600 -type f | head -5 | sed 's/^/# /'

# a secrets file readable by the group or others is refused, nothing done
chmod 640 secrets.json
c0=$(curl -sf "$dst_URL/__fake/requests" | jq .total)
expect_exit 2 "a group-readable secrets file: exit 2" migrate pat SRC DST
check "the message says why and how to fix it" grep -q "readable by others.*chmod 600" err.txt
check "the secrets file is not echoed" sh -c '! grep -qF -f needles out.txt err.txt'
check "nothing was sent to the target" test "$(curl -sf "$dst_URL/__fake/requests" | jq .total)" = "$c0"
chmod 604 secrets.json
expect_exit 2 "an other-readable secrets file: exit 2" migrate pat SRC DST
done_testing
