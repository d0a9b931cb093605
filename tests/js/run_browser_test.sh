#!/usr/bin/env bash
# Runs tests/js/browser_test.mjs against a fresh `camroll serve` on a free port.
#   tests/js/run_browser_test.sh [SCREENSHOT_DIR] [ROLL_DIR]
# SCREENSHOT_DIR defaults to build/debug/web-screenshots; ROLL_DIR to a ~20-file subset of the
# generated sample roll (build/debug/sample-roll/roll: a birthday, a day in Évora and a beach day).
# CAMROLL (the binary) defaults to build/debug/src/cli/camroll, CAMROLL_SAMPLE_ROLL to
# build/debug/sample-roll/roll. CAMROLL_MODELS_DIR is the models folder (`camroll models
# install`) the server runs with; without it the server gets none, finds no faces, and the
# People steps (face grouping on, rename, merge, split, hide, off) are skipped. Extra arguments
# for the test go in BROWSER_TEST_ARGS (e.g. "--upload tus").
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
camroll="${CAMROLL:-$root/build/debug/src/cli/camroll}"
out="${1:-$root/build/debug/web-screenshots}"
roll="${2:-}"
work="$(mktemp -d /tmp/camroll-browser-test.XXXXXX)"
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

[[ -x "$camroll" ]] || { echo "no camroll binary at $camroll (build it, or set CAMROLL)" >&2; exit 2; }

if [[ -z "$roll" ]]; then
  sample="${CAMROLL_SAMPLE_ROLL:-$root/build/debug/sample-roll/roll}/DCIM/Camera"
  [[ -d "$sample" ]] || { echo "no sample roll at $sample (python3 tools/make_sample_roll.py)" >&2; exit 2; }
  roll="$work/roll"
  mkdir -p "$roll/DCIM/Camera"
  for pattern in 'PXL_20260418_*' 'PXL_20260516_*' 'PXL_20260712_*' 'VID_20260712_*' 'PXL_20260208_*' 'PXL_20260822_*'; do
    cp "$sample"/$pattern "$roll/DCIM/Camera/"
  done
fi

models="${CAMROLL_MODELS_DIR:-}"
people_args=()
if [[ -n "$models" ]]; then
  [[ -f "$models/manifest.json" ]] || { echo "CAMROLL_MODELS_DIR=$models holds no models (camroll models install --models $models)" >&2; exit 2; }
  people_args=(--people on)
else
  echo "note: CAMROLL_MODELS_DIR is not set: the server runs without models and the People steps are skipped"
  models=/nonexistent
fi

port="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
password='correct horse battery staple'
token="$(printf '%s\n' "$password" | "$camroll" admin --data "$work/data" create-user ana --password-stdin)"
"$camroll" serve --data "$work/data" --listen "127.0.0.1:$port" --process-delay 0 --models "$models" \
  --web "$root/web" >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/v1/notices" >/dev/null 2>&1 && break
  sleep 0.1
done

status=0
node "$here/browser_test.mjs" --server "http://127.0.0.1:$port" --user ana --password "$password" \
  --camroll "$camroll" --roll "$roll" --token "$token" --out "$out" "${people_args[@]}" ${BROWSER_TEST_ARGS:-} || status=$?
if [[ $status -ne 0 ]]; then
  echo "--- server log (last 40 lines) ---" >&2
  tail -n 40 "$work/server.log" >&2
fi
exit $status
