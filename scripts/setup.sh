#!/usr/bin/env bash
# Installs everything camroll needs on Debian 12 (as root, or with sudo available), then the pinned
# packages of third_party/packages.lock. Idempotent: installed packages are not fetched again.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

debian_packages=(
  # build and test
  build-essential cmake ninja-build ccache pkg-config git clang-format
  libgtest-dev libgmock-dev libbenchmark-dev
  # media: decode, metadata, video
  libvips-dev libexiv2-dev libturbojpeg0-dev libjpeg62-turbo-dev libheif-dev
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev
  # storage, crypto, formats, CLI
  libsqlite3-dev libssl-dev nlohmann-json3-dev libcli11-dev libfmt-dev zlib1g-dev
  # the server: HTTP, passwords and keys; the web app's tests drive a real browser
  libcpp-httplib-dev libsodium-dev chromium curl
  # models: ONNX protobuf classes for the tfjs -> ONNX converter (ONNX Runtime comes pinned
  # from npm, see third_party/packages.lock)
  libonnx-dev libprotobuf-dev
  # rendering ideas: image filters, text and compositing
  libopencv-core-dev libopencv-imgproc-dev libopencv-photo-dev libcairo2-dev libpango1.0-dev
  # data: country names (ISO 3166), fonts
  iso-codes fonts-dejavu-core fonts-noto-core
  # the sample roll generator and the benchmark baseline
  python3 libheif-examples ffmpeg libimage-exiftool-perl libvips-tools time
  ca-certificates xz-utils
)
# npm fetches the pinned npm packages. Some machines carry a Node.js build that bundles npm
# (NodeSource); Debian splits it into nodejs + npm.
if ! command -v npm >/dev/null 2>&1; then debian_packages+=(nodejs npm); fi

sudo_cmd=()
if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi

missing=()
for p in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# apt-get download (data packages) needs fresh package lists as well.
if [[ ${#missing[@]} -gt 0 || ! -d /var/lib/apt/lists || -z $(ls /var/lib/apt/lists/*Packages* 2>/dev/null | head -1) ]]; then
  "${sudo_cmd[@]}" apt-get update -qq
fi
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup: installing ${missing[*]}"
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

"$root/scripts/fetch-packages.sh"
