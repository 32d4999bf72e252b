#!/bin/sh
# Import into a target reached with OAuth machine-to-machine credentials
# (client id and secret, no PAT): every object lands, and the client
# secret appears in no output and no session file.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

identity_session "$ROOT/fixtures/azure-workspace" s || exit 1
secret=m2m-secret-$$-not-logged
start_fake dst --cloud azure --client-id dbxmig-ci --client-secret "$secret" || exit 1
printf '[M2M]\nhost = %s\nclient_id = dbxmig-ci\nclient_secret = %s\n' "$dst_URL" "$secret" >>cfg

expect_exit 0 "import over OAuth M2M exits 0" "$DBXMIG" -v import --profile M2M --session s --rate-limit 0
cp out.txt o.txt; cp err.txt e.txt
fake_state "$dst_URL" st.json
check "every job landed" jq_ok '.jobs | length == 8' st.json
check "the client secret is in no output and no session file" sh -c '! grep -rqF "$1" o.txt e.txt migration' sh "$secret"
done_testing
