#!/bin/sh
# Hostile workspace paths from the server (tests/hostile/server.py paths):
# "..", a NUL byte, a 4,000-character name, "é" composed (NFC) and
# decomposed (NFD). Nothing is written outside the session; the two
# spellings of "café" stay two objects with their own contents; whatever
# cannot be stored is a failure naming the path, never a crash.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/hostile/hostile.sh"
command -v python3 >/dev/null || { ok "# SKIP no python3"; done_testing; }
export DBXMIG_RETRY_BASE_MS=1

start_hostile paths
export DATABRICKS_HOST=$URL DATABRICKS_TOKEN=t
unset DATABRICKS_CONFIG_FILE DATABRICKS_CONFIG_PROFILE
rm -f /tmp/dbxmig-hostile-escape*
"$DBXMIG" export --session p --only workspace --cloud aws >out.txt 2>err.txt
rc=$?
check "export finishes (exit 0 or 1, got $rc)" test "$rc" = 0 -o "$rc" = 1
check "nothing written outside the session (no /tmp/dbxmig-hostile-escape)" \
	sh -c '! ls /tmp/dbxmig-hostile-escape* 2>/dev/null | grep -q .'
check "nothing written beside the session" sh -c '[ "$(ls -A migration)" = p ]'
W=migration/p/export/workspace.jsonl
check "NFC and NFD 'café' are two records" sh -c "
	[ \$(jq -r .key $W | grep -c '^/Shared/caf') -eq 2 ]"
check "each keeps its own content" sh -c '
	a=$(grep -rlF content-nfc migration/p/export/blobs | wc -l); b=$(grep -rlF content-nfd migration/p/export/blobs | wc -l)
	[ "$a" = 1 ] && [ "$b" = 1 ]'
check "the 4,000-character name is stored (hashed blob name)" sh -c "
	jq -se 'any(.[]; .key | length > 4000)' $W >/dev/null && grep -rqlF -x long migration/p/export/blobs"
check "no file name in the session is longer than 255 bytes" sh -c '
	! find migration -name "*" | awk -F/ "{ if (length(\$NF) > 255) exit 1 }" || exit 0; find migration | awk -F/ "length(\$NF) > 255 { bad = 1 } END { exit bad }"'
for p in "/Shared/../../../../tmp/dbxmig-hostile-escape" "/Shared/.."; do
	check "'$p' is recorded or failed by name, never dropped silently" sh -c "
		jq -se --arg p '$p' 'any(.[]; .key == \$p)' $W >/dev/null || grep -qF -- '$p' err.txt"
done
# "/Shared/nul\u0000byte": cJSON would cut it to "/Shared/nul"
check "the NUL path fails the export (exit $rc)" test "$rc" = 1
F=migration/p/logs/failed_export_workspace.jsonl
jq_ok() { jq -e "$@" >/dev/null; }
check "it is failed by its path, the NUL escaped" jq_ok 'any(.[]; .key == "/Shared/nul\\u0000byte")' -s $F
check "the message names it" grep -qF '"/Shared/nul\u0000byte", a path with a NUL byte' err.txt
check "no record of a cut path (/Shared/nul)" sh -c "! jq -r .key $W | grep -q '^/Shared/nul'"
check "the others are exported (café NFC)" jq_ok 'any(.[]; .key == "/Shared/café")' -s $W
check "every record parses" sh -c "jq -c . $W >/dev/null"
check "no crash (no sanitizer report)" sh -c '! grep -q "Sanitizer\|runtime error" err.txt'
done_testing
