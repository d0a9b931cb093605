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

# The members of an npm tarball worth unpacking (default: all of it).
members_of() {
  case $1 in
    # ONNX Runtime for Unity carries every platform's build: keep Linux x64 and the C/C++ headers.
    com.github.asus4.onnxruntime)
      echo "package/LICENSE package/ThirdPartyNotices.txt package/Plugins/Linux/x64/*.so"
      echo "package/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers/*"
      ;;
    *) echo "package" ;;
  esac
}

# Gives a package the layout the build expects.
arrange() {
  local name=$1 dest=$2
  case $name in
    com.github.asus4.onnxruntime)
      mkdir -p "$dest/include" "$dest/lib"
      mv "$dest"/Plugins/iOS~/onnxruntime.xcframework/ios-arm64/onnxruntime.framework/Headers/* "$dest/include/"
      mv "$dest"/Plugins/Linux/x64/*.so "$dest/lib/"
      ln -sf libonnxruntime.so "$dest/lib/libonnxruntime.so.1"  # its SONAME
      rm -rf "$dest/Plugins"
      ;;
  esac
}

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
    npm) (set -f; tar -xzf "$file" -C "$dest" --strip-components=1 --no-same-owner \
            --wildcards $(members_of "$name")) ;;
    deb) dpkg-deb -x "$file" "$dest" ;;
  esac
  arrange "$name" "$dest"
  echo "$sha" > "$dest/.camroll-sha256"
  rm -rf "$work"
  echo "fetch-packages: $name@$version ok"
}

while read -r kind name version sha _; do
  [[ -z ${kind:-} || $kind == \#* || $kind == model ]] && continue
  fetch_one "$kind" "$name" "$version" "$sha"
done < "$lock"

# JavaScript for the tests (the reference tus client, the browser driver): `npm ci` from the
# committed lock file, which pins every version and integrity hash. Skipped when that lock file
# is what is installed already.
js=$root/tests/js
lock_sha=$(sha256sum "$js/package-lock.json" | cut -d' ' -f1)
if [[ ! -f $js/node_modules/.camroll-lock-sha256 || $(cat "$js/node_modules/.camroll-lock-sha256") != "$lock_sha" ]]; then
  (cd "$js" && npm ci --ignore-scripts --no-audit --no-fund --silent)
  echo "$lock_sha" > "$js/node_modules/.camroll-lock-sha256"
  echo "fetch-packages: tests/js node modules ok"
fi
