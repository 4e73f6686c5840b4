/**
 * The upload half of the bench: a 1 GiB multipart upload over 127.0.0.1 into
 * a server child using `saveFiles`, with the child's peak RSS.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { CONTENT_TYPE, oneFileBody, oneFileLength } from './body.js';

/** What one upload run measured. */
export interface UploadResult {
  /** File bytes sent. */
  bytes: number;
  /** Wall time of the request, in seconds. */
  seconds: number;
  /** The child's resident set before the upload, in bytes. */
  idleRss: number;
  /** The child's peak resident set over its life (VmHWM), in bytes. */
  peakRss: number;
  /** The largest resident set sampled during the upload, in bytes. */
  sampledPeak: number;
  /** The child's own peaks of V8 heap in use and of memory outside it (buffers), in bytes. */
  peaks: { heapUsed: number; external: number; arrayBuffers: number };
}

const SERVER = fileURLToPath(new URL('./upload-server.js', import.meta.url));

/** `VmRSS` or `VmHWM` of a process, in bytes. */
function procMemory(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (match === null) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

async function startServer(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n')[0];
      if (text.includes('\n') && line !== undefined) resolve(Number(line));
    });
    child.once('exit', (code) => reject(new Error(`upload server exited with ${code} before listening`)));
    child.once('error', reject);
  });
  return { child, port };
}

/** Sends `size` bytes of file in one multipart request and measures the server. */
export async function measureUpload(size: number): Promise<UploadResult> {
  const { child, port } = await startServer();
  const pid = child.pid as number;
  try {
    await new Promise((resolve) => setTimeout(resolve, 300)); // let startup garbage settle
    const idleRss = procMemory(pid, 'VmRSS');
    let sampledPeak = idleRss;
    const sampler = setInterval(() => {
      sampledPeak = Math.max(sampledPeak, procMemory(pid, 'VmRSS'));
    }, 50);
    const started = process.hrtime.bigint();
    const answer = await new Promise<string>((resolve, reject) => {
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
        for (let next = body.next(); ; next = body.next()) {
          if (next.done === true) {
            req.end();
            return;
          }
          if (!req.write(next.value)) {
            req.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    clearInterval(sampler);
    const { sizes: stored, peaks } = JSON.parse(answer) as { sizes: number[]; peaks: UploadResult['peaks'] };
    if (stored[0] !== size) throw new Error(`the server stored ${stored.join(', ')} bytes, expected ${size}`);
    return { bytes: size, seconds, idleRss, peakRss: procMemory(pid, 'VmHWM'), sampledPeak, peaks };
  } finally {
    child.stdin?.end();
    await new Promise<void>((resolve) => {
      if (child.exitCode !== null) resolve();
      else child.once('exit', () => resolve());
      setTimeout(() => {
        child.kill('SIGKILL');
        resolve();
      }, 5000).unref();
    });
  }
}
