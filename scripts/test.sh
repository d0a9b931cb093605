#!/usr/bin/env bash
# Installs what camroll needs (scripts/setup.sh), builds it and runs every test suite.
# Idempotent. With --sanitize, builds and tests under ASan + UBSan (preset asan-ubsan).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
preset=debug
[[ ${1:-} == --sanitize ]] && preset=asan-ubsan
./scripts/setup.sh
cmake --preset "$preset" >/dev/null
cmake --build --preset "$preset"
ctest --preset "$preset"
