#!/usr/bin/env bash
# End-to-end: a face store (.db) from `facecluster embed --labels folder` goes straight into `cluster` and
# `evaluate` (which then takes the store's own identities when --truth is left out), and gives the same
# rows as `export`.
set -u
FC_BIN=${FC_BIN:-build/facecluster}
SHARED=${FC_SHARED:-../shared}
PY=/usr/bin/python3
P=$SHARED/data/personal
if [ ! -d "$P/biden" ] || [ ! -d "$P/alex_lacamoire" ]; then
    echo "SKIP e2e_store_inputs: skipped: $P not found"
    exit 0
fi
if ! "$FC_BIN" model check >/dev/null 2>&1; then
    echo "SKIP e2e_store_inputs: skipped: models not found, run scripts/fetch_models.sh"
    exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/photos"
ln -s "$(cd "$P/biden" && pwd)" "$tmp/photos/biden"
ln -s "$(cd "$P/alex_lacamoire" && pwd)" "$tmp/photos/alex_lacamoire"
"$FC_BIN" embed "$tmp/photos" --db "$tmp/f.db" --labels folder --quiet 2>"$tmp/embed.err"
rc=$?
if [ $rc -ne 0 ]; then echo "FAIL e2e_store_embed: exit $rc: $(head -c 300 "$tmp/embed.err")"; exit 0; fi
echo "PASS e2e_store_embed"

"$FC_BIN" evaluate --emb "$tmp/f.db" --methods dbscan --eps 0.9 --min-samples 1 --runs 3 --format tsv \
    --quiet -o "$tmp/ev.tsv" 2>"$tmp/ev.err"
rc=$?
"$FC_BIN" export --db "$tmp/f.db" --npy "$tmp/e.npy" --truth "$tmp/t.txt" >/dev/null 2>&1
"$FC_BIN" cluster --emb "$tmp/f.db" --method dbscan --eps 0.9 --min-samples 1 --quiet -o "$tmp/l_db.txt" 2>/dev/null
"$FC_BIN" cluster --emb "$tmp/e.npy" --method dbscan --eps 0.9 --min-samples 1 --quiet -o "$tmp/l_npy.txt" 2>/dev/null
if [ $rc -ne 0 ]; then
    echo "FAIL e2e_store_evaluate: exit $rc: $(head -c 300 "$tmp/ev.err")"
else
    "$PY" - "$tmp" <<'PYEOF'
import csv, sys
tmp = sys.argv[1]
rows = [r for r in csv.DictReader(open(f"{tmp}/ev.tsv"), delimiter="\t")]
ari = [float(v) for r in rows for k, v in r.items() if k and k.lower() in ("ari", "ari_mean")]
ok = len(rows) == 1 and ari and ari[0] > 0.9
print(("PASS" if ok else "FAIL") + " e2e_store_evaluate" + ("" if ok else f": rows={rows}"))
PYEOF
fi
if [ -s "$tmp/l_db.txt" ] && cmp -s "$tmp/l_db.txt" "$tmp/l_npy.txt"; then echo "PASS e2e_store_cluster_same_as_export"
else echo "FAIL e2e_store_cluster_same_as_export: labels from the .db differ from the exported .npy's"; fi
"$FC_BIN" evaluate --emb "$tmp/e.npy" --quiet >/dev/null 2>&1
[ $? -eq 2 ] && echo "PASS e2e_store_truth_required_for_npy" || echo "FAIL e2e_store_truth_required_for_npy: expected exit 2"
