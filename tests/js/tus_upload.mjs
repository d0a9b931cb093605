// Uploads the files of a folder (recursively) to a camroll server with tus-js-client.
// Used by browser_test.mjs as a fallback when `camroll sync` is not available, and runnable
// on its own:  node tests/js/tus_upload.mjs SERVER_URL TOKEN FOLDER
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tus from 'tus-js-client';

const TYPES = {
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.png': 'image/png', '.heic': 'image/heic',
  '.mp4': 'video/mp4', '.mov': 'video/quicktime', '.webp': 'image/webp',
};

export function listFiles(folder) {
  const out = [];
  for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(full));
    else if (entry.isFile()) out.push(full);
  }
  return out.sort();
}

export async function uploadFile(server, token, file) {
  const data = fs.readFileSync(file);
  return new Promise((resolve, reject) => {
    const upload = new tus.Upload(data, {
      endpoint: new URL('/v1/uploads', server).href,
      headers: { Authorization: `Bearer ${token}` },
      metadata: {
        filename: path.basename(file),
        filetype: TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream',
      },
      chunkSize: 8 * 1024 * 1024,
      retryDelays: [0, 500, 1000],
      storeFingerprintForResuming: false,
      onError: reject,
      onSuccess: () => resolve(upload.url),
    });
    upload.start();
  });
}

export async function uploadFolder(server, token, folder) {
  const files = listFiles(folder);
  for (const f of files) await uploadFile(server, token, f);
  return files.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [server, token, folder] = process.argv.slice(2);
  const n = await uploadFolder(server, token, folder);
  console.log(`uploaded ${n} files`);
}
