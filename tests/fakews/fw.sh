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
# pages PATH FIELD: GETs PATH and every next_page_token after it; the items
# of FIELD land in all.json (an array), the number of pages in $npages and
# the number of empty pages that still carried a token in $nempty.
pages() {
	_pp=$1 _pf=$2 _tok="" npages=0 nempty=0
	echo '[]' >all.json
	while :; do
		case $_pp in *\?*) _sep='&' ;; *) _sep='?' ;; esac
		call GET "$_pp${_tok:+${_sep}page_token=$_tok}"
		[ "$code" = 200 ] || { echo "# pages: HTTP $code"; return 1; }
		npages=$((npages + 1))
		_tok=$(jq -r '.next_page_token // empty' body.json)
		[ "$(jq --arg f "$_pf" '.[$f] // [] | length' body.json)" = 0 ] && [ -n "$_tok" ] && nempty=$((nempty + 1))
		jq -s --arg f "$_pf" '.[0] + (.[1][$f] // [])' all.json body.json >all.tmp && mv all.tmp all.json
		[ -n "$_tok" ] || break
		[ $npages -lt 1000 ] || { echo "# pages: no end"; return 1; }
	done
}
