/**
 * The upload half of the bench: a 1 GiB multipart upload over 127.0.0.1 into
 * a server child using `saveFiles`, with the child's peak RSS.
 *
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Writable } from 'node:stream';
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

/**
 * Who sends the upload: Node's own `http.request` writing 256 KiB chunks
 * with a Content-Length, or curl reading the body from a pipe and sending it
 * chunked. The server's memory depends a little on the pace of the client,
 * so both are measured.
 */
export type UploadClient = 'node' | 'curl';

/** Sends `size` bytes of file in one multipart request and measures the server. */
export async function measureUpload(size: number, client: UploadClient): Promise<UploadResult> {
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
    const answer = await (client === 'curl' ? sendWithCurl(port, size) : sendWithNode(port, size));
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

/** Writes the generated body into `out` with backpressure, then ends it. */
function pumpBody(out: Writable, size: number): void {
  const body = oneFileBody(size, 256 * 1024);
  const pump = (): void => {
    for (let next = body.next(); ; next = body.next()) {
      if (next.done === true) {
        out.end();
        return;
      }
      if (!out.write(next.value)) {
        out.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

function sendWithNode(port: number, size: number): Promise<string> {
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
    pumpBody(req, size);
  });
}

function sendWithCurl(port: number, size: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const curl = spawn('curl', [
      '-sS', '--fail-with-body', '-X', 'POST', '-T', '-', '-H', `Content-Type: ${CONTENT_TYPE}`, '-H', 'Expect:',
      `http://127.0.0.1:${port}/upload`,
    ], { stdio: ['pipe', 'pipe', 'inherit'] });
    let text = '';
    curl.stdout.setEncoding('utf8');
    curl.stdout.on('data', (chunk: string) => (text += chunk));
    curl.once('error', reject);
    curl.once('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`curl exited with ${code}: ${text}`))));
    pumpBody(curl.stdin, size);
  });
}
