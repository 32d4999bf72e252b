#!/bin/sh
# Fault matrix: every reply is late by 2 ms plus a random 0..15 ms, so
# concurrent replies come back out of order.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
fault_matrix --latency-ms 2 --latency-jitter-ms 15 --random-seed 14
done_testing
