#!/usr/bin/env bash
# Browser test of the HTML output: `facecluster gallery --map` and `facecluster tsne` on the personal set, the
# page opened in headless Chromium: a screenshot that is not blank (far larger than a blank page's), and
# no broken images (a small script added to a copy of the page counts images that failed to load; a
# second copy with one thumbnail deleted must report exactly one, so the check can fail).
# Prints PASS/FAIL/SKIP lines. Needs FC_BIN, FC_SHARED; skips without chromium or the shared data.
set -u
BIN=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
E=$SHARED/embeddings/personal
if ! command -v chromium >/dev/null 2>&1; then
    echo "SKIP html_chromium: skipped: chromium not found (apt-get install chromium)"
    exit 0
fi
if [ ! -f "$E/emb.npy" ] || [ ! -d "$SHARED/data/personal" ]; then
    echo "SKIP html_chromium: skipped: $E or $SHARED/data/personal not found"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$tmp/report

# predicted clusters = the true identities, with one face moved into another cluster (a wrong merge)
awk -F'\t' 'NR>1 { if (!($2 in id)) id[$2] = n++; print id[$2] }' "$E/faces.tsv" > "$tmp/pred.txt"
sed -i '2s/.*/3/' "$tmp/pred.txt"
if ! "$BIN" gallery --emb "$E/emb.npy" --faces "$E/faces.tsv" --images "$SHARED/data/personal" \
        --pred "$tmp/pred.txt" --map -o "$out" --title "personal: clusters & <errors>" > "$tmp/gallery.log" 2>&1; then
    echo "FAIL html_gallery_runs"; cat "$tmp/gallery.log" >&2; exit 1
fi
echo "PASS html_gallery_runs"
n_thumbs=$(ls "$out/thumbs" | wc -l)
n_img=$(grep -o '<img ' "$out/index.html" | wc -l)
if [ "$n_thumbs" -eq 79 ] && [ "$n_img" -eq 80 ] && [ -s "$out/map.png" ] && grep -q 'personal: clusters &amp; &lt;errors&gt;' "$out/index.html" \
        && [ "$(grep -c 'class="face bad"' "$out/index.html")" -eq 1 ]; then
    echo "PASS html_gallery_content"
else
    echo "FAIL html_gallery_content: $n_thumbs thumbnails, $n_img <img> (79 + the map), title escaping or red frame count wrong"
fi

chrome() { # url, extra args...
    local url=$1; shift
    timeout 90 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d -p "$tmp")" "$@" "$url" 2>/dev/null
}

# screenshot: the page against a blank page of the same size
chrome "file://$out/index.html" --window-size=1280,1600 --screenshot="$tmp/page.png" >/dev/null
printf '<!DOCTYPE html><html><body></body></html>' > "$tmp/blank.html"
chrome "file://$tmp/blank.html" --window-size=1280,1600 --screenshot="$tmp/blank.png" >/dev/null
page=$(stat -c %s "$tmp/page.png" 2>/dev/null || echo 0)
blank=$(stat -c %s "$tmp/blank.png" 2>/dev/null || echo 0)
if [ "$page" -gt 0 ] && [ "$blank" -gt 0 ] && [ "$page" -gt $((blank * 20)) ] \
        && head -c 8 "$tmp/page.png" | od -An -tx1 | grep -q '89 50 4e 47'; then
    echo "PASS html_screenshot_not_blank"
else
    echo "FAIL html_screenshot_not_blank: page screenshot $page bytes, blank page $blank bytes"
fi
[ -n "${FC_KEEP_SCREENSHOT:-}" ] && cp "$tmp/page.png" "$FC_KEEP_SCREENSHOT"

# broken images: count them in the DOM after load
probe='<script>window.addEventListener("load",function(){var b=0,t=0;for(const i of document.images){t++;if(!i.complete||i.naturalWidth==0)b++;}document.body.setAttribute("data-images",t);document.body.setAttribute("data-broken",b);});</script>'
count_broken() { # page copy -> "images broken"
    local page
    page=$(cat "$1")
    printf '%s\n' "${page/<\/body>/$probe</body>}" > "$1.probe.html"
    chrome "file://$1.probe.html" --virtual-time-budget=10000 --dump-dom \
        | grep -o 'data-images="[0-9]*" data-broken="[0-9]*"' | head -1
}
res=$(count_broken "$out/index.html")
if [ "$res" = 'data-images="80" data-broken="0"' ]; then
    echo "PASS html_no_broken_images"
else
    echo "FAIL html_no_broken_images: got '$res'"
fi
cp -r "$out" "$tmp/damaged"
rm -f "$tmp/damaged/thumbs/$(ls "$tmp/damaged/thumbs" | head -1)"
res=$(count_broken "$tmp/damaged/index.html")
if [ "$res" = 'data-images="80" data-broken="1"' ]; then
    echo "PASS html_broken_image_detected"
else
    echo "FAIL html_broken_image_detected: got '$res'"
fi

# t-SNE figure: PNG and SVG both open in the browser
if "$BIN" tsne --emb "$E/emb.npy" --truth "$E/truth.txt" -o "$out/map.png" --quiet 2>/dev/null \
        && "$BIN" tsne --emb "$E/emb.npy" --truth "$E/truth.txt" -o "$out/map.svg" --quiet 2>/dev/null; then
    printf '<!DOCTYPE html><html><body><img src="map.png"><img src="map.svg"></body></html>' > "$out/maps.html"
    res=$(count_broken "$out/maps.html")
    if [ "$res" = 'data-images="2" data-broken="0"' ]; then
        echo "PASS html_tsne_figures_load"
    else
        echo "FAIL html_tsne_figures_load: got '$res'"
    fi
else
    echo "FAIL html_tsne_figures_load: facecluster tsne failed"
fi
