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

# two imports of one session at once: the second is refused
start_fake slow --cloud azure --token tok --latency-ms 40 || exit 1
write_cfg cfg SLOW "$slow_URL" tok
cp -r migration/s migration/two
rm -rf migration/two/import
"$DBXMIG" import --profile SLOW --session two --rate-limit 0 >first.out 2>first.err &
first=$!
i=0
while [ ! -s migration/two/import/ids.jsonl ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
expect_exit 2 "a second import of a session being imported is refused" \
	"$DBXMIG" import --profile SLOW --session two --rate-limit 0
check "... saying why" contains err.txt "another dbxmig is importing this session"
wait "$first"
check "the first import finishes with exit 0" test $? -eq 0
done_testing
