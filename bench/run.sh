#!/bin/sh
# bench/run.sh (`make bench`): runs every benchmark and writes
# bench/RESULTS.md: the machine (cores, CPU model, memory, kernel), then
# each benchmark's output. Every figure is a ratio against a baseline
# measured in the same run (the concurrency bound for export/import, jq
# for transform, the 5,000 req/s goal for the fake, N objects for the
# scaling check), so results from different machines compare.
#   bench/run.sh [BENCH..]    default: export transform import fakews scaling
# Environment: DBXMIG, FAKEWS (the binaries), TRANSFORM_N (default 100000).
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export DBXMIG=${DBXMIG:-$ROOT/dbxmig} FAKEWS=${FAKEWS:-$ROOT/dbxmig-fakews}
OUT=$ROOT/bench/RESULTS.md
[ $# -gt 0 ] || set -- export transform import fakews scaling
TMP=$(mktemp "${TMPDIR:-/tmp}/dbxmig-results.XXXXXX")
trap 'rm -f "$TMP"' EXIT

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -1)
mem=$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo 2>/dev/null)
{
	echo "# Benchmark results"
	echo
	echo "Written by \`make bench\` (bench/run.sh) on $(date -u +%Y-%m-%dT%H:%MZ), commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)."
	echo "Each figure is a ratio to a baseline measured in the same run; see the"
	echo "comment at the top of each bench/*.sh for what it measures."
	echo
	echo "| machine | |"
	echo "| --- | --- |"
	echo "| cores (nproc) | $(nproc) |"
	echo "| CPU | ${cpu:-unknown} |"
	echo "| memory | ${mem:-unknown} |"
	echo "| kernel | $(uname -sr) |"
	echo "| load average at start | $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null) |"
	echo
} >"$TMP"
rc=0
for b in "$@"; do
	echo "bench: $b" >&2
	case $b in
	transform) set -- "${TRANSFORM_N:-100000}" ;;
	*) set -- ;;
	esac
	t0=$(date +%s)
	out=$("$ROOT/bench/$b.sh" "$@" 2>&1); brc=$?
	t1=$(date +%s)
	[ $brc = 0 ] || rc=1
	printf '%s\n' "$out" >&2
	{
		echo "## $b"
		echo
		echo "\`bench/$b.sh $*\` ($((t1 - t0)) s, exit $brc)"
		echo
		echo '```'
		printf '%s\n' "$out"
		echo '```'
		echo
	} >>"$TMP"
done
cp "$TMP" "$OUT"
echo "bench: wrote $OUT" >&2
exit $rc
