/**
 * An HTTP/2 request carrying a connection-specific header field. RFC 9113
 * §8.2.2 makes such a request malformed, and Node's HTTP/2 stack (nghttp2)
 * resets that stream with PROTOCOL_ERROR before any app code runs, so the
 * header never reaches environ to be dropped. What tsgi owes is that the
 * app is not called and the server goes on serving. Driven by nghttp (Debian's nghttp2-client), since
 * Node's own client refuses to send such a header at all.
 */
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serveH2 } from './http2-support.js';

const NGHTTP = '/usr/bin/nghttp';

/** nghttp run asynchronously: the server under test shares this process. */
async function nghttp(args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(NGHTTP, args, { encoding: 'utf8', timeout: 10_000 });
  return stdout;
}

function nghttpAvailable(): boolean {
  const found = spawnSync(NGHTTP, ['--version']).status === 0;
  if (!found && process.env['CI']) throw new Error('nghttp is missing: install nghttp2-client (.ci/run does)');
  return found;
}

describe.runIf(nghttpAvailable())('an HTTP/2 request with a connection-specific header', () => {
  for (const [name, value] of [
    ['connection', 'keep-alive'],
    ['keep-alive', 'timeout=5'],
    ['proxy-connection', 'keep-alive'],
    ['transfer-encoding', 'chunked'],
    ['upgrade', 'websocket'],
    ['te', 'gzip'],
  ] as const) {
    it(`${name}: ${value} resets the stream (PROTOCOL_ERROR) without calling the app, and the server goes on serving`, async () => {
      let calls = 0;
      const { url } = await serveH2((environ, startResponse) => {
        calls += 1;
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [`served ${environ.PATH_INFO}\n`];
      });
      const verbose = await nghttp(['-v', '--no-verify-peer', '-H', `${name}: ${value}`, `${url}bad`]);
      expect(verbose).toMatch(/recv RST_STREAM frame[^\n]*\n\s*\(error_code=PROTOCOL_ERROR/);
      expect(calls).toBe(0);
      expect(await nghttp(['--no-verify-peer', `${url}good`])).toBe('served /good\n');
      expect(calls).toBe(1);
    });
  }

  it('TE: trailers is lawful and reaches the app', async () => {
    const { url } = await serveH2((environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [`te=${environ.HTTP_TE}\n`];
    });
    expect(await nghttp(['--no-verify-peer', '-H', 'te: trailers', url])).toBe('te=trailers\n');
  });
});
