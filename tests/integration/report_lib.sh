# report_lib.sh: helpers the report_*.sh integration tests source.
#   page_check DIR/index.html NAME ARTDIR: copies the page ALONE into an empty
#   folder (the page must need nothing beside it: it is mailed, or kept by CI),
#   loads it in headless Chromium with report_probe.js, and checks that every
#   plot is drawn (inline SVGs whose references resolve; any <img> decoded),
#   that nothing refers to the network, and that no plot has overlapping text,
#   text over a plotted line, or a legend over data. Keeps a full-page
#   screenshot as ARTDIR/NAME.png, and the probe's findings as ARTDIR/NAME.probe.

PROBE_JS=$(dirname "${BASH_SOURCE[0]}")/report_probe.js

chromium_run() {
	local prof
	prof=$(mktemp -d)
	timeout 90 nice -n 19 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--no-first-run --disable-component-update --disable-sync --user-data-dir="$prof" \
		"$@" 2>/dev/null
	local rc=$?
	rm -rf "$prof"
	return $rc
}

# probe_page PAGE OUT: OUT gets the probe's findings; prints "data-images data-layout"
probe_page() {
	local page=$1 out=$2 alone dom
	alone=$(mktemp -d)
	python3 - "$page" "$PROBE_JS" "$alone/index.html" <<'PY'
import sys
page = open(sys.argv[1], encoding="utf-8").read()
js = open(sys.argv[2], encoding="utf-8").read()
i = page.rfind("</body>")
page = page[:i] + "<script>" + js + "</script>" + page[i:]
open(sys.argv[3], "w", encoding="utf-8").write(page)
PY
	dom=$(chromium_run --window-size=1280,2400 --virtual-time-budget=20000 --dump-dom "file://$alone/index.html")
	rm -rf "$alone"
	sed -n '/<pre id="probe">/,/<\/pre>/p' <<<"$dom" | sed '1d;$d' >"$out"
	echo "$(grep -o 'data-images="[^"]*"' <<<"$dom" | head -1 | cut -d'"' -f2) $(grep -o 'data-layout="[^"]*"' <<<"$dom" | head -1 | cut -d'"' -f2)"
}

page_check() {
	local page=$1 name=$2 art=$3 n res img lay
	if grep -Eq '(src|href)="(https?:)?//' "$page"; then
		echo "FAIL: $page refers to the network"; return 1
	fi
	n=$(($(grep -o '<img ' "$page" | wc -l) + $(grep -o '<svg class="plot"' "$page" | wc -l)))
	[ "$n" -gt 0 ] || { echo "FAIL: $page has no plots"; return 1; }
	mkdir -p "$art"
	res=$(probe_page "$page" "$art/$name.probe")
	img=${res% *} lay=${res#* }
	sed 's/^/  /' "$art/$name.probe"
	if [ "$img" != "$n/$n" ]; then
		echo "FAIL: not every plot of $page shows from the page alone: ${img:-no probe result} (expected $n/$n)"
		return 1
	fi
	echo "ok: $n of $n plots shown by $page alone in an empty folder"
	chromium_run --hide-scrollbars --window-size=1280,8000 --screenshot="$art/$name.png" "file://$page" >/dev/null
	[ -s "$art/$name.png" ] || { echo "FAIL: no screenshot $art/$name.png"; return 1; }
	echo "screenshot: $art/$name.png"
	if [ "$lay" != 0 ]; then
		echo "FAIL: $page: $lay layout problems (overlapping text, text over lines, legend over data; above)"
		return 1
	fi
	echo "ok: no overlapping text, text over lines or legend over data in $page"
}
