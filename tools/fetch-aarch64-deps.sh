#!/usr/bin/env bash
# Unpacks Catch2 3 for arm64 (bookworm-backports' libcatch2-dev) into .deps/aarch64 for the aarch64 cross build
# (cmake/toolchains/aarch64-linux-gnu.cmake), without touching the system's apt state or adding an architecture.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=.deps/aarch64
STAMP="$DEST/.installed-catch2"
[ -f "$STAMP" ] && exit 0
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
. tools/private-apt.sh
echo "fetch-aarch64-deps: downloading libcatch2-dev (arm64) into $DEST"
rm -rf "$DEST"
private_apt_download "$PWD/.deps/apt-arm64" \
  "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR bookworm-backports main" "$DEST" \
  -o APT::Architectures::=arm64 -o APT::Architecture=arm64 -- libcatch2-dev/bookworm-backports
touch "$STAMP"
