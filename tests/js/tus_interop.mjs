// Uploads a file to a camroll server with tus-js-client, the reference tus client, through a
// proxy that cuts the connection once after `cutAfter` bytes of the upload body, so the client
// must resume with HEAD and PATCH from the server's offset.
//   node tus_interop.mjs SERVER_URL TOKEN FILE CUT_AFTER_BYTES
// Prints one JSON line: {"url", "cut", "offsetsAfterCut": [...], "bytesForwarded"}.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import * as tus from 'tus-js-client';

const [server, token, file, cutAfterText] = process.argv.slice(2);
const cutAfter = Number(cutAfterText);
const target = new URL(server);

let cut = false;
let forwarded = 0;
const proxy = net.createServer((client) => {
  const upstream = net.connect(Number(target.port), target.hostname);
  client.on('data', (chunk) => {
    forwarded += chunk.length;
    if (!cut && forwarded > cutAfter) {
      cut = true;
      // Half of this chunk reaches the server, then both sides are dropped.
      upstream.write(chunk.subarray(0, chunk.length >> 1), () => {
        upstream.destroy();
        client.destroy();
      });
      return;
    }
    upstream.write(chunk);
  });
  upstream.on('data', (chunk) => client.write(chunk));
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
});
await new Promise((resolve) => proxy.listen(0, '127.0.0.1', resolve));
const endpoint = `http://127.0.0.1:${proxy.address().port}/v1/uploads`;

const data = fs.readFileSync(file);
const offsets = [];
const result = await new Promise((resolve, reject) => {
  const upload = new tus.Upload(data, {
    endpoint,
    headers: { Authorization: `Bearer ${token}` },
    metadata: { filename: path.basename(file), filetype: 'image/jpeg' },
    chunkSize: Infinity,
    retryDelays: [0, 200, 500, 1000, 2000],
    removeFingerprintOnSuccess: true,
    onShouldRetry: () => true,
    onProgress: (sent) => { if (cut) offsets.push(sent); },
    onError: reject,
    onSuccess: () => resolve(upload.url),
  });
  upload.start();
});
proxy.close();
console.log(JSON.stringify({ url: result, cut, offsetsAfterCut: offsets.slice(0, 3), bytesForwarded: forwarded }));
