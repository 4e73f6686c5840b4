/**
 * Shared fixtures for the middleware tests: curl as a real client, and small
 * apps whose bodies report when they were closed.
 */
import { execFile } from 'node:child_process';
import type { App, Chunk } from '../../src/gateway/index.js';

export interface CurlResult {
  stdout: string;
  stderr: string;
  code: number;
}

/** Runs curl with a time limit; resolves with its output and exit code. */
export function curl(args: string[], encoding: 'utf8' | 'latin1' = 'utf8'): Promise<CurlResult> {
  return new Promise((resolve) => {
    execFile('curl', ['--silent', '--show-error', '--max-time', '15', ...args], { encoding, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ stdout, stderr, code });
    });
  });
}

/** Splits `curl -i` output into status, lower-cased headers and body. */
export function parseCurl(output: string): { status: number; headers: Record<string, string>; body: string } {
  // With --include and redirects or 100-continue there may be several heads; take the last.
  let rest = output;
  let head = '';
  for (;;) {
    const end = rest.indexOf('\r\n\r\n');
    if (end === -1) break;
    head = rest.slice(0, end);
    rest = rest.slice(end + 4);
    if (!/^HTTP\/[\d.]+ 1\d\d/.test(head)) break;
  }
  const [statusLine, ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(statusLine?.split(' ')[1]), headers, body: rest };
}

/** A text app whose async body records whether its return() ran. */
export function trackedApp(chunks: Chunk[], contentType = 'text/plain; charset=utf-8'): { app: App; closed: () => boolean } {
  let closed = false;
  const app: App = (_environ, startResponse) => {
    startResponse('200 OK', [['Content-Type', contentType]]);
    return (async function* () {
      try {
        for (const chunk of chunks) yield chunk;
      } finally {
        closed = true;
      }
    })();
  };
  return { app, closed: () => closed };
}

/** A plain text app answering `text` with `status`. */
export function textApp(text: string, status = '200 OK', headers: Array<[string, string]> = []): App {
  return (environ, startResponse) => {
    startResponse(status, [['Content-Type', 'text/plain; charset=utf-8'], ...headers]);
    return environ.REQUEST_METHOD === 'HEAD' ? [] : [text];
  };
}
