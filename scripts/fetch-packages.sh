#!/usr/bin/env bash
# Downloads the pinned packages in third_party/packages.lock, checks each sha256 and unpacks it
# under .deps/ (or $CAMROLL_DEPS_DIR). Idempotent: a package whose stamp matches is skipped.
# npm packages come from the npm registry (`npm pack`), data packages from Debian
# (`apt-get download`, unpacked with dpkg-deb, not installed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
deps=${CAMROLL_DEPS_DIR:-$root/.deps}
lock=$root/third_party/packages.lock
mkdir -p "$deps/download"

fetch_one() {
  local kind=$1 name=$2 version=$3 sha=$4
  local dest=$deps/$kind/${name#@*/}
  [[ $name == @* ]] && dest=$deps/$kind/${name##*/}
  if [[ -f $dest/.camroll-sha256 && $(cat "$dest/.camroll-sha256") == "$sha" ]]; then
    return 0
  fi
  local work
  work=$(mktemp -d "$deps/download/tmp.XXXXXX")
  chmod 755 "$work"  # apt downloads as the _apt user
  local file
  case $kind in
    npm)
      (cd "$work" && npm pack --silent "$name@$version" >/dev/null)
      file=$(ls "$work"/*.tgz)
      ;;
    deb)
      (cd "$work" && apt-get download -qq "$name=$version" >/dev/null)
      file=$(ls "$work"/*.deb)
      ;;
    *) echo "unknown package kind $kind" >&2; exit 1 ;;
  esac
  local got
  got=$(sha256sum "$file" | cut -d' ' -f1)
  if [[ $got != "$sha" ]]; then
    echo "fetch-packages: sha256 mismatch for $name@$version: expected $sha, got $got" >&2
    rm -rf "$work"
    exit 1
  fi
  rm -rf "$dest" && mkdir -p "$dest"
  case $kind in
    npm) tar -xzf "$file" -C "$dest" --strip-components=1 ;;
    deb) dpkg-deb -x "$file" "$dest" ;;
  esac
  echo "$sha" > "$dest/.camroll-sha256"
  rm -rf "$work"
  echo "fetch-packages: $name@$version ok"
}

while read -r kind name version sha _; do
  [[ -z ${kind:-} || $kind == \#* ]] && continue
  fetch_one "$kind" "$name" "$version" "$sha"
done < "$lock"
