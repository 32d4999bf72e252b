# tests/lib.sh: sourced by every shell test (tests/*/tNNNN-topic.sh).
# Gives a scratch directory, TAP output and a fake workspace on a free
# loopback port. Tests talk to 127.0.0.1 only.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DBXMIG=${DBXMIG:-$ROOT/dbxmig}
FAKEWS=${FAKEWS:-$ROOT/dbxmig-fakews}
# The client's default rate limit (20 requests/s) only slows tests down:
# off unless a test sets it (a test of the limiter passes --rate-limit).
export DBXMIG_RATE_LIMIT="${DBXMIG_RATE_LIMIT:-0}"
T=$(mktemp -d "${TMPDIR:-/tmp}/dbxmig-test.XXXXXX")
cd "$T" || exit 1
_n=0 _failed=0 _fake_pids=""
cleanup() {
	for p in $_fake_pids; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
	[ "$_failed" = 0 ] && rm -rf "$T" || echo "# scratch kept: $T"
}
trap cleanup EXIT

ok()   { _n=$((_n + 1)); echo "ok $_n - $*"; }
nok()  { _n=$((_n + 1)); _failed=$((_failed + 1)); echo "not ok $_n - $*"; }
# check DESC CMD...: one TAP line for whether CMD succeeds.
check() { d=$1; shift; if "$@"; then ok "$d"; else nok "$d"; fi; }
# expect_exit CODE DESC CMD...: CMD must exit with CODE.
expect_exit() {
	c=$1 d=$2; shift 2
	"$@" >out.txt 2>err.txt; rc=$?
	if [ "$rc" = "$c" ]; then ok "$d"; else nok "$d (exit $rc, wanted $c)"; sed 's/^/# /' err.txt | head -20; fi
}
# contains FILE TEXT: FILE holds TEXT (fixed string).
contains() { grep -qF -- "$2" "$1"; }
done_testing() { echo "1..$_n"; [ "$_failed" = 0 ]; exit $?; }

# start_fake NAME ARGS...: starts dbxmig-fakews on a free port; sets
# NAME_URL and NAME_PID. The fake prints its URL on its first line.
start_fake() {
	name=$1; shift
	"$FAKEWS" --port 0 "$@" >"$T/$name.fake.out" 2>"$T/$name.fake.err" &
	pid=$!
	_fake_pids="$_fake_pids $pid"
	i=0
	# Up to 30 s: under `make check` on a loaded 2-core machine the
	# sanitized fake can take a while to load a seed.
	while [ $i -lt 600 ]; do
		url=$(sed -n 's/^listening on \(http:[^ ]*\).*/\1/p' "$T/$name.fake.out" 2>/dev/null | head -1)
		[ -n "$url" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
	[ -n "$url" ] || { echo "# fakews $name did not start:"; sed 's/^/# /' "$T/$name.fake.err"; return 1; }
	eval "${name}_URL=\$url ${name}_PID=\$pid"
}
# write_cfg FILE PROFILE URL TOKEN: appends a databrickscfg profile.
write_cfg() { printf '[%s]\nhost = %s\ntoken = %s\n\n' "$2" "$3" "$4" >>"$1"; }
