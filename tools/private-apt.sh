# Sourced by tools/fetch-*.sh: apt-get with its own sources, lists and cache under a scratch folder, so packages of
# another release or architecture can be downloaded and unpacked without touching the system's apt state.
# Usage: private_apt_download <scratch dir> <sources.list line> <dest dir> [apt -o options…] -- <package…>
private_apt_download() {
  local aptx=$1 source_line=$2 dest=$3
  shift 3
  local extra=()
  while [ "$1" != -- ]; do extra+=("$1"); shift; done
  shift
  rm -rf "$aptx"
  mkdir -p "$aptx/lists/partial" "$aptx/debs" "$aptx/empty" "$dest"
  echo "$source_line" > "$aptx/sources.list"
  local o=(-o Dir::Etc::SourceList="$aptx/sources.list" -o Dir::Etc::SourceParts="$aptx/empty"
    -o Dir::Etc::Preferences=/dev/null -o Dir::Etc::PreferencesParts="$aptx/empty"
    -o Dir::State::Lists="$aptx/lists" -o Dir::Cache="$aptx/cache" -o APT::Sandbox::User=root -q "${extra[@]}")
  apt-get "${o[@]}" update >/dev/null
  (cd "$aptx/debs" && apt-get "${o[@]}" download "$@")
  for f in "$aptx"/debs/*.deb; do dpkg -x "$f" "$dest"; done
  rm -rf "$aptx"
}
