#!/usr/bin/env bash
# Machine set-up for building and testing attention-wasm: apt packages, xsimd 13 in .deps/, npm packages.
# Idempotent and quick when everything is there; it does not build the project (tools/build.sh does).
set -euo pipefail
cd "$(dirname "$0")/.."

# fonts-wqy-microhei: a small CJK font (1.6 MB download, 5 MB installed, ≈5 s) so that Chromium draws the page's
# Chinese as glyphs, not boxes, in the browser tests' screenshots.
APT_PACKAGES=(emscripten binaryen libcatch2-dev chromium g++-aarch64-linux-gnu qemu-user fonts-wqy-microhei)

need_apt() {
  command -v em++ >/dev/null 2>&1 || return 0
  command -v wasm-opt >/dev/null 2>&1 || return 0
  [ -x /usr/bin/chromium ] || return 0
  [ -f /usr/include/catch2/catch_test_macros.hpp ] || return 0
  command -v aarch64-linux-gnu-g++ >/dev/null 2>&1 || return 0
  command -v qemu-aarch64 >/dev/null 2>&1 || return 0
  [ -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ] || return 0
  return 1
}

manual_instructions() {
  cat >&2 <<'MSG'
tools/setup.sh installs packages automatically only on Debian 12 (bookworm) as root.
On this machine, install these yourself and re-run:
  - Emscripten (emsdk: https://emscripten.org/docs/getting_started/downloads.html), with em++ on PATH
  - xsimd >= 13 headers (with CMake config), e.g. into .deps/xsimd/usr or set xsimd_DIR
  - Catch2 v3 (with CMake config)
  - Chromium or Chrome; set CHROMIUM=/path/to/binary if it is not /usr/bin/chromium
  - g++-aarch64-linux-gnu and qemu-user (the aarch64 cross build's tests), Catch2 3 for arm64 in .deps/aarch64
  - a CJK font for Chromium (e.g. WenQuanYi Micro Hei or Noto Sans CJK), for the Chinese page's screenshots
  - Node.js >= 20, then: npm ci
MSG
}

if need_apt; then
  if [ ! -f /etc/debian_version ] || [ "$(id -u)" != 0 ] || ! grep -q '^12' /etc/debian_version; then
    manual_instructions
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  MIRROR=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources)
  if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
    # Catch2 3 lives in bookworm-backports; backports is NotAutomatic, so nothing else is taken from it unasked.
    printf 'Types: deb\nURIs: %s\nSuites: bookworm-backports\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$MIRROR" > /etc/apt/sources.list.d/bookworm-backports.sources
  fi
  echo "setup: installing ${APT_PACKAGES[*]} (apt, no recommends)"
  apt-get update -q
  apt-get install -y -q --no-install-recommends emscripten binaryen libcatch2-dev/bookworm-backports chromium \
    g++-aarch64-linux-gnu qemu-user fonts-wqy-microhei
fi

./tools/fetch-xsimd.sh
./tools/fetch-aarch64-deps.sh  # Catch2 for the aarch64 cross build's tests

# npm packages (playwright-core, typescript, …): reinstalled when package-lock.json's content changed since the last
# install (a stamp of its hash; a fresh checkout's newer mtime alone does not trigger a reinstall).
lock_hash=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ "$(cat node_modules/.attn-lock-sha256 2>/dev/null)" != "$lock_hash" ]; then
  npm ci --no-audit --no-fund
  echo "$lock_hash" > node_modules/.attn-lock-sha256
fi
