#!/bin/sh
# Fault matrix: 10 % of API calls answer 503 before applying anything.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
fault_matrix --fail-rate 0.1 --random-seed 11
retried "export met faults and retried" e
retried "import met faults and retried" i
retried "migrate met faults and retried" m
done_testing
