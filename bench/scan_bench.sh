#!/usr/bin/env bash
# The scan benchmark: per-photo cost, images/s on 1 and 2 threads and peak RSS of
# `camroll scan` on 12 MP phone-like JPEGs, and in the same run
#   - the baseline of a user's script: vipsthumbnail to 256 px and to 1440 px, plus exiftool
#     for the metadata, the files split across as many processes as threads;
#   - the machine's JPEG decode limit: libjpeg-turbo decoding the same files at 1/2 scale;
#   - camroll with its libvips decoder instead of libjpeg-turbo (--decoder vips);
#   - camroll with the models on (objects, text, sensitive content), and with face grouping too
#     (--faces): the models are installed into $BUILD/models first.
# Prints a Markdown table (docs/benchmarks.md keeps the results).
#
#   bench/scan_bench.sh [COUNT]      (default 48 photos; BUILD=build/release)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/release}
count=${1:-48}
photos=$build/bench-photos-$count

cmake --preset release >/dev/null
cmake --build "$build" --target camroll jpeg_decode_limit >/dev/null
"$build/src/cli/camroll" models install --models "$build/models" >/dev/null
python3 "$root/bench/make_bench_photos.py" "$photos" --count "$count" >&2
camroll=$build/src/cli/camroll
limit_tool=$build/bench/jpeg_decode_limit
mapfile -t files < <(ls "$photos"/*.jpg)
mb=$(du -cm "${files[@]}" | tail -1 | cut -f1)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A user's data folder already holds the geocoder's index after the first run: build it once,
# from a scan of one photo with GPS (the geocoder is only opened when a photo needs a place).
mkdir -p "$work/one" && cp "${files[0]}" "$work/one/"
"$camroll" scan "$work/one" --data "$work/warm" --models "$work/no-models" -q >/dev/null 2>&1
[[ -n $(ls "$work/warm/cache/geo" 2>/dev/null) ]] || { echo "no geocoder cache was made" >&2; exit 1; }
rm -rf "$work/warm/thumbs"

# run LABEL THREADS CMD...: times CMD, prints a table row.
run() {
  local label=$1 threads=$2
  shift 2
  sync
  /usr/bin/time -f "%e %M" -o "$work/time" "$@" >/dev/null 2>"$work/err" || {
    cat "$work/err" >&2
    return 1
  }
  read -r secs rss <"$work/time"
  awk -v l="$label" -v t="$threads" -v s="$secs" -v r="$rss" -v n="$count" \
    'BEGIN { printf "| %s | %d | %.2f | %.1f | %.1f | %d |\n", l, t, s, n / s, 1000 * s * t / n, r / 1024 }'
}

baseline() {  # THREADS: vipsthumbnail x2 + exiftool over the files, in THREADS processes
  local threads=$1 per=$(((count + $1 - 1) / $1))
  mkdir -p "$work/vt"
  printf '%s\n' "${files[@]}" | xargs -P "$threads" -n "$per" sh -c '
    out=$0
    vipsthumbnail -s 256 -o "$out/%s_256.jpg[Q=82]" "$@" &&
    vipsthumbnail -s 1440 -o "$out/%s_1440.jpg[Q=82]" "$@" &&
    exiftool -q -q -json -fast "$@" >/dev/null' "$work/vt"
}

scan() {  # THREADS DECODER MODELS_DIR [FLAGS...]: a first scan into a fresh catalog
  rm -rf "$work/data" && cp -r "$work/warm" "$work/data" && rm -f "$work/data/catalog.db"*
  rm -rf "$work/data/thumbs"
  "$camroll" scan "$photos" --data "$work/data" --threads "$1" --decoder "$2" --models "$3" -q "${@:4}"
}

echo "$count photos, 4032x3024, $((mb / count)) MB each on average; $(nproc) CPUs ($(lscpu | sed -n 's/^Model name: *//p'))"
echo
echo "| what | threads | seconds | images/s | ms per image per thread | peak RSS MiB |"
echo "|---|---|---|---|---|---|"
for t in 1 2; do
  limit=$("$limit_tool" "$t" "${files[@]}")
  awk -v t="$t" -v r="$limit" -v n="$count" \
    'BEGIN { printf "| decode limit: libjpeg-turbo 1/2 scale, decode only | %d | %.2f | %.1f | %.1f | – |\n", t, n / r, r, 1000 * t / r }'
  export -f baseline
  export count work
  run "baseline: vipsthumbnail 256 + 1440, exiftool" "$t" bash -c "files=(${files[*]}); $(declare -f baseline); baseline $t"
  # Without models (a folder that holds none): the scan alone.
  run "camroll scan (libjpeg-turbo planes)" "$t" bash -c "$(declare -f scan); camroll=$camroll photos=$photos work=$work; scan $t turbo $work/no-models 2>/dev/null"
  run "camroll scan --decoder vips" "$t" bash -c "$(declare -f scan); camroll=$camroll photos=$photos work=$work; scan $t vips $work/no-models 2>/dev/null"
  run "camroll scan, models on (objects, text, sensitive)" "$t" bash -c "$(declare -f scan); camroll=$camroll photos=$photos work=$work; scan $t turbo $build/models"
  run "camroll scan, models on, --faces" "$t" bash -c "$(declare -f scan); camroll=$camroll photos=$photos work=$work; scan $t turbo $build/models --faces"
done
