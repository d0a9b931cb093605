#!/usr/bin/env node
// ml_tfjs_bench.mjs — speed of the tfjs graph models in TensorFlow.js 4.22.0 under
// Node, with the 'cpu' backend (pure JS) and the 'wasm' backend (XNNPACK, SIMD), as the
// baseline for the C++ ONNX Runtime path. Same model table and same input tensor as the
// golden files (tools/golden/tfjs_models.mjs).
//
// Setup (once; needs only the npm registry):
//   (cd tools/golden && npm ci)
// Run (from the repository root):
//   node bench/ml_tfjs_bench.mjs --human-models DIR --nsfwjs DIR \
//       [--input src/ml/testdata/golden_input.png] [--runs 10] [--warmup 2] \
//       [--backend cpu|wasm]... [--model NAME]... [--wasm-threads N] [--json FILE]
//
// Per model and backend: load the model, build the input tensor once, run
// `warmup` untimed inferences, then `runs` timed ones; each timed run is
// model.execute() + reading back every output (dataSync) + disposing the outputs.
// Reported: median ms per image (also min/max in the JSON). Image decoding and
// tensor construction are not timed.
//
// Threads: the tfjs cpu backend is single-threaded JavaScript. tfjs-backend-wasm 4.22
// disables its multi-threaded binary under Node (WASM_HAS_MULTITHREAD_SUPPORT is false
// when IS_NODE, tensorflow/tfjs#3830; forcing it fails because Node's Worker cannot
// load the blob: URL the loader creates), so wasm runs the single-threaded SIMD binary;
// the thread count actually used is read back with getThreadsCount() and reported.
//
// The tfjs packages come from tools/golden/node_modules through the relative import
// below (no NODE_PATH needed).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import {
  MODELS, findModel, tf, readModelFiles, loadGraphModel, decodePngRgb, buildInput,
  initWasmBackend, installedVersion, parseArgs,
} from '../tools/golden/tfjs_models.mjs';

const USAGE = 'usage: node bench/ml_tfjs_bench.mjs --human-models DIR --nsfwjs DIR [--input PNG] [--runs N] '
  + '[--warmup N] [--backend cpu|wasm]... [--model NAME]... [--wasm-threads N] [--json FILE]';
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round2 = (x) => Math.round(x * 100) / 100;

/** Times one model on the current backend; returns {median_ms, min_ms, max_ms, runs_ms}. */
async function benchModel(spec, dirs, img, runs, warmup) {
  const { artifacts } = readModelFiles(spec, dirs);
  const model = await loadGraphModel(spec, artifacts); // weights go to the active backend
  const input = buildInput(img, spec);
  const x = tf.tensor(input.data, input.shape, 'float32');
  const once = () => {
    let outs = model.execute({ [spec.input]: x }, spec.outputs);
    if (!Array.isArray(outs)) outs = [outs];
    for (const t of outs) t.dataSync(); // wait for / copy out every result
    tf.dispose(outs);
  };
  try {
    for (let i = 0; i < warmup; i++) once();
    const times = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      once();
      times.push(performance.now() - t0);
    }
    return {
      median_ms: round2(median(times)),
      min_ms: round2(Math.min(...times)),
      max_ms: round2(Math.max(...times)),
      runs_ms: times.map(round2),
    };
  } finally {
    x.dispose();
    model.dispose();
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    'human-models': 'value', nsfwjs: 'value', input: 'value', runs: 'value', warmup: 'value',
    backend: 'list', model: 'list', 'wasm-threads': 'value', json: 'value',
  }, USAGE);
  const runs = Number(args.runs ?? 10);
  const warmup = Number(args.warmup ?? 2);
  if (!(runs >= 1) || !(warmup >= 0)) { console.error(USAGE); process.exit(2); }
  const backends = args.backend ?? ['cpu', 'wasm'];
  for (const b of backends) if (b !== 'cpu' && b !== 'wasm') { console.error(`unknown backend ${b}`); process.exit(2); }
  const specs = args.model ? args.model.map(findModel) : MODELS;
  const dirs = { humanModels: args['human-models'], nsfwjs: args.nsfwjs };
  const inputPng = args.input ?? path.join(REPO, 'src/ml/testdata/golden_input.png');
  const img = decodePngRgb(inputPng);

  const env = {
    date: new Date().toISOString(),
    node: process.version,
    nproc: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    tfjs: installedVersion('@tensorflow/tfjs-core'),
    tfjs_backend_wasm: installedVersion('@tensorflow/tfjs-backend-wasm'),
    runs,
    warmup,
  };
  const results = {}; // results[model][backend] = {...} or {error}

  for (const backend of backends) {
    if (backend === 'wasm') {
      env.wasm = await initWasmBackend({ threads: args['wasm-threads'] ? Number(args['wasm-threads']) : undefined });
    } else {
      await tf.setBackend('cpu');
      await tf.ready();
    }
    for (const spec of specs) {
      let r;
      try {
        r = await benchModel(spec, dirs, img, runs, warmup);
        console.error(`${backend} ${spec.name}: ${r.median_ms} ms (median of ${runs})`);
      } catch (e) { // e.g. a kernel missing in a backend: report it, go on
        r = { error: String(e.message ?? e).split('\n')[0] };
        console.error(`${backend} ${spec.name}: FAILED ${r.error}`);
      }
      (results[spec.name] ??= {})[backend] = r;
    }
  }

  // Markdown table.
  const cell = (r) => (!r ? '' : r.error ? 'n/a' : r.median_ms.toFixed(1));
  const lines = [];
  lines.push(`tfjs ${env.tfjs} on Node ${env.node}, ${env.cpu}, nproc=${env.nproc}; ${env.date}`);
  lines.push(`median ms per image over ${runs} runs after ${warmup} warm-up runs`
    + (env.wasm ? `; wasm: simd=${env.wasm.simd}, threads=${env.wasm.threads}` : ''));
  lines.push('');
  lines.push(`| model | input | ${backends.map((b) => `${b} ms`).join(' | ')} |${backends.length === 2 ? ' cpu/wasm |' : ''}`);
  lines.push(`|---|---|${backends.map(() => '---:').join('|')}|${backends.length === 2 ? '---:|' : ''}`);
  for (const spec of specs) {
    const r = results[spec.name];
    const shape = spec.layout === 'NCHW' ? `1x3x${spec.H}x${spec.W}` : `1x${spec.H}x${spec.W}x3`;
    let row = `| ${spec.name} | ${shape} | ${backends.map((b) => cell(r[b])).join(' | ')} |`;
    if (backends.length === 2) {
      const [a, b] = backends.map((k) => r[k]);
      row += a && b && !a.error && !b.error ? ` ${(a.median_ms / b.median_ms).toFixed(1)}x |` : ' |';
    }
    lines.push(row);
  }
  for (const spec of specs) {
    for (const b of backends) {
      const r = results[spec.name][b];
      if (r.error) lines.push(`- ${spec.name} / ${b}: ${r.error}`);
    }
  }
  console.log(lines.join('\n'));

  if (args.json) {
    const out = { ...env, backends, results };
    fs.writeFileSync(args.json, JSON.stringify(out, null, 1) + '\n');
    console.error(`wrote ${args.json}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
