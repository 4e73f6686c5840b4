/**
 * The server child of the upload bench: a tsgi app that streams every
 * multipart upload to a temporary directory with `saveFiles`, answers the
 * stored sizes, and deletes the files. It prints its port on stdout.
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeServer, saveFiles, type App } from '../../src/index.js';

const dir = await mkdtemp(join(tmpdir(), 'tsgi-bench-upload-'));

// The parent reads RSS from /proc; the split into heap and buffers helps
// explain it, and only the process itself can see that.
const peaks = { heapUsed: 0, external: 0, arrayBuffers: 0 };
setInterval(() => {
  const usage = process.memoryUsage();
  peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
  peaks.external = Math.max(peaks.external, usage.external);
  peaks.arrayBuffers = Math.max(peaks.arrayBuffers, usage.arrayBuffers);
}, 20).unref();

const app: App = async (environ, startResponse) => {
  const form = await saveFiles(environ, dir, { limits: { fileSize: 2 * 1024 * 1024 * 1024, files: 1 } });
  const sizes = Object.values(form.files).flatMap((files) => files.map((file) => file.size));
  await Promise.all(Object.values(form.files).flatMap((files) => files.map((file) => rm(file.path, { force: true }))));
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  return [JSON.stringify({ sizes, peaks })];
};

const server = makeServer('127.0.0.1', 0, app, { log: null, handleSignals: false });
await server.listen();
process.stdout.write(`${server.port}\n`);

const stop = async (): Promise<void> => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
