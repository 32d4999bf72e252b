#!/bin/sh
# Fault matrix: each OAuth token stops working after 40 calls; the client
# gets a 401 mid-run, fetches a new token and carries on.
. "$(dirname "$0")/../lib.sh"
. "$ROOT/tests/fault/matrix.sh"
fault_matrix --auth-expire-after 40 --random-seed 15
for u in "$fsrc_URL" "$fmig_URL"; do
	curl -sf "$u/__fake/requests" >req.json
	check "tokens were fetched more than once ($u)" jq_ok '.counts["POST /oidc/v1/token"] > 1' req.json
done
done_testing
