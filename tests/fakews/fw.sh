# tests/fakews/fw.sh: sourced by the fakews tests (after lib.sh).
#
# call METHOD PATH [JSON]: one request to $FW (the fake's URL) with the
# bearer token $FW_TOKEN (default "t"); the body lands in body.json and the
# HTTP status in $code (and status.txt).
FW_TOKEN=${FW_TOKEN:-t}
call() {
	_m=$1 _p=$2
	shift 2
	if [ $# -gt 0 ]; then
		code=$(curl -s -o body.json -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $FW_TOKEN" \
			-H 'Content-Type: application/json' --data-binary "$1" "$FW$_p")
	else
		code=$(curl -s -o body.json -w '%{http_code}' -X "$_m" -H "Authorization: Bearer $FW_TOKEN" "$FW$_p")
	fi
	echo "$code" >status.txt
}
# is CODE DESC: the last call answered CODE.
is() { if [ "$code" = "$1" ]; then ok "$2"; else nok "$2 (HTTP $code, wanted $1)"; sed 's/^/# /' body.json | head -5; fi; }
# jqok DESC FILTER: FILTER is true on the last reply.
jqok() { if jq -e "$2" body.json >/dev/null 2>&1; then ok "$1"; else nok "$1"; head -c 600 body.json | sed 's/^/# /'; echo; fi; }
# err CODE ERROR_CODE DESC: the last call failed with this status and error_code.
err() {
	if [ "$code" = "$1" ] && jq -e --arg e "$2" '.error_code == $e and (.message | length > 0)' body.json >/dev/null 2>&1; then
		ok "$3"
	else
		nok "$3 (HTTP $code, wanted $1 $2)"; head -c 400 body.json | sed 's/^/# /'; echo
	fi
}
