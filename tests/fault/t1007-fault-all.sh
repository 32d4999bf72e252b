#!/bin/sh
# Fault matrix: every fault at once (503s, ghost commits, 429s, late
# out-of-order replies, expiring OAuth tokens).
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
fault_matrix --fail-rate 0.05 --ghost-commit-rate 0.05 --rate-limit 300 --latency-ms 1 \
	--latency-jitter-ms 10 --auth-expire-after 50 --random-seed 17
retried "migrate met faults and retried" m
done_testing
