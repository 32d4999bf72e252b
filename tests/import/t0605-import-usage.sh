#!/bin/sh
# import, migrate and cutover on bad command lines and bad credentials:
# exit 2 with a message that names the problem, nothing changed.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/import/common.sh"

identity_session "$ROOT/fixtures/azure-workspace" s || exit 1
start_fake dst --cloud azure --token tok || exit 1
write_cfg cfg DST "$dst_URL" tok
write_cfg cfg BADTOK "$dst_URL" not-the-token

expect_exit 2 "import without --session" "$DBXMIG" import --profile DST
check "... names --session" contains err.txt "--session"
expect_exit 2 "import of an unknown kind" "$DBXMIG" import --profile DST --session s --only jbos
check "... suggests the right name" contains err.txt "did you mean jobs"
expect_exit 2 "import of a session that does not exist" "$DBXMIG" import --profile DST --session nope
check "... names the session" contains err.txt "nope"
mkdir -p migration/empty && cp migration/s/session.json migration/empty/
expect_exit 2 "import before transform" "$DBXMIG" import --profile DST --session empty
check "... says to run transform" contains err.txt "transform"
expect_exit 2 "import with a rejected token" "$DBXMIG" import --profile BADTOK --session s
check "... changes nothing" test "$(mutations "$dst_URL")" -eq 0
check "... and never prints the token" sh -c '! grep -q not-the-token out.txt err.txt'
expect_exit 2 "import --parallel takes a number" "$DBXMIG" import --profile DST --session s --parallel many
expect_exit 2 "migrate without --rules" "$DBXMIG" migrate --from DST --to DST --session s
check "... names --rules" contains err.txt "--rules"
printf 'return {\n  job = function(o)\n    return o +\n  end,\n}\n' >bad.lua
expect_exit 3 "migrate stops with exit 3 at a rule file that does not load" \
	"$DBXMIG" migrate --from SRC --to DST --cloud azure --session m --rules bad.lua --rate-limit 0
check "... naming file and line" contains err.txt "bad.lua:"
check "... before the import phase" sh -c '! grep -q "^== import" out.txt'
check "... having changed nothing in the target" test "$(mutations "$dst_URL")" -eq 0
expect_exit 2 "cutover without --session" "$DBXMIG" cutover --profile DST
expect_exit 0 "cutover of a session with nothing paused is a no-op" "$DBXMIG" cutover --profile DST --session s
check "... that says so" contains out.txt "0 paused objects"
done_testing
