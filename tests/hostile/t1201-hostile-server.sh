#!/bin/sh
# A hostile server (tests/hostile/server.py): invalid JSON, an HTML error
# page, a truncated body, a 200 carrying an error_code, bodies of hundreds
# of MB (with and without a length), a server that stops answering. Each
# gives a clear message naming the call, the exit status CONTRACT.md
# gives a finished run with failures (1), memory stays bounded, and the
# session keeps nothing half-written.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/hostile/hostile.sh"
command -v python3 >/dev/null || { ok "# SKIP no python3"; done_testing; }

# fast retries and a short timeout: the suite must stay quick
export DBXMIG_RETRY_BASE_MS=1 DBXMIG_TIMEOUT_MS=5000
serve() {	# MODE: starts the hostile server, sets URL
	start_hostile "$1"
	export DATABRICKS_HOST=$URL DATABRICKS_TOKEN=hostile-tok
}
unset DATABRICKS_CONFIG_FILE DATABRICKS_CONFIG_PROFILE
run() {	# MODE: exports clusters from it (session MODE)
	"$DBXMIG" export --session "$1" --only clusters --cloud aws >"$1.out" 2>"$1.err"
}
whole() { for f in migration/"$1"/export/*.jsonl; do [ -f "$f" ] || continue; jq -c . "$f" >/dev/null || return 1; done; }

case_() {	# MODE EXIT TEXT DESC
	serve "$1"
	run "$1"; rc=$?
	check "$4: exit $2 (got $rc)" test "$rc" = "$2"
	if grep -qF -- "$3" "$1.err"; then ok "$4: the message says '$3'"; else
		nok "$4: the message says '$3'"; sed 's/^/# /' "$1.err" | head -5; fi
	check "$4: the message names the call" grep -q "GET /api/2.1/clusters/list" "$1.err"
	check "$4: no half record in the session" whole "$1"
	check "$4: the token is not printed" sh -c "! grep -q hostile-tok '$1.out' '$1.err'"
}
case_ badjson 1 "not valid JSON" "invalid JSON"
case_ html 1 "Bad Gateway" "an HTML error page"
case_ truncated 1 "Transferred a partial file" "a truncated body"
case_ error200 1 "the service says no, with a 200" "a 200 with an error_code"
case_ huge 1 "larger than the" "400 MB announced"
# a body without a length is cut at the cap, not read to the end
DBXMIG_MAX_BODY_MB=4 case_ hugechunked 1 "larger than the 4194304-byte limit" "64 MB streamed"
serve hugechunked
/usr/bin/time -f %M -o mem.txt env DBXMIG_MAX_BODY_MB=4 "$DBXMIG" export --session mem --only clusters --cloud aws >/dev/null 2>&1
check "64 MB streamed: memory stays under 60 MB (got $(tail -1 mem.txt) kB)" test "$(tail -1 mem.txt)" -lt 60000
DBXMIG_TIMEOUT_MS=200 case_ hang 1 "Timeout" "a server that stops answering"
done_testing
