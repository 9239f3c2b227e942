#!/usr/bin/env bash
# bench_group_eval.sh — the `facecluster group` proof on an LFW slice treated as an unlabelled photo folder:
# the first N_IMAGES images of LFW in directory order (whole person folders, read in place; identities are
# hidden from the tool and used only by scripts/group_score.py). Incremental check: group every other
# file of the slice (so most people's photos are split between the halves), then add the rest (run 2);
# compare with grouping everything at once (same store, people cleared) by ARI, and check that no person of
# run 1 was renumbered.
# Usage: bench/bench_group_eval.sh [N_IMAGES=2000] [WORKDIR=/tmp/fc_group_eval]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
FC=${FC_BIN:-$root/build/facecluster}
SHARED=${FC_SHARED:-$root/../shared}
PY=/usr/bin/python3
N=${1:-2000}
W=${2:-/tmp/fc_group_eval}
lfw=$SHARED/data/lfw
[ -d "$lfw" ] || { echo "SKIP bench_group_eval: skipped: $lfw not found"; exit 0; }
lfw=$(cd "$lfw" && pwd -P)
rm -rf "$W" && mkdir -p "$W"
# the slice: whole person folders in sorted order until N images
$PY - "$lfw" "$N" "$W" <<'PY'
import os, sys
root, n, w = sys.argv[1], int(sys.argv[2]), sys.argv[3]
dirs = sorted(d for d in os.listdir(root) if os.path.isdir(os.path.join(root, d)))
a, b, tot, used = [], [], 0, []
for d in dirs:
    fs = sorted(os.listdir(os.path.join(root, d)))
    for f in fs:  # alternate over the whole slice: every person's photos are split between the halves
        (a if (len(a) + len(b)) % 2 == 0 else b).append(os.path.join(root, d, f))
    tot += len(fs); used.append(d)
    if tot >= n: break
open(os.path.join(w, "half1.txt"), "w").write("\n".join(a) + "\n")
open(os.path.join(w, "all.txt"), "w").write("\n".join(a + b) + "\n")
print(f"slice: {tot} images of {len(used)} people ({used[0]} .. {used[-1]}); half 1: {len(a)} images", file=sys.stderr)
PY
mapfile -t H1 < "$W/half1.txt"
# a store already holding some of half 1's faces may seed run 1 (embedding is resumable; saves time)
[ -n "${FC_GROUP_SEED_DB:-}" ] && [ -f "$FC_GROUP_SEED_DB" ] && cp "$FC_GROUP_SEED_DB" "$W/inc.db"
mapfile -t ALL < "$W/all.txt"
models=()
[ -d "$root/models" ] && models=(--models "$root/models")
t0=$(date +%s.%N)
"$FC" group "${H1[@]}" -o "$W/inc" --db "$W/inc.db" "${models[@]}" --quiet || [ $? -eq 1 ]
t1=$(date +%s.%N)
"$FC" people --db "$W/inc.db" faces "$W/run1.tsv"
"$FC" group "${ALL[@]}" -o "$W/inc" --db "$W/inc.db" "${models[@]}" --quiet || [ $? -eq 1 ]
t2=$(date +%s.%N)
"$FC" people --db "$W/inc.db" faces "$W/inc.tsv"
cp "$W/inc.db" "$W/all.db"
sqlite3 "$W/all.db" "DELETE FROM person_faces; DELETE FROM people; DELETE FROM sqlite_sequence WHERE name='people';"
"$FC" group "${ALL[@]}" -o "$W/all" --db "$W/all.db" "${models[@]}" --quiet || [ $? -eq 1 ]
t3=$(date +%s.%N)
"$FC" people --db "$W/all.db" faces "$W/all.tsv"
echo "== all at once ($(wc -l < "$W/all.txt") photos; group wall $(echo "$t3 - $t2" | bc) s without embedding)"
$PY "$root/scripts/group_score.py" "$W/all.tsv" "$lfw"
echo "== incremental: half ($(echo "$t1 - $t0" | bc) s incl. embedding), then all ($(echo "$t2 - $t1" | bc) s)"
$PY "$root/scripts/group_score.py" "$W/inc.tsv" "$lfw" --ari-vs "$W/all.tsv"
# no renumbering: every face person run 1 gave keeps that person in run 2
$PY - "$W/run1.tsv" "$W/inc.tsv" <<'PY'
import sys
def load(p):
    d = {}
    for line in list(open(p, encoding="utf-8"))[1:]:
        f = line.rstrip("\n").split("\t"); d[(f[0], f[1])] = int(f[6])
    return d
a, b = load(sys.argv[1]), load(sys.argv[2])
moved = sum(1 for k, v in a.items() if v and b.get(k) != v)
print(f"faces of run-1 people\t{sum(1 for v in a.values() if v)}\nrenumbered or moved\t{moved}")
PY
