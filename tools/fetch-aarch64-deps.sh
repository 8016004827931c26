#!/usr/bin/env bash
# Unpacks Catch2 3 for arm64 (bookworm-backports' libcatch2-dev) into .deps/aarch64 for the aarch64 cross build
# (cmake/toolchains/aarch64-linux-gnu.cmake), without touching the system's apt state or adding an architecture.
set -euo pipefail
cd "$(dirname "$0")/.."
DEST=.deps/aarch64
STAMP="$DEST/.installed-catch2"
[ -f "$STAMP" ] && exit 0
APTX=$PWD/.deps/apt-arm64
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
rm -rf "$APTX" "$DEST"
mkdir -p "$APTX/lists/partial" "$APTX/debs" "$APTX/empty" "$DEST"
echo "deb [arch=arm64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR bookworm-backports main" > "$APTX/sources.list"
O=(-o Dir::Etc::SourceList="$APTX/sources.list" -o Dir::Etc::SourceParts="$APTX/empty"
   -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$APTX/empty"
   -o Dir::State::Lists="$APTX/lists" -o Dir::Cache="$APTX/cache"
   -o APT::Architectures::=arm64 -o APT::Architecture=arm64 -o APT::Sandbox::User=root -q)
echo "fetch-aarch64-deps: downloading libcatch2-dev (arm64) into $DEST"
apt-get "${O[@]}" update >/dev/null
(cd "$APTX/debs" && apt-get "${O[@]}" download libcatch2-dev/bookworm-backports)
for f in "$APTX"/debs/*.deb; do dpkg -x "$f" "$DEST"; done
rm -rf "$APTX"
touch "$STAMP"
