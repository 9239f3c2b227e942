#!/usr/bin/env bash
# test_embed.sh — `facecluster embed/export/lfw-verify` end to end on small folders made in /tmp:
# every kind of bad input gets its one-line reason and the run goes on (exit 1); re-runs skip what is stored
# and pick up new photos; labels from folders and from a file-name pattern; --min-images; kill -9 in the
# middle of a run, then a re-run, gives the same store as an uninterrupted run.
set -u
FC=${FC_BIN:-build/facecluster}
SH=${FC_SHARED:-../shared}
PY=/usr/bin/python3
names="embed_retry_pad embed_keep_rule embed_bad_inputs embed_resume embed_pattern_labels embed_min_images embed_kill_resume embed_lfw_verify"
if [ ! -d "$SH/data/orl" ] || [ ! -d "$SH/data/lfw" ] || [ ! -d "$SH/data/detection" ]; then
    for n in $names; do echo "SKIP $n: skipped: $SH/data (orl, lfw, detection) not found"; done; exit 0
fi
if ! "$FC" model check >/dev/null 2>&1 && [ ! -f models/MobileFaceNet.tflite ]; then
    for n in $names; do echo "SKIP $n: skipped: models not found (run scripts/fetch_models.sh)"; done; exit 0
fi
T=$(mktemp -d /tmp/fc_e2e_embed.XXXXXX)
trap 'rm -rf "$T"' EXIT
ok() { echo "PASS $1"; }
bad() { echo "FAIL $1: $2"; }
count() { $PY -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])" "$@"; }

# ---- bad inputs ----
mkdir -p "$T/a/p1" "$T/a/p2" "$T/a/odd"
cp "$SH/data/orl/s1/1.pgm" "$SH/data/orl/s1/2.pgm" "$T/a/p1/"
cp "$SH/data/orl/s2/1.pgm" "$T/a/p2/"
echo "this is not a photo" > "$T/a/odd/notes.jpg"
: > "$T/a/odd/empty.jpg"
head -c 3000 "$SH/data/lfw/Colin_Powell/Colin_Powell_0001.jpg" > "$T/a/odd/truncated.jpg"
cp "$SH/data/detection/dogs.jpg" "$T/a/odd/dogs.jpg"
$PY -c "
import zlib,struct,sys
w=h=10; raw=b''.join(b'\x00'+bytes([120,100,90]*w) for _ in range(h))
def ch(t,d): return struct.pack('>I',len(d))+t+d+struct.pack('>I',zlib.crc32(t+d)&0xffffffff)
open(sys.argv[1],'wb').write(b'\x89PNG\r\n\x1a\n'+ch(b'IHDR',struct.pack('>IIBBBBB',w,h,8,2,0,0,0))+ch(b'IDAT',zlib.compress(raw))+ch(b'IEND',b''))
" "$T/a/odd/tiny.png"
"$FC" embed "$T/a" --db "$T/a.db" --labels folder >"$T/out" 2>"$T/err"
rc=$?
fails=""
[ $rc -eq 1 ] || fails="$fails exit=$rc(want 1)"
for want in "notes.jpg: not an image" "empty.jpg: empty file" "truncated.jpg: truncated or corrupt" \
            "dogs.jpg: no face found" "tiny.png: face too small"; do
    grep -q "$want" "$T/err" || fails="$fails missing[$want]"
done
grep -q "^embed: 8 files, 0 already stored, 8 processed: 3 with faces (3 faces stored)" "$T/err" || fails="$fails summary"
[ "$(count "$T/a.db" "select count(*) from images where status='error'")" = 3 ] || fails="$fails error-rows"
[ "$(count "$T/a.db" "select count(*) from images where status='noface'")" = 2 ] || fails="$fails noface-rows"
[ "$(count "$T/a.db" "select count(*) from faces where length(thumb) > 100 and length(embedding) = 768")" = 3 ] || fails="$fails face-rows"
[ -z "$fails" ] && ok embed_bad_inputs || { bad embed_bad_inputs "$fails"; cat "$T/err" >&2; }

# ---- resume: nothing to do, then one new photo ----
fails=""
"$FC" embed "$T/a" --db "$T/a.db" --labels folder --quiet 2>"$T/err"; rc=$?
grep -q "8 already stored, 0 processed" "$T/err" || fails="$fails rerun-summary"
# exit stays 1: the store holds this input's no-face/unusable photos from the first run
[ $rc -eq 1 ] || fails="$fails rerun-exit=$rc(want 1)"
grep -q "of the photos already stored, 2 have no face and 3 are unusable" "$T/err" || fails="$fails rerun-earlier-count"
cp "$SH/data/orl/s2/2.pgm" "$T/a/p2/"
"$FC" embed "$T/a" --db "$T/a.db" --labels folder --quiet 2>"$T/err"
grep -q "8 already stored, 1 processed: 1 with faces" "$T/err" || fails="$fails new-file"
"$FC" export --db "$T/a.db" --npy "$T/a.npy" --truth "$T/a.txt" --tsv "$T/a.tsv" 2>/dev/null || fails="$fails export"
[ "$(cat "$T/a.txt" | tr '\n' ' ')" = "p1 p1 p2 p2 " ] || fails="$fails truth=$(cat "$T/a.txt" | tr '\n' ' ')"
$PY -c "import numpy as np,sys; a=np.load(sys.argv[1]); assert a.shape==(4,192) and abs(np.linalg.norm(a,axis=1)-1).max()<1e-5" "$T/a.npy" || fails="$fails npy"
[ "$(wc -l < "$T/a.tsv")" = 5 ] || fails="$fails tsv"
[ -z "$fails" ] && ok embed_resume || bad embed_resume "$fails"

# ---- MUCT-style names: identity from a pattern ----
fails=""
mkdir -p "$T/m"
cp "$SH/data/orl/s3/1.pgm" "$T/m/i000qa-fn.pgm"; cp "$SH/data/orl/s3/2.pgm" "$T/m/i000qb-fn.pgm"
cp "$SH/data/orl/s4/1.pgm" "$T/m/i012qa-fn.pgm"; cp "$SH/data/orl/s4/2.pgm" "$T/m/readme_photo.pgm"
"$FC" embed "$T/m" --db "$T/m.db" --labels 'pattern:i(\d{3})' 2>"$T/err"; rc=$?
[ $rc -eq 1 ] || fails="$fails exit=$rc"
grep -q "readme_photo.pgm: no identity in the file name" "$T/err" || fails="$fails reason"
"$FC" export --db "$T/m.db" --npy "$T/m.npy" --truth "$T/m.txt" 2>/dev/null
[ "$(tr '\n' ' ' < "$T/m.txt")" = "000 000 012 " ] || fails="$fails truth=$(tr '\n' ' ' < "$T/m.txt")"
[ -z "$fails" ] && ok embed_pattern_labels || bad embed_pattern_labels "$fails"

# ---- --min-images ----
fails=""
"$FC" embed "$T/m" --db "$T/m2.db" --labels 'pattern:i([0-9]{3})' --min-images 2 --quiet 2>"$T/err"
"$FC" export --db "$T/m2.db" --npy "$T/m2.npy" --truth "$T/m2.txt" 2>/dev/null
[ "$(tr '\n' ' ' < "$T/m2.txt")" = "000 000 " ] || fails="$fails truth=$(tr '\n' ' ' < "$T/m2.txt")"
"$FC" embed "$T/m" --db "$T/m3.db" --min-images 2 2>/dev/null; [ $? -eq 2 ] || fails="$fails usage"
"$FC" embed "$T/m" --db "$T/m3.db" --labels folder --keep bogus 2>/dev/null; [ $? -eq 2 ] || fails="$fails keep-usage"
"$FC" embed "$T/m" 2>/dev/null; [ $? -eq 2 ] || fails="$fails no-db"
"$FC" embed "$T/nonexistent" --db "$T/m3.db" 2>/dev/null; [ $? -eq 3 ] || fails="$fails missing-dir"
[ -z "$fails" ] && ok embed_min_images || bad embed_min_images "$fails"

# ---- kill -9 mid-run, re-run: same store as an uninterrupted run ----
fails=""
mkdir -p "$T/k"
for s in 5 6 7; do mkdir -p "$T/k/s$s"; cp "$SH/data/orl/s$s/"[1-6].pgm "$T/k/s$s/"; done
"$FC" embed "$T/k" --db "$T/full.db" --labels folder --batch 2 --quiet 2>/dev/null
"$FC" embed "$T/k" --db "$T/kill.db" --labels folder --batch 2 --quiet 2>/dev/null &
pid=$!
for i in $(seq 1 600); do
    n=$(count "$T/kill.db" "select count(*) from images" 2>/dev/null || echo 0)
    [ "${n:-0}" -ge 4 ] && break
    sleep 0.05
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
partial=$(count "$T/kill.db" "select count(*) from images")
orphans=$(count "$T/kill.db" "select count(*) from faces where image_id not in (select id from images)")
[ "$partial" -ge 1 ] && [ "$partial" -lt 18 ] || fails="$fails partial=$partial(not mid-run)"
[ "$orphans" = 0 ] || fails="$fails orphans=$orphans"
"$FC" embed "$T/k" --db "$T/kill.db" --labels folder --batch 2 --quiet 2>"$T/err"
grep -q "18 files, $partial already stored, $((18 - partial)) processed" "$T/err" || fails="$fails resume-summary"
"$FC" export --db "$T/full.db" --npy "$T/f.npy" --truth "$T/f.txt" --tsv "$T/f.tsv" 2>/dev/null
"$FC" export --db "$T/kill.db" --npy "$T/k.npy" --truth "$T/k.txt" --tsv "$T/k.tsv" 2>/dev/null
cmp -s "$T/f.npy" "$T/k.npy" || fails="$fails npy-differs"
cmp -s "$T/f.tsv" "$T/k.tsv" || fails="$fails tsv-differs"
cmp -s "$T/f.txt" "$T/k.txt" || fails="$fails truth-differs"
[ "$(count "$T/kill.db" "select count(*) from faces")" = 18 ] || fails="$fails face-count"
[ -z "$fails" ] && ok embed_kill_resume || bad embed_kill_resume "$fails (killed after $partial photos)"

# ---- --retry-pad recovers a tight crop MTCNN misses (bbt) ----
fails=""
B="$SH/data/bbt/bernadette/bernadette5.png"
if [ -f "$B" ]; then
    mkdir -p "$T/bbt/bernadette"; cp "$B" "$T/bbt/bernadette/"
    "$FC" embed "$T/bbt" --db "$T/bbt0.db" --labels folder 2>"$T/err"; [ $? -eq 1 ] || fails="$fails no-pad-exit"
    grep -q "bernadette5.png: no face found" "$T/err" || fails="$fails no-pad-reason"
    "$FC" embed "$T/bbt" --db "$T/bbt1.db" --labels folder --retry-pad 24 --quiet 2>/dev/null; [ $? -eq 0 ] || fails="$fails pad-exit"
    $PY -c "
import sqlite3,sys
b = sqlite3.connect(sys.argv[1]).execute('select x1, y1, x2, y2 from faces').fetchall()
assert len(b) == 1 and -40 < b[0][0] < b[0][2] < 190 and -40 < b[0][1] < b[0][3] < 190 and b[0][2] - b[0][0] > 60, b
" "$T/bbt1.db" || fails="$fails pad-box"
    [ -z "$fails" ] && ok embed_retry_pad || bad embed_retry_pad "$fails"
else
    echo "SKIP embed_retry_pad: skipped: $B not found"
fi

# ---- which face represents a labelled photo: largest vs nearest the centre (golden 3-face photo) ----
fails=""
G="$SH/golden/mtcnn_e2e/faceapi_sample1_480x320/image.png"
if [ -f "$G" ]; then
    mkdir -p "$T/g/somebody"; cp "$G" "$T/g/somebody/group.png"
    "$FC" embed "$T/g" --db "$T/g_all.db" --labels folder --all-faces --quiet 2>/dev/null
    "$FC" embed "$T/g" --db "$T/g_big.db" --labels folder --quiet 2>/dev/null
    "$FC" embed "$T/g" --db "$T/g_mid.db" --labels folder --keep central --quiet 2>/dev/null
    $PY - "$T" <<'PYEOF' || fails="$fails keep-rule"
import sqlite3, sys
t = sys.argv[1]
q = "select x1, y1, x2, y2 from faces"
allf = sqlite3.connect(f"{t}/g_all.db").execute(q).fetchall()
big = sqlite3.connect(f"{t}/g_big.db").execute(q).fetchall()
mid = sqlite3.connect(f"{t}/g_mid.db").execute(q).fetchall()
assert len(allf) == 3 and len(big) == 1 and len(mid) == 1
area = lambda b: (b[2] - b[0]) * (b[3] - b[1])
dist = lambda b: ((b[0] + b[2]) / 2 - 240) ** 2 + ((b[1] + b[3]) / 2 - 160) ** 2
assert big[0] == max(allf, key=area), (big, allf)
assert mid[0] == min(allf, key=dist), (mid, allf)
PYEOF
    [ -z "$fails" ] && ok embed_keep_rule || bad embed_keep_rule "$fails"
else
    echo "SKIP embed_keep_rule: skipped: $G not found"
fi

# ---- lfw-verify on a two-fold miniature of pairs.txt ----
fails=""
mkdir -p "$T/lfw"
for p in Colin_Powell George_W_Bush Tony_Blair; do
    mkdir -p "$T/lfw/$p"; cp "$SH/data/lfw/$p/${p}_000"[1-3].jpg "$T/lfw/$p/"
done
printf '2\t2\nColin_Powell\t1\t2\nTony_Blair\t1\t3\nColin_Powell\t1\tGeorge_W_Bush\t1\nTony_Blair\t2\tGeorge_W_Bush\t3\nGeorge_W_Bush\t1\t2\nColin_Powell\t2\t3\nTony_Blair\t1\tColin_Powell\t3\nGeorge_W_Bush\t2\tTony_Blair\t3\n' > "$T/pairs.txt"
"$FC" embed "$T/lfw" --db "$T/lfw.db" --labels folder --flip --quiet 2>/dev/null
out=$("$FC" lfw-verify --db "$T/lfw.db" --pairs "$T/pairs.txt"); rc=$?
echo "$out" | grep -q "accuracy 100.00 %" || fails="$fails acc[$out]"
[ $rc -eq 0 ] || fails="$fails exit=$rc"
"$FC" lfw-verify --db "$T/lfw.db" --pairs "$T/pairs.txt" --flip | grep -q "flip-fused" || fails="$fails flip"
"$FC" lfw-verify --db "$T/lfw.db" --pairs "$T/nonexistent.txt" 2>/dev/null; [ $? -eq 3 ] || fails="$fails missing-pairs"
[ -z "$fails" ] && ok embed_lfw_verify || bad embed_lfw_verify "$fails"
exit 0
