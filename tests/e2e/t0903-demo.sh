#!/bin/sh
# `make demo` (scripts/demo.sh) on this machine: migrates the fixture Azure
# workspace into an empty AWS fake, exits 0, says where to look, keeps the
# session and stops both fakes.
. "$(dirname "$0")/../lib.sh"

DEMO_DIR=$T/demo DBXMIG=$DBXMIG FAKEWS=$FAKEWS "$ROOT/scripts/demo.sh" >demo.out 2>demo.err
rc=$?
check "the demo exits 0" test "$rc" -eq 0 || sed 's/^/# /' demo.err | tail -20
check "it runs every phase" sh -c 'for p in export transform lint import validate; do grep -q "^== $p" demo.out || exit 1; done'
check "it says where to look" contains demo.out "where to look"
check "the session is kept with its journal" test -s demo/migration/demo/import/ids.jsonl
check "the AWS state was saved, with every job" sh -c "jq -e '.jobs | length == 8' demo/aws-state.json >/dev/null"
urls=$(sed -n 's/^== dbxmig demo: Azure fake \([^ ]*\) -> AWS fake \([^ ]*\)$/\1 \2/p' demo.out)
check "the demo printed both fakes' URLs" test -n "$urls"
check "both fakes are stopped" sh -c 'for u in $1; do curl -sf -m 2 "$u/__fake/requests" >/dev/null && exit 1; done; exit 0' sh "$urls"
check "the throw-away databrickscfg is private" test "$(stat -c %a demo/databrickscfg)" = 600
done_testing
