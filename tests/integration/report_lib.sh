# report_lib.sh: helpers the report_*.sh integration tests source.
#   page_check DIR/index.html NAME ARTDIR: loads the page in headless Chromium,
#   checks that every <img> loaded (naturalWidth > 0) and that nothing refers
#   to the network, and keeps a full-page screenshot as ARTDIR/NAME.png.

chromium_run() {
	local prof
	prof=$(mktemp -d)
	timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-background-networking \
		--no-first-run --disable-component-update --disable-sync --user-data-dir="$prof" \
		"$@" 2>/dev/null
	local rc=$?
	rm -rf "$prof"
	return $rc
}

page_check() {
	local page=$1 name=$2 art=$3 dir check n dom
	dir=$(dirname "$page")
	if grep -Eq '(src|href)="(https?:)?//' "$page"; then
		echo "FAIL: $page refers to the network"; return 1
	fi
	n=$(grep -o '<img ' "$page" | wc -l)
	[ "$n" -gt 0 ] || { echo "FAIL: $page has no images"; return 1; }
	# a copy of the page with a probe that counts the images that loaded
	check="$dir/.page_check.html"
	sed 's|</body>|<script>window.addEventListener("load",function(){var i,ok=0,im=document.images;for(i=0;i<im.length;i++)if(im[i].complete\&\&im[i].naturalWidth>0)ok++;document.body.setAttribute("data-images",ok+"/"+im.length);});</script></body>|' "$page" >"$check"
	dom=$(chromium_run --virtual-time-budget=10000 --dump-dom "file://$check")
	rm -f "$check"
	if ! grep -q "data-images=\"$n/$n\"" <<<"$dom"; then
		echo "FAIL: not every image of $page loaded: $(grep -o 'data-images="[^"]*"' <<<"$dom" || echo 'no probe result')"
		return 1
	fi
	echo "ok: $n of $n images loaded in $page"
	mkdir -p "$art"
	chromium_run --hide-scrollbars --window-size=1280,2400 --screenshot="$art/$name.png" "file://$page" >/dev/null
	[ -s "$art/$name.png" ] || { echo "FAIL: no screenshot $art/$name.png"; return 1; }
	echo "screenshot: $art/$name.png"
}
