#!/bin/sh
# Fault matrix: the server answers 429 (Retry-After: 1) beyond 100 calls a
# second while the client is unthrottled: it must back off and finish.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
fault_matrix --rate-limit 100 --random-seed 13
# Whether one given run crossed the limit depends on the machine's speed
# (a sanitizer build is slower); that the faulty fakes throttled at all
# does not, at 100 calls a second with 8 in flight.
throttled() {
	n=0
	for u in "$fsrc_URL" "$fimp_URL" "$fmig_URL"; do
		c=$(curl -s "$u/__fake/requests" | jq '[.counts | to_entries[] | select(.key | endswith("(rate limited)")) | .value] | add // 0')
		n=$((n + c))
	done
	echo "# 429 answers: $n"
	[ "$n" -gt 0 ]
}
check "the faulty fakes throttled the client, and every run still finished" throttled
done_testing
