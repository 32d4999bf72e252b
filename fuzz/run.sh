#!/usr/bin/env bash
# fuzz/run.sh (`make fuzz`): runs libFuzzer targets, SECONDS each, and fails
# (exit 1) when any of them crashes, leaks, hangs or runs out of memory,
# naming the target and the input that did it.
#   fuzz/run.sh [-o DIR] [-j JOBS] SECONDS TARGET...
#   fuzz/run.sh -m TARGET...
# Each TARGET is a fuzzer binary (build/fuzz/f/fuzz_cfg); its name picks
#   fuzz/corpus/NAME/   the kept corpus (read; rewritten only by -m),
#   fuzz/regress/NAME/  inputs that once crashed it (read, run first),
#   fuzz/NAME.dict      a libFuzzer dictionary, when there is one,
#   fuzz/NAME.seeds     repo directories (one a line) also read as inputs,
#   DIR/NAME/           where new inputs go (-o, default build/fuzz-corpus),
#   build/fuzz-artifacts/NAME/  the crashing input, build/fuzz-NAME.log the log.
# -j runs that many targets at once (one core each). Each finished target
# prints "fuzz: NAME SECONDS s, EXECS execs, corpus N: clean" (or FAILED).
# -m merges fuzz/corpus/NAME and DIR/NAME into a fresh, minimal corpus
# that replaces fuzz/corpus/NAME: libFuzzer's -set_cover_merge=1, a
# -merge=1 that keeps fewer files for the same features (csv: 76, not 125).
set -u
cd "$(dirname "$0")/.." || exit 1
out=build/fuzz-corpus jobs=1 merge=0
while getopts "o:j:m" opt; do
	case $opt in
	o) out=$OPTARG ;;
	j) jobs=$OPTARG ;;
	m) merge=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

if [ "$merge" = 1 ]; then
	for bin in "$@"; do
		n=$(basename "$bin")
		fresh=build/fuzz-merge/$n
		rm -rf "$fresh" && mkdir -p "$fresh" "$out/$n" || exit 1
		"$bin" -set_cover_merge=1 -max_len=8192 -timeout=25 "$fresh" "fuzz/corpus/$n" "$out/$n" \
			>"build/fuzz-merge-$n.log" 2>&1 ||
			{ tail -20 "build/fuzz-merge-$n.log"; echo "fuzz: merging $n failed" >&2; exit 1; }
		before=$(find "fuzz/corpus/$n" "$out/$n" -type f | wc -l)
		rm -rf "fuzz/corpus/$n" && mv "$fresh" "fuzz/corpus/$n" || exit 1
		echo "fuzz: $n corpus merged: $before inputs -> $(find "fuzz/corpus/$n" -type f | wc -l)"
	done
	exit 0
fi

[ $# -ge 2 ] || { echo "usage: fuzz/run.sh [-o DIR] [-j JOBS] SECONDS TARGET... | -m TARGET..." >&2; exit 2; }
secs=$1
shift

# One target: runs it, prints its line; exit status 1 when it failed.
run_one() {
	local bin=$1 n log art dict=() regress=() seeds=() rc execs input
	n=$(basename "$bin")
	log=build/fuzz-$n.log art=build/fuzz-artifacts/$n
	mkdir -p "$out/$n" "fuzz/corpus/$n" "$art" || return 1
	[ -f "fuzz/$n.dict" ] && dict=("-dict=fuzz/$n.dict")
	[ -d "fuzz/regress/$n" ] && regress=("fuzz/regress/$n")
	[ -f "fuzz/$n.seeds" ] && mapfile -t seeds < <(grep -v '^#' "fuzz/$n.seeds")
	rm -f "$art"/*
	# -timeout: an input that takes 25 s is a hang; -max_len: replies,
	# rule files and session lines larger than 8 KB add nothing here.
	"$bin" -max_total_time="$secs" -max_len=8192 -timeout=25 -print_final_stats=1 \
		"${dict[@]}" -artifact_prefix="$art/" "$out/$n" "fuzz/corpus/$n" "${regress[@]}" "${seeds[@]}" \
		>"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	if [ "$rc" = 0 ]; then
		echo "fuzz: $n $secs s, ${execs:-?} execs, corpus $(find "$out/$n" -type f | wc -l): clean"
		return 0
	fi
	input=$(find "$art" -type f | head -1)
	tail -40 "$log"
	echo "fuzz: FAILED $n (exit $rc): input ${input:-not saved, see $log}; reproduce: $bin ${input:-INPUT}"
	return 1
}

fail=0 failed=""
running=0
for bin in "$@"; do
	[ -x "$bin" ] || { echo "fuzz: no target $bin" >&2; exit 2; }
	if [ "$jobs" -le 1 ]; then
		run_one "$bin" || { fail=1; failed="$failed $(basename "$bin")"; }
		continue
	fi
	run_one "$bin" >"build/fuzz-$(basename "$bin").out" 2>&1 &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n || fail=1
		running=$((running - 1))
	fi
done
while [ "$running" -gt 0 ]; do
	wait -n || fail=1
	running=$((running - 1))
done
if [ "$jobs" -gt 1 ]; then
	for bin in "$@"; do
		o="build/fuzz-$(basename "$bin").out"
		cat "$o"
		grep -q '^fuzz: FAILED' "$o" && failed="$failed $(basename "$bin")"
	done
fi
if [ "$fail" != 0 ]; then
	echo "fuzz: FAILED:$failed" >&2
	exit 1
fi
exit 0
