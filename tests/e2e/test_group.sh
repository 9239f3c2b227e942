#!/usr/bin/env bash
# test_group.sh — `facecluster group` and `facecluster people` end to end on a messy folder built in /tmp
# from ../shared photos: nested folders, a .txt and a junk file, a byte-identical duplicate, unicode and odd
# file names, an EXIF-rotated copy, a huge photo, a photo with no face, group photos (cannot-link); dry run,
# link modes, naming/merging, incremental runs without renumbering, index.html in headless Chromium.
set -u
FC=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
PY=/usr/bin/python3
pass() { echo "PASS $1"; }
fail() { echo "FAIL $1${2:+: $2}"; }
check() { if eval "$2"; then pass "$1"; else fail "$1" "$2"; fi; }
lfw=$SHARED/data/lfw
for d in "$lfw/Colin_Powell" "$lfw/Tony_Blair" "$lfw/Hugo_Chavez" "$SHARED/data/detection/dogs.jpg" \
         "$SHARED/data/group_photos/faceapi_bbt/bbt3.jpg"; do
    [ -e "$d" ] || { echo "SKIP group_e2e: skipped: $d not found"; exit 0; }
done
"$FC" model check >/dev/null 2>&1 || { echo "SKIP group_e2e: skipped: models not found (run scripts/fetch_models.sh)"; exit 0; }
models=()
[ -d models ] && models=(--models models)
T=$(mktemp -d /tmp/fc_e2e_group.XXXXXX)
trap 'rm -rf "$T"' EXIT
P=$T/photos
mkdir -p "$P/2019/Trip to Paris/ünïcødé" "$P/2020/nested/deeper" "$P/misc"
cp "$lfw"/Colin_Powell/Colin_Powell_000{1,2,3}.jpg "$P/2019/Trip to Paris/"
cp "$lfw/Colin_Powell/Colin_Powell_0004.jpg" "$P/2019/Trip to Paris/ünïcødé/Cölin #4 (copy) ☺.jpg"
cp "$lfw"/Tony_Blair/Tony_Blair_000{1,2,3}.jpg "$P/2020/nested/deeper/"
cp "$lfw/Tony_Blair/Tony_Blair_0004.jpg" "$P/2020/nested/-odd name  with  spaces.JPG"
cp "$lfw/Tony_Blair/Tony_Blair_0001.jpg" "$P/misc/dup of blair.jpg"          # byte-identical duplicate
cp "$SHARED/data/detection/dogs.jpg" "$P/misc/dogs.jpg"                      # no face
cp "$SHARED/data/group_photos/faceapi_bbt/bbt3.jpg" "$SHARED/data/group_photos/faceapi_bbt/bbt4.jpg" "$P/misc/"
echo "not a photo" > "$P/misc/notes.txt"
head -c 3000 /dev/urandom > "$P/misc/junk.bin"
# EXIF-rotated: the pixels are stored turned 90° left with Orientation 6 ("turn right to display");
# huge: a 3200×3200 photo
$PY - "$lfw/Colin_Powell/Colin_Powell_0005.jpg" "$P/2019/rotated.jpg" "$lfw/Tony_Blair/Tony_Blair_0005.jpg" \
    "$P/2020/huge.jpg" <<'PY'
import sys
from PIL import Image
src, dst, hsrc, hdst = sys.argv[1:5]
im = Image.open(src).convert("RGB")
ex = Image.Exif(); ex[0x0112] = 6
im.rotate(90, expand=True).save(dst, quality=95, exif=ex.tobytes())
Image.open(hsrc).convert("RGB").resize((3200, 3200), Image.LANCZOS).save(hdst, quality=85)
PY
find "$P" -type f -exec sha256sum {} + | sort > "$T/before.sha"
O=$T/people

# dry run: prints a plan, writes nothing
"$FC" group "$P" -o "$O" --dry-run "${models[@]}" --quiet > "$T/plan.txt" 2> "$T/dry.err"
rc=$?
check group_dry_run_exit "[ $rc -le 1 ]"
check group_dry_run_writes_nothing "[ ! -e '$O' ]"
check group_dry_run_plan "grep -q '^person_001: ' '$T/plan.txt' && grep -q -- '-> person_' '$T/plan.txt' && grep -q '^duplicate: ' '$T/plan.txt'"

# the real run
"$FC" group "$P" -o "$O" "${models[@]}" > "$T/run.out" 2> "$T/run.err"
rc=$?
check group_exit_partial_for_junk "[ $rc -eq 1 ] && grep -q 'junk.bin' '$T/run.err'"
check group_index_html "[ -s '$O/index.html' ]"
"$FC" people -o "$O" faces "$T/faces1.tsv"
"$FC" people -o "$O" list > "$T/list1.txt"
person_of() { awk -F'\t' -v p="$1" 'NR > 1 && index($1, p) { print $7; exit }' "$T/faces1.tsv"; }
c1=$(person_of "Colin_Powell_0001.jpg"); c4=$(person_of "Cölin #4 (copy) ☺.jpg"); cr=$(person_of "rotated.jpg")
b1=$(person_of "Tony_Blair_0001.jpg"); bo=$(person_of "-odd name  with  spaces.JPG"); bh=$(person_of "huge.jpg")
check group_same_person_grouped "[ -n '$c1' ] && [ '$c1' != 0 ] && [ '$(person_of Colin_Powell_0002.jpg)' = '$c1' ]"
check group_two_people_apart "[ -n '$b1' ] && [ '$b1' != 0 ] && [ '$b1' != '$c1' ]"
check group_unicode_name "[ '$c4' = '$c1' ] && [ -f '$O/person_$(printf %03d "$c1")/Cölin #4 (copy) ☺.jpg' ]"
check group_odd_name "[ '$bo' = '$b1' ] && [ -f '$O/person_$(printf %03d "$b1")/-odd name  with  spaces.JPG' ]"
check group_exif_rotated "[ '$cr' = '$c1' ]"
check group_huge_photo "[ '$bh' = '$b1' ]"
check group_duplicate_counted_once "! grep -q 'dup of blair' '$T/faces1.tsv' && grep -q 'dup of blair.jpg' '$O/index.html' && [ -z \"\$(find '$O' -name 'dup of blair.jpg')\" ]"
check group_noface_photo "! grep -q dogs.jpg '$T/faces1.tsv' && grep -q dogs.jpg '$O/index.html' && [ -z \"\$(find '$O' -name dogs.jpg)\" ]"
check group_txt_ignored "[ -z \"\$(find '$O' -name notes.txt)\" ]"
# cannot-link: no person holds two faces of one photo (bbt3/bbt4 have 5-6 people each)
check group_cannot_link "[ \$(awk -F'\t' 'NR > 1 && \$7 != 0 { print \$1 \"|\" \$7 }' '$T/faces1.tsv' | sort | uniq -d | wc -l) -eq 0 ]"
check group_group_photo_in_several_folders "[ \$(find '$O' -path '$O/.facecluster' -prune -o -name bbt3.jpg -print | wc -l) -ge 2 ]"
# hard links: same inode as the original; originals untouched
ino_o=$(stat -c %i "$P/2019/Trip to Paris/Colin_Powell_0001.jpg")
ino_l=$(stat -c %i "$O/person_$(printf %03d "$c1")/Colin_Powell_0001.jpg" 2>/dev/null)
check group_hard_links "[ '$ino_o' = '$ino_l' ]"

# index.html in headless Chromium: opens offline, every thumbnail loads, one row per person
npeople=$(($(wc -l < "$T/list1.txt") - 1))
if command -v chromium >/dev/null; then
    timeout 90 chromium --headless --no-sandbox --disable-gpu --allow-file-access-from-files --dump-dom \
        "file://$O/index.html" > "$T/dom.html" 2>/dev/null
    rows=$(grep -o '<tr class="person"' "$T/dom.html" | wc -l)
    check group_html_chromium "grep -q 'data-broken=\"0\"' '$T/dom.html' && [ $rows -eq $npeople ] && [ $rows -ge 2 ]"
    # the check can fail: a copy of the page with one thumbnail gone reports exactly one broken image
    mkdir -p "$T/pagecopy" && cp -r "$O/.facecluster" "$O/index.html" "$T/pagecopy/"
    rm -f "$(ls "$T/pagecopy/.facecluster/thumbs/"*.jpg | head -1)"
    timeout 90 chromium --headless --no-sandbox --disable-gpu --dump-dom "file://$T/pagecopy/index.html" \
        > "$T/dom2.html" 2>/dev/null
    check group_html_chromium_detects_broken "grep -q 'data-broken=\"1\"' '$T/dom2.html'"
else
    echo "SKIP group_html_chromium: skipped: chromium not found"
fi
check group_html_offline "! grep -Eq '(src|href)=\"(https?:)?//' '$O/index.html'"

# incremental: new photos of a known person join it; a new person gets a new number; nobody renumbered
mkdir -p "$P/2021"
cp "$lfw"/Colin_Powell/Colin_Powell_000{6,7}.jpg "$lfw"/Hugo_Chavez/Hugo_Chavez_000{1,2,3}.jpg "$P/2021/"
maxid=$(awk -F'\t' 'NR > 1 { print $1 }' "$T/list1.txt" | sort -n | tail -1)
"$FC" group "$P" -o "$O" "${models[@]}" --quiet 2> "$T/run2.err"
"$FC" people -o "$O" faces "$T/faces2.tsv"
moved=$($PY - "$T/faces1.tsv" "$T/faces2.tsv" <<'PY'
import sys
def load(p):
    return {(l.split("\t")[0], l.split("\t")[1]): int(l.rstrip("\n").split("\t")[6]) for l in list(open(p, encoding="utf-8"))[1:]}
a, b = load(sys.argv[1]), load(sys.argv[2])
print(sum(1 for k, v in a.items() if v and b.get(k) != v))
PY
)
check group_incremental_no_renumbering "[ '$moved' = 0 ]"
faces2() { awk -F'\t' -v p="$1" 'NR > 1 && index($1, p) { print $7; exit }' "$T/faces2.tsv"; }
check group_incremental_joins_known "[ '$(faces2 Colin_Powell_0006.jpg)' = '$c1' ] && [ '$(faces2 Colin_Powell_0007.jpg)' = '$c1' ]"
h1=$(faces2 Hugo_Chavez_0001.jpg)
check group_incremental_new_person "[ -n '$h1' ] && [ '$h1' -gt '$maxid' ] && [ '$(faces2 Hugo_Chavez_0002.jpg)' = '$h1' ]"

# other link modes into other folders (same store): symbolic links and copies
"$FC" group "$P" -o "$T/sym" --db "$O/.facecluster/faces.db" --link sym "${models[@]}" --quiet 2>/dev/null
"$FC" group "$P" -o "$T/copy" --db "$O/.facecluster/faces.db" --link copy "${models[@]}" --quiet 2>/dev/null
f=$(find "$T/sym" -name 'Colin_Powell_0001.jpg' | head -1); g=$(find "$T/copy" -name 'Colin_Powell_0001.jpg' | head -1)
check group_link_sym "[ -n '$f' ] && [ -L '$f' ] && cmp -s '$f' '$P/2019/Trip to Paris/Colin_Powell_0001.jpg'"
check group_link_copy "[ -n '$g' ] && [ ! -L '$g' ] && [ \$(stat -c %h '$g') -eq 1 ] && cmp -s '$g' '$P/2019/Trip to Paris/Colin_Powell_0001.jpg'"
# hard links across file systems fall back to copies, with a warning (/dev/shm is a tmpfs)
if [ -d /dev/shm ] && [ -w /dev/shm ] && [ "$(stat -c %d /dev/shm)" != "$(stat -c %d "$T")" ]; then
    X=$(mktemp -d /dev/shm/fc_e2e_group.XXXXXX)
    "$FC" group "$P" -o "$X/people" --db "$O/.facecluster/faces.db" "${models[@]}" 2> "$T/xdev.err" >/dev/null
    h=$(find "$X/people" -name 'Colin_Powell_0001.jpg' | head -1)
    check group_hardlink_fallback_copy "[ -n '$h' ] && [ \$(stat -c %h '$h') -eq 1 ] && grep -q 'copying instead' '$T/xdev.err' && cmp -s '$h' '$P/2019/Trip to Paris/Colin_Powell_0001.jpg'"
    rm -rf "$X"
else
    echo "SKIP group_hardlink_fallback_copy: skipped: no second file system at /dev/shm"
fi
# people: name -> named folder; merge -> one person fewer; originals never touched
"$FC" people -o "$O" list > "$T/listA.txt"
"$FC" people -o "$O" name "$c1" "Colin P./Powell" && \
check people_name_folder "[ -d '$O/Colin P._Powell' ] && [ ! -d '$O/person_$(printf %03d "$c1")' ] && grep -q 'Colin P./Powell' '$O/index.html'"
"$FC" people -o "$O" merge "$c1" "$b1" 2> "$T/merge.err"
"$FC" people -o "$O" list > "$T/list2.txt"
check people_merge "[ \$(wc -l < '$T/list2.txt') -eq \$(( \$(wc -l < '$T/listA.txt') - 1 )) ] && ! grep -q \"^$b1	\" '$T/list2.txt' && [ ! -d '$O/person_$(printf %03d "$b1")' ]"
"$FC" people -o "$O" name "$c1" ""            # back to the number
check people_usage_errors "! '$FC' people -o '$O' merge 1 1 2>/dev/null && ! '$FC' people -o '$O' name 9999 X 2>/dev/null && ! '$FC' people -o '$O' frob 2>/dev/null"

# the output may not live inside the photos
"$FC" group "$P" -o "$P/people" "${models[@]}" --quiet 2> "$T/inside.err"
check group_refuses_output_inside_photos "[ \$? -ne 0 ] && [ ! -e '$P/people' ] && grep -q outside '$T/inside.err'"
find "$P" -path "$P/2021" -prune -o -type f -print0 | xargs -0 sha256sum | sort > "$T/after.sha"
check group_originals_untouched "diff -q '$T/before.sha' '$T/after.sha' >/dev/null"
