#!/usr/bin/env node
// check_golden.mjs — re-checks golden files against the model files and a tfjs backend.
//
//   node check_golden.mjs --human-models DIR --nsfwjs DIR --input PNG --golden DIR
//                         [--backend cpu|wasm] [--model NAME]...
//
// For each <golden>/<model>.json it checks that the model files' sha256 and the input
// tensor's sha256 match what the golden records (a stale golden or a different input
// definition is reported as an error), then runs the model on the chosen backend and
// prints, per output, the largest absolute difference at the stored indices and that
// difference relative to the output's max_abs. With --backend cpu the differences
// must be 0 (tfjs cpu is deterministic); --backend wasm shows how far an independent
// float32 implementation (XNNPACK) lands, a useful yardstick for the C++/ONNX Runtime
// tolerances. Exit status 1 on any sha mismatch or (cpu only) any difference.

import fs from 'node:fs';
import path from 'node:path';
import {
  findModel, tf, readModelFiles, loadGraphModel, decodePngRgb, buildInput,
  sha256F32LE, initWasmBackend, parseArgs,
} from './tfjs_models.mjs';

const USAGE = 'usage: node check_golden.mjs --human-models DIR --nsfwjs DIR --input PNG --golden DIR [--backend cpu|wasm] [--model NAME]...';

async function main() {
  const args = parseArgs(process.argv.slice(2), {
    'human-models': 'value', nsfwjs: 'value', input: 'value', golden: 'value', backend: 'value', model: 'list',
  }, USAGE);
  if (!args.input || !args.golden) { console.error(USAGE); process.exit(2); }
  const backend = args.backend ?? 'cpu';
  if (backend === 'wasm') await initWasmBackend();
  else if (backend === 'cpu') { await tf.setBackend('cpu'); await tf.ready(); } else { console.error(USAGE); process.exit(2); }

  const dirs = { humanModels: args['human-models'], nsfwjs: args.nsfwjs };
  const names = args.model ?? fs.readdirSync(args.golden).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
  const img = decodePngRgb(args.input);
  let failed = false;
  const fail = (msg) => { console.log(`  ERROR ${msg}`); failed = true; };

  for (const name of names) {
    const golden = JSON.parse(fs.readFileSync(path.join(args.golden, `${name}.json`), 'utf8'));
    const spec = findModel(golden.model);
    console.log(`${name} (${backend})`);
    const { artifacts, files } = readModelFiles(spec, dirs);
    const want = new Map(golden.files.map((f) => [f.path, f.sha256]));
    for (const f of files) if (want.get(f.path) !== f.sha256) fail(`model file ${f.path}: sha256 differs from the golden`);
    const input = buildInput(img, spec);
    if (sha256F32LE(input.data) !== golden.input.sha256_f32le) fail('input tensor sha256 differs from the golden');

    const model = await loadGraphModel(spec, artifacts);
    const x = tf.tensor(input.data, input.shape, 'float32');
    let outs = model.execute({ [golden.input.name]: x }, golden.outputs.map((o) => o.name));
    if (!Array.isArray(outs)) outs = [outs];
    golden.outputs.forEach((g, k) => {
      const d = outs[k].dataSync();
      if (outs[k].shape.join(',') !== g.shape.join(',')) fail(`${g.name}: shape ${outs[k].shape} != ${g.shape}`);
      let maxDiff = 0;
      let at = -1;
      g.indices.forEach((idx, j) => {
        // Stored values are the shortest decimals that round-trip to float32.
        const diff = Math.abs(d[idx] - Math.fround(g.values[j]));
        if (diff > maxDiff) { maxDiff = diff; at = idx; }
      });
      const rel = g.max_abs > 0 ? maxDiff / g.max_abs : maxDiff;
      console.log(`  ${g.name} [${g.shape}] max|diff|=${maxDiff.toExponential(3)}${at >= 0 ? ` (at ${at})` : ''}, /max_abs=${rel.toExponential(3)}`);
      if (backend === 'cpu' && maxDiff !== 0) fail(`${g.name}: cpu result differs from the golden`);
    });
    tf.dispose([x, ...outs]);
    model.dispose();
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(1); });
