/**
 * One import-weight measurement, run as its own process: the child starts with
 * only node:http loaded, imports one framework's entry, builds a hello-world
 * server on it, answers a few requests, collects garbage, and prints its
 * resident set and start-up time as JSON: from the import to the server listening.
 *
 * @module
 */
import { request } from 'node:http';
import { IMPORT_TARGETS, isImportTargetId } from './targets.js';

const id = process.argv[2] ?? '';
if (!isImportTargetId(id)) throw new Error(`unknown import target ${JSON.stringify(id)}`);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('the probe needs --expose-gc');

const started = performance.now();
const server = await IMPORT_TARGETS[id].load();
const startMs = performance.now() - started;
const { port } = server;

function get(): Promise<void> {
  return new Promise((done, fail) => {
    request({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      if (res.statusCode !== 200) fail(new Error(`${id} answered ${res.statusCode}`));
      res.resume().on('end', done);
    })
      .on('error', fail)
      .end();
  });
}
// A few requests so lazily loaded code that the first request pulls in counts.
for (let count = 0; count < 20; count += 1) await get();
await server.close();
gc();
await new Promise((settled) => setTimeout(settled, 50));
gc();
process.stdout.write(`${JSON.stringify({ rssBytes: process.memoryUsage().rss, startMs })}\n`);
