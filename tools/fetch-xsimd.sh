#!/usr/bin/env bash
# Unpacks Debian trixie's xsimd 13 and xtl (header-only) into .deps/xsimd without touching the system's apt state.
# Idempotent (a stamp file); bookworm's own xsimd 8 has no WebAssembly arch, and a system-wide trixie source is unsafe.
set -euo pipefail
cd "$(dirname "$0")/.."
XSIMD_VER=13.2.0-1
XTL_VER=0.7.7-1
DEST=.deps/xsimd
STAMP="$DEST/.installed-$XSIMD_VER-$XTL_VER"
[ -f "$STAMP" ] && exit 0
command -v apt-get >/dev/null && command -v dpkg >/dev/null || {
  echo "fetch-xsimd: needs apt-get and dpkg (Debian); otherwise install xsimd >= 13 and xtl into $DEST/usr yourself" >&2; exit 1; }
APTX=$PWD/.deps/apt
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
rm -rf "$APTX" "$DEST"
mkdir -p "$APTX/lists/partial" "$APTX/debs" "$APTX/empty" "$DEST"
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" > "$APTX/sources.list"
O=(-o Dir::Etc::SourceList="$APTX/sources.list" -o Dir::Etc::SourceParts="$APTX/empty"
   -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$APTX/empty"
   -o Dir::State::Lists="$APTX/lists" -o Dir::Cache="$APTX/cache"
   -o APT::Sandbox::User=root -q)
echo "fetch-xsimd: downloading libxsimd-dev $XSIMD_VER and xtl-dev $XTL_VER into $DEST"
apt-get "${O[@]}" update >/dev/null
(cd "$APTX/debs" && apt-get "${O[@]}" download "libxsimd-dev=$XSIMD_VER" "xtl-dev=$XTL_VER")
for f in "$APTX"/debs/*.deb; do dpkg -x "$f" "$DEST"; done
rm -rf "$APTX"
touch "$STAMP"
