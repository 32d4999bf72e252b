#!/bin/sh
# The HTML report as a browser draws it: headless Chromium takes a
# screenshot of a failing and of a clean report; the pixels must show the
# red or green status banner and the chart's bars. Runs only when chromium
# is installed (see README: apt-get install chromium); skipped otherwise.
. "$(dirname "$0")/../lib.sh"
SETTINGS=$ROOT/rules/validate.lua
CHROME=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$CHROME" ] || { echo "1..0 # SKIP chromium is not installed"; exit 0; }
command -v python3 >/dev/null || { echo "1..0 # SKIP python3 is not installed"; exit 0; }

mk() {
	mkdir -p "mig/$1/export"
	[ -f "mig/$1/session.json" ] || echo '{}' >"mig/$1/session.json"
	cat >"mig/$1/export/$2.jsonl"
}
mk A jobs <<'EOF'
{"key":"nightly","id":1,"object":{"settings":{"name":"nightly","tasks":[{"task_key":"a","new_cluster":{"node_type_id":"i3.xlarge"}}]}}}
{"key":"hourly","id":2,"object":{"settings":{"name":"hourly"}}}
EOF
mk B jobs <<'EOF'
{"key":"nightly","id":9,"object":{"settings":{"name":"nightly","tasks":[{"task_key":"a","new_cluster":{"node_type_id":"m5.large"}}]}}}
{"key":"hourly","id":8,"object":{"settings":{"name":"hourly"}}}
EOF
"$DBXMIG" validate --dir mig --settings "$SETTINGS" --session A --against B >/dev/null 2>&1
check "differences: exit 1" [ $? = 1 ]
"$DBXMIG" validate --dir mig --settings "$SETTINGS" --session B --against B >/dev/null 2>&1
check "clean: exit 0" [ $? = 0 ]

shoot() {	# HTML PNG
	# a local file only: background networking off, and any request the
	# browser would still make goes to a closed loopback port
	HOME=$T "$CHROME" --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run \
		--disable-extensions --disable-background-networking --disable-component-update \
		--disable-sync --disable-default-apps --proxy-server=127.0.0.1:9 \
		--window-size=1200,900 --screenshot="$2" "file://$T/$1" >"$2.log" 2>&1
	[ -s "$2" ]
}
check "screenshot of the failing report" shoot mig/A/report/index.html bad.png
check "screenshot of the clean report" shoot mig/B/report/index.html good.png

cat >pixels.py <<'EOF'
# Decodes an 8-bit RGB/RGBA PNG (no libraries) and counts pixels near a colour.
import struct, sys, zlib

def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat = 8, b""
    while pos < len(data):
        n, typ = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if typ == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
        elif typ == b"IDAT":
            idat += body
        pos += 12 + n
    assert depth == 8 and ctype in (2, 6) and interlace == 0, "unsupported PNG"
    bpp = 3 if ctype == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), w * bpp, [], bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line)
        prev = line
    return w, h, bpp, rows

def count(img, rgb, y0, y1, tol=12):
    w, h, bpp, rows = img
    n = 0
    for y in range(y0, min(y1, h)):
        r = rows[y]
        for x in range(0, w * bpp, bpp):
            if abs(r[x] - rgb[0]) <= tol and abs(r[x + 1] - rgb[1]) <= tol and abs(r[x + 2] - rgb[2]) <= tol:
                n += 1
    return n

# usage: pixels.py IMAGE NAME:RRGGBB:Y0:Y1 ...  prints "NAME COUNT" per region
img = decode(sys.argv[1])
for spec in sys.argv[2:]:
    name, hexrgb, y0, y1 = spec.split(":")
    rgb = tuple(int(hexrgb[i:i + 2], 16) for i in (0, 2, 4))
    print(name, count(img, rgb, int(y0), int(y1)))
EOF
# the banner fills the top of the page: red when differences, green when
# clean; the chart draws its bars (exported in blue, differences in red)
# below the table. The legend holds one 10x10 square of each colour.
regions="red:b23a32:0:60 green:2e7d4f:0:60 blue:4a7fc1:200:900 diff:c8423b:200:900"
python3 pixels.py bad.png $regions >bad.txt 2>&1 && python3 pixels.py good.png $regions >good.txt 2>&1
check "screenshots decoded" [ $? = 0 ]
sed 's/^/# bad.png: /' bad.txt; sed 's/^/# good.png: /' good.txt
px() { sed -n "s/^$2 //p" "$1"; }
check "failing report: red banner at the top" [ "$(px bad.txt red)" -gt 20000 ]
check "failing report: no green banner" [ "$(px bad.txt green)" -lt 100 ]
check "clean report: green banner at the top" [ "$(px good.txt green)" -gt 20000 ]
check "clean report: no red banner" [ "$(px good.txt red)" -lt 100 ]
check "chart: exported bars drawn" [ "$(px bad.txt blue)" -gt 500 ]
check "chart: differences bar drawn" [ "$(px bad.txt diff)" -gt 300 ]
check "clean chart: no differences bar (legend only)" [ "$(px good.txt diff)" -le 150 ]

done_testing
