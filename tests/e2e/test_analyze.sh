#!/usr/bin/env bash
# End-to-end: `facecluster analyze` (quick preset, 3 runs) on the personal, orl and yale embeddings.
# Checks every expected file, that the TSV/JSON load in Python and agree, that the LaTeX table is
# well-formed (braces, \begin/\end pairs, cells per row) and compiles with pdflatex inside a minimal
# document (both tables: the cross-dataset one and a dataset's scores), that --resume re-uses every cached part and
# gives the same table, that index.html opens in headless Chromium with no broken image and no console
# message (and a screenshot is taken), and the no-data and bad-usage paths.
set -u
FC_BIN=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
PY=/usr/bin/python3
E=$SHARED/embeddings
if [ ! -f "$E/personal/emb.npy" ] || [ ! -f "$E/orl/emb.npy" ] || [ ! -f "$E/yale/emb.npy" ]; then
    echo "SKIP e2e_analyze: skipped: $E/{personal,orl,yale} not found"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
R=$tmp/report

"$FC_BIN" analyze "$E/personal" "$E/orl" "$E/yale" -o "$R" --quick --runs 3 2> "$tmp/log1"; rc=$?
if [ $rc -eq 0 ]; then pass e2e_analyze_runs; else fail e2e_analyze_runs "exit $rc: $(tail -3 "$tmp/log1")"; fi
if grep -q "\[8/11\] meanshift over bandwidth" "$tmp/log1" && grep -q "t-SNE map of 400 faces" "$tmp/log1"; then
    pass e2e_analyze_progress
else fail e2e_analyze_progress "progress lines missing"; fi

missing=""
for f in index.html table.md table.tex table.tsv table.json wall_time.txt; do
    [ -s "$R/$f" ] || missing="$missing $f"
done
for stem in ari_vs_eps ari_vs_bandwidth clusters_vs_eps clusters_vs_bandwidth ari_overview scores_personal \
            scores_orl scores_yale; do
    for ext in png svg pdf; do [ -s "$R/figures/$stem.$ext" ] || missing="$missing figures/$stem.$ext"; done
done
for ds in personal orl yale; do
    for ext in png svg pdf npy; do [ -s "$R/datasets/$ds/tsne.$ext" ] || missing="$missing $ds/tsne.$ext"; done
    for ext in md tex tsv json; do [ -s "$R/datasets/$ds/scores.$ext" ] || missing="$missing $ds/scores.$ext"; done
done
if [ -z "$missing" ]; then pass e2e_analyze_files; else fail e2e_analyze_files "missing:$missing"; fi
if ls "$R"/thumbs/orl/*.jpg > /dev/null 2>&1; then pass e2e_analyze_thumbnails
else fail e2e_analyze_thumbnails "no gallery thumbnail for orl (it has a split at its best eps)"; fi
# every gallery thumbnail is a square 96x96 JPEG (the margin around an ORL face leaves the 92x112 photo: padded
# grey, not clipped to a narrower image the page would stretch) and carries no EXIF from the photo
"$PY" - "$R" <<'PYEOF'
import glob, struct, sys
bad, n = [], 0
for path in glob.glob(sys.argv[1] + "/thumbs/*/*.jpg"):
    n += 1
    data = open(path, "rb").read()
    size, i, exif = None, 2, False
    while i + 4 <= len(data) and data[i] == 0xFF and size is None:
        marker, seglen = data[i + 1], struct.unpack(">H", data[i + 2:i + 4])[0]
        if marker == 0xE1:
            exif = True
        if marker in (0xC0, 0xC1, 0xC2):
            h, w = struct.unpack(">HH", data[i + 5:i + 9])
            size = (w, h)
        i += 2 + seglen
    if size != (96, 96) or exif:
        bad.append("%s %s%s" % (path.split("/thumbs/")[1], size, " EXIF" if exif else ""))
print(("PASS " if n and not bad else "FAIL ") + "e2e_analyze_thumbnails_square" +
      ("" if n and not bad else ": %d thumbnails, %s" % (n, ", ".join(bad[:5]))))
PYEOF

"$PY" - "$R" <<'PYEOF'
import csv, json, re, sys
R = sys.argv[1]
def check(name, ok, why=""):
    print(("PASS " if ok else "FAIL ") + name + ("" if ok else ": " + why))
try:
    rows = list(csv.DictReader(open(R + "/table.tsv"), delimiter="\t"))
    js = json.load(open(R + "/table.json"))
    names = [d["name"] for d in js["datasets"]]
    check("e2e_analyze_tsv_json_load", names == ["personal", "orl", "yale"] and len(rows) == len(js["jobs"])
          and len(rows) == 3 * 37, "%r, %d TSV rows, %d JSON jobs" % (names, len(rows), len(js["jobs"])))
    summ = {s["label"]: s for s in js["summary"]}
    db = summ["DBSCAN, best eps"]["cells"]
    check("e2e_analyze_dbscan_best", db["personal"]["ari_mean"] >= 0.95 and 0.6 <= db["personal"]["param"] <= 1.1
          and db["personal"]["paper_ari"] == 0.903 and db["orl"]["paper_ari"] is None, repr(db))
    tsv_db = max(float(r["ari_mean"]) for r in rows if r["dataset"] == "personal" and r["method"] == "dbscan")
    check("e2e_analyze_json_matches_tsv", abs(tsv_db - db["personal"]["ari_mean"]) < 1e-6)
    sane = all(-1 <= float(r["ari_mean"]) <= 1 for r in rows) and all(int(r["runs_ok"]) == 3 for r in rows)
    check("e2e_analyze_scores_sane", sane)
    eps = sorted(float(r["value"]) for r in rows if r["dataset"] == "yale" and r["method"] == "dbscan")
    check("e2e_analyze_sweep_default", len(eps) == 14 and abs(eps[0] - 0.1) < 1e-9 and abs(eps[-1] - 1.4) < 1e-9,
          repr(eps))
    # LaTeX: structure check (no TeX installed): braces balance, begin/end pair up, every row has the
    # column count of the tabular spec.
    tex = open(R + "/table.tex").read()
    body = "\n".join(l for l in tex.splitlines() if not l.startswith("%"))
    depth, ok = 0, True
    for ch in body.replace("\\{", "").replace("\\}", ""):
        depth += ch == "{"
        depth -= ch == "}"
        ok &= depth >= 0
    ok &= depth == 0
    begins, ends = re.findall(r"\\begin\{(\w+)\}", body), re.findall(r"\\end\{(\w+)\}", body)
    ok &= begins == ["tabular"] and ends == ["tabular"]
    spec = re.search(r"\\begin\{tabular\}\{([lrc]+)\}", body).group(1)
    lines = [l for l in body.splitlines() if l.endswith("\\\\")]
    cols = {len(re.split(r"(?<!\\)&", l)) for l in lines}
    ok &= cols == {len(spec)} and len(lines) >= 10 and "\\toprule" in body and "\\bottomrule" in body
    ok &= all(l.count("$") % 2 == 0 for l in lines)
    check("e2e_analyze_latex_structure", ok, "spec %s, cells per row %r" % (spec, cols))
    md = open(R + "/table.md").read()
    check("e2e_analyze_markdown", "| DBSCAN, best eps |" in md and "paper: personal_faces" in md)
    html = open(R + "/index.html").read()
    check("e2e_analyze_html_offline", "http://" not in html and "https://" not in html
          and "Do glasses drive splits?" in html and "Worst splits" in html and "across DBSCAN" in html)
except Exception as e:
    check("e2e_analyze_outputs", False, repr(e))
PYEOF

# LaTeX: the tables compile in a minimal document (pdflatex from texlive, installed by scripts/setup.sh).
if command -v pdflatex > /dev/null; then
    for t in "$R/table.tex" "$R/datasets/yale/scores.tex"; do
        name=$(basename "$(dirname "$t")")_$(basename "$t" .tex)
        printf '%s\n' '\documentclass{article}' '\usepackage{booktabs}' '\usepackage[margin=1cm,landscape]{geometry}' \
            '\begin{document}' '\tiny' "\\input{$t}" '\end{document}' > "$tmp/$name.tex"
        if (cd "$tmp" && timeout 120 pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" > "$tmp/$name.out" 2>&1) \
           && [ -s "$tmp/$name.pdf" ]; then pass "e2e_analyze_latex_compiles_$name"
        else fail "e2e_analyze_latex_compiles_$name" "$(grep -m3 '^!' "$tmp/$name.out")"; fi
    done
else
    echo "SKIP e2e_analyze_latex_compiles: skipped: pdflatex not found (scripts/setup.sh installs texlive)"
fi

# --resume: every group comes from the cache and the table is the same.
"$FC_BIN" analyze "$E/personal" "$E/orl" "$E/yale" -o "$R" --quick --runs 3 --resume 2> "$tmp/log2"; rc=$?
reused=$(grep -c "reused from" "$tmp/log2")
if [ $rc -eq 0 ] && [ "$reused" -eq 36 ] \
   && ! grep -q "t-SNE iterations" "$tmp/log2"; then pass e2e_analyze_resume
else fail e2e_analyze_resume "exit $rc, $reused parts reused (want 33 groups + 3 t-SNE maps)"; fi
cp "$R/table.tsv" "$tmp/t1.tsv"
"$FC_BIN" analyze "$E/personal" "$E/orl" "$E/yale" -o "$R" --quick --runs 3 --resume --quiet
if cmp -s "$R/table.tsv" "$tmp/t1.tsv"; then pass e2e_analyze_resume_same
else fail e2e_analyze_resume_same "table.tsv changed on resume"; fi

# Chromium: no broken image, no console message, a screenshot.
CH=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CH" ]; then
    echo "SKIP e2e_analyze_chromium: skipped: chromium not found"
else
    url="file://$R/index.html"
    timeout 120 "$CH" --headless --no-sandbox --disable-gpu --enable-logging=stderr --v=0 \
        --virtual-time-budget=5000 --dump-dom "$url" > "$tmp/dom.html" 2> "$tmp/chrome.log"
    timeout 120 "$CH" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2400 \
        --screenshot="$tmp/shot.png" "$url" > /dev/null 2>&1
    okimg=$(grep -o 'data-images-ok="[0-9]*"' "$tmp/dom.html" | grep -o '[0-9]*')
    bad=$(grep -o 'data-images-broken="[0-9]*"' "$tmp/dom.html" | grep -o '[0-9]*')
    console=$(grep -c "CONSOLE" "$tmp/chrome.log")
    if [ -n "$okimg" ] && [ "$okimg" -ge 12 ] && [ "$bad" = "0" ] && [ "$console" -eq 0 ]; then
        pass e2e_analyze_chromium_images
    else fail e2e_analyze_chromium_images "images ok '${okimg:-?}', broken '${bad:-?}', console lines $console"; fi
    size=$(stat -c %s "$tmp/shot.png" 2>/dev/null || echo 0)
    if [ "$size" -gt 20000 ]; then pass e2e_analyze_chromium_screenshot
    else fail e2e_analyze_chromium_screenshot "screenshot is $size bytes"; fi
fi

# No data: a clear message about where to put LFW, exit 0. Bad usage: exit 2.
out=$("$FC_BIN" analyze --shared "$tmp/nothing" -o "$tmp/r2" 2>&1); rc=$?
if [ $rc -eq 0 ] && echo "$out" | grep -q "LFW" && echo "$out" | grep -q "data/lfw"; then pass e2e_analyze_no_data
else fail e2e_analyze_no_data "exit $rc: $out"; fi
"$FC_BIN" analyze "$E/personal" -o "$tmp/r3" --sweep 1:0:0.1 2> /dev/null; rc1=$?
"$FC_BIN" analyze "$tmp/nothing" -o "$tmp/r3" 2> /dev/null; rc2=$?
"$FC_BIN" analyze --help > /dev/null; rc3=$?
if [ $rc1 -eq 2 ] && [ $rc2 -eq 3 ] && [ $rc3 -eq 0 ]; then pass e2e_analyze_usage
else fail e2e_analyze_usage "exit codes $rc1 $rc2 $rc3 (want 2 3 0)"; fi
