import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/gateway/types.js';
import { collect, openSocket, parseResponse, serve } from './helpers.js';

interface CurlResult {
  stdout: string;
  stderr: string;
  code: number;
}

function curl(args: string[]): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('curl', ['--silent', '--show-error', '--max-time', '15', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ stdout, stderr, code });
    });
  });
}

/** Counts the request body and answers with its length, or refuses bodies over a limit unread. */
const counter: App = async (environ, start) => {
  if (environ.PATH_INFO === '/limited' && Number(environ.CONTENT_LENGTH ?? 0) > 1024) {
    start('413 Content Too Large', [['Content-Type', 'text/plain']]);
    return ['too large\n'];
  }
  let total = 0;
  for await (const chunk of environ['tsgi.input']) total += chunk.length;
  start('200 OK', [['Content-Type', 'text/plain']]);
  return [`${environ.REQUEST_METHOD} ${total}\n`];
};

describe('with curl', () => {
  let dir: string;
  let upload: string;
  const size = 3 * 1024 * 1024;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsgi-curl-'));
    upload = join(dir, 'upload.bin');
    writeFileSync(upload, Buffer.alloc(size, 0x62));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('uploads a large body (curl sends Expect: 100-continue) and gets its length back', async () => {
    const { url } = await serve(counter);
    const result = await curl(['--data-binary', `@${upload}`, url]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`POST ${size}\n`);
  });

  it('uploads a chunked body', async () => {
    const { url } = await serve(counter);
    const result = await curl(['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${upload}`, url]);
    expect(result.stdout).toBe(`POST ${size}\n`);
  });

  it('gets a 413 for a refused upload without sending it', async () => {
    const { url } = await serve(counter);
    const result = await curl(['--data-binary', `@${upload}`, '--write-out', '%{http_code} %{size_upload}', '--output', '/dev/null', `${url}limited`]);
    const [status, uploaded] = result.stdout.split(' ');
    expect(status).toBe('413');
    // The 100 Continue never came, so curl held the body back.
    expect(Number(uploaded)).toBeLessThan(size);
  });

  it('reuses the connection for several URLs', async () => {
    const { url } = await serve(counter);
    const result = await curl(['--verbose', url, `${url}again`]);
    expect(result.stdout).toBe('GET 0\nGET 0\n');
    expect(result.stderr).toMatch(/Re-using existing connection/);
  });

  it('keeps the connection after a fully read POST', async () => {
    const { port } = await serve(counter);
    const socket = await openSocket(port);
    const received = collect(socket);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabcPOST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nde');
    const { text } = await received;
    const second = text.indexOf('HTTP/1.1', 1);
    expect(second).toBeGreaterThan(0);
    const first = parseResponse(Buffer.from(text.slice(0, second), 'latin1'));
    expect(first.headers.connection).toBe('keep-alive');
    expect(first.body.toString()).toBe('POST 3\n');
    expect(parseResponse(Buffer.from(text.slice(second), 'latin1')).body.toString()).toBe('POST 2\n');
  });
});
