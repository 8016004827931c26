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
MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
. tools/private-apt.sh
echo "fetch-xsimd: downloading libxsimd-dev $XSIMD_VER and xtl-dev $XTL_VER into $DEST"
rm -rf "$DEST"
private_apt_download "$PWD/.deps/apt" "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $MIRROR trixie main" \
  "$DEST" -- "libxsimd-dev=$XSIMD_VER" "xtl-dev=$XTL_VER"
touch "$STAMP"
