#!/bin/sh
# Fault matrix: the server answers 429 (Retry-After: 1) beyond 300 calls a
# second while the client is unthrottled: it must back off and finish.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
fault_matrix --rate-limit 300 --random-seed 13
check "the migrate was throttled" grep -qE '429|REQUEST_LIMIT_EXCEEDED' "$T/migration/m/logs/run.log"
done_testing
