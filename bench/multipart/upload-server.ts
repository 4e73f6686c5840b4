/**
 * The server child of the upload bench, started as `tsgi` (an app streaming
 * the upload to disk with `saveFiles`) or `busboy` (node:http piping busboy's
 * file stream to disk: the floor tsgi is held to). It answers the stored
 * sizes, deletes the files, and prints its port on stdout.
 *
 * @module
 */
import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { makeServer } from '../../src/server/index.js';
import { saveFiles } from '../../src/body/index.js';
import { type App } from '../../src/gateway/index.js';
import { listenNode, serveChild } from '../servers/child.js';

const MAX_FILE = 2 * 1024 * 1024 * 1024;
const dir = await mkdtemp(join(tmpdir(), 'tsgi-bench-upload-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

const tsgiApp: App = async (environ, startResponse) => {
  const form = await saveFiles(environ, dir, { limits: { fileSize: MAX_FILE, files: 1 } });
  const files = Object.values(form.files).flat();
  await Promise.all(files.map((file) => rm(file.path, { force: true })));
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [JSON.stringify({ sizes: files.map((file) => file.size) })];
};

const busboyAlone: RequestListener = (req, res) => {
  const parser = busboy({ headers: req.headers, limits: { fileSize: MAX_FILE, files: 1 } });
  const writes: Array<Promise<number>> = [];
  parser.on('file', (_name, stream) => {
    const path = join(dir, `upload-${writes.length}`);
    const out = createWriteStream(path);
    writes.push(pipeline(stream, out).then(async () => (await rm(path), out.bytesWritten)));
  });
  parser.once('close', () => {
    void Promise.all(writes).then((sizes) => {
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ sizes }));
    });
  });
  req.pipe(parser);
};

await serveChild(async () => {
  if (process.argv[2] === 'busboy') return listenNode(createServer(busboyAlone));
  const server = makeServer('127.0.0.1', 0, tsgiApp, { log: null, handleSignals: false });
  await server.listen();
  return server.port;
});
