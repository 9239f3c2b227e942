#!/usr/bin/env bash
# bench_embed.sh — end-to-end `embed` throughput on a slice of LFW (decode → MTCNN → align → MobileFaceNet →
# SQLite) with all cores, and where the time goes. N photos (default 400; BENCH_EMBED_N overrides), fresh store.
# decode/detect/align/embed are summed over worker threads, so their shares are shares of the work.
set -u
FC=${FC_BIN:-build/facecluster}
SH=${FC_SHARED:-../shared}
N=${BENCH_EMBED_N:-400}
if [ ! -d "$SH/data/lfw" ]; then echo "skipped: $SH/data/lfw not found"; exit 0; fi
T=$(mktemp -d /tmp/fc_bench_embed.XXXXXX)
trap 'rm -rf "$T"' EXIT
for flip in "" "--flip"; do
    FC_EMBED_TIMES=1 "$FC" embed "$SH/data/lfw" --db "$T/b$flip.db" --labels folder --limit "$N" --quiet $flip \
        2>"$T/err" || true
    line=$(grep '^times:' "$T/err")
    set -- $line
    # times: wall W detect_phase P decode D detect E align A embed M store S
    wall=$3 dec=$7 det=$9 ali=${11} emb=${13} sto=${15}
    awk -v n="$N" -v w="$wall" -v a="$dec" -v b="$det" -v c="$ali" -v d="$emb" -v s="$sto" -v f="${flip:-plain}" \
        -v cores="$(nproc)" -v load="$(cut -d' ' -f1 /proc/loadavg)" 'BEGIN {
        t = a + b + c + d;
        if (f == "plain") printf "%-8s %6s %8s %9s %12s %7s %7s %7s %7s %7s %6s\n", "variant", "photos", "wall s", "photos/s",
            "CPU ms/photo", "decode", "detect", "align", "embed", "store", "load";
        printf "%-8s %6d %8.1f %9.2f %12.1f %6.1f%% %6.1f%% %6.1f%% %6.1f%% %6.1fs %6s\n", f, n, w, n / w, 1000 * t / n,
            100 * a / t, 100 * b / t, 100 * c / t, 100 * d / t, s, load }'
done
echo "(CPU ms/photo: worker CPU time per photo; cores / that = the throughput of an otherwise idle machine)"
echo "(threads = $(nproc) cores; photos 150x150 LFW JPEGs; 'load' is the machine's 1-minute load average: other"
echo " processes share the cores, so photos/s is a lower bound when load > cores)"
