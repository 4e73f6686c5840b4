/**
 * The upload half of the multipart bench: one large multipart POST over
 * 127.0.0.1 into an upload-server child, with the child's RSS from `/proc`.
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { CONTENT_TYPE, oneFileBody, oneFileLength } from './body.js';

/** What one upload measured. */
export interface UploadResult {
  /** File bytes sent. */
  bytes: number;
  /** Wall time of the request, in seconds. */
  seconds: number;
  /** The child's resident set before the upload, in bytes. */
  idleRss: number;
  /** The child's peak resident set over its life (VmHWM), in bytes. */
  peakRss: number;
}

/** Which upload server: tsgi's `saveFiles`, or busboy alone under node:http. */
export type UploadServer = 'tsgi' | 'busboy';

const SCRIPT = fileURLToPath(new URL('./upload-server.js', import.meta.url));

function procMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

/**
 * Starts the `server` child, sends `size` bytes of file in one request, and
 * stops the child.
 */
export async function measureUpload(size: number, server: UploadServer): Promise<UploadResult> {
  const child = spawn(process.execPath, [SCRIPT, server], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().split('\n')[0])));
      child.once('exit', (code) => reject(new Error(`upload server exited with ${code} before listening`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 300)); // let startup garbage settle
    const pid = child.pid as number;
    const idleRss = procMemory(pid, 'VmRSS');
    const started = process.hrtime.bigint();
    const answer = JSON.parse(await upload(port, size)) as { sizes: number[] };
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (answer.sizes[0] !== size) throw new Error(`${server} stored ${answer.sizes.join(', ')} bytes, expected ${size}`);
    return { bytes: size, seconds, idleRss, peakRss: procMemory(pid, 'VmHWM') };
  } finally {
    child.stdin.end();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One POST with a Content-Length, written in 256 KiB chunks with backpressure. */
function upload(port: number, size: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/',
      headers: { 'Content-Type': CONTENT_TYPE, 'Content-Length': String(oneFileLength(size)) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(text) : reject(new Error(`upload answered ${res.statusCode}: ${text}`))));
    });
    req.on('error', reject);
    const body = oneFileBody(size, 256 * 1024);
    const pump = (): void => {
      for (let next = body.next(); !next.done; next = body.next()) {
        if (!req.write(next.value)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}
