#!/bin/sh
# Fault matrix: 10 % of successful mutations are applied, then answered
# with a 500 (the client cannot know they landed): nothing may be created
# twice.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
fault_matrix --ghost-commit-rate 0.1 --random-seed 12
curl -sf "$fmig_URL/__fake/requests" >req.json
check "ghost commits were injected" jq_ok '[.mutations[] | select(.status == 500)] | length > 0' req.json
done_testing
