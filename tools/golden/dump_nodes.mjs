#!/usr/bin/env node
// dump_nodes.mjs — for debugging the converter: runs one model with tfjs on the golden input
// and writes the values of any inner nodes, as raw little-endian float32, so that the same
// nodes of the ONNX model can be compared one by one (bisecting a mismatch).
//
//   node dump_nodes.mjs --human-models DIR --nsfwjs DIR --input PNG --model NAME \
//        --out DIR --node NODE [--node NODE]...
//
// Writes <out>/<node with / and : as _>.bin and prints each node's shape.
import fs from 'node:fs';
import path from 'node:path';
import { tf, findModel, readModelFiles, loadGraphModel, decodePngRgb, buildInput, parseArgs } from './tfjs_models.mjs';

const USAGE = 'usage: node dump_nodes.mjs --human-models DIR --nsfwjs DIR --input PNG --model NAME --out DIR --node NODE...';
const args = parseArgs(process.argv.slice(2), {
  'human-models': 'value', nsfwjs: 'value', input: 'value', model: 'value', out: 'value', node: 'list',
}, USAGE);
if (!args.model || !args.out || !args.input || !args.node) { console.error(USAGE); process.exit(2); }
const spec = findModel(args.model);
const files = readModelFiles(spec, { humanModels: args['human-models'], nsfwjs: args.nsfwjs });
const model = await loadGraphModel(spec, files.artifacts);
const inp = buildInput(decodePngRgb(args.input), spec);
const outs = model.execute({ [spec.input]: tf.tensor(inp.data, inp.shape) }, args.node);
fs.mkdirSync(args.out, { recursive: true });
(Array.isArray(outs) ? outs : [outs]).forEach((t, i) => {
  const file = path.join(args.out, args.node[i].replace(/[/:]/g, '_') + '.bin');
  fs.writeFileSync(file, Buffer.from(new Float32Array(t.dataSync()).buffer));
  console.log(`${args.node[i]} ${JSON.stringify(t.shape)} -> ${file}`);
});
