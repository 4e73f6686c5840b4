/**
 * `tsgi.input` over a real socket when the body does not come with the
 * headers: late pieces, a late end of a chunked body, a client that leaves
 * halfway, and several requests on one connection.
 */
import { describe, expect, it } from 'vitest';
import { readBody } from '../../src/body/read.js';
import type { App } from '../../src/gateway/types.js';
import { collect, openSocket, serve, waitFor } from './helpers.js';

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Answers with the body's length and its text. */
const echoLength: App = async (environ, startResponse) => {
  const body = await readBody(environ);
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [`${body.length}:${body.toString('utf8')}`];
};

describe('reading the request body over a socket', () => {
  it('keeps the connection for a body read to its declared length, before Node marks the request complete', async () => {
    const { port } = await serve(echoLength);
    const socket = await openSocket(port);
    const result = collect(socket);
    // Three requests in one write: each body is read as soon as its bytes
    // are in, and none may cost the connection.
    const request = (body: string): string => `POST / HTTP/1.1\r\nHost: x\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
    socket.write(request('one') + request('second') + request('third!').replace('POST / HTTP/1.1\r\n', 'POST / HTTP/1.1\r\nConnection: close\r\n'));
    const { text } = await result;
    expect(text.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(3);
    expect(text).toContain('3:one');
    expect(text).toContain('6:second');
    expect(text).toContain('6:third!');
    // Only the last response, whose request asked for it, closes.
    expect(text.match(/Connection: close/gi)).toHaveLength(1);
  });

  it('waits for a body sent after the headers, in pieces', async () => {
    const { port } = await serve(echoLength);
    const socket = await openSocket(port);
    const result = collect(socket);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 11\r\n\r\n');
    await pause(30);
    socket.write('hello ');
    await pause(30);
    socket.write('world');
    const { text } = await result;
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text.endsWith('11:hello world')).toBe(true);
  });

  it('waits for the last chunk of a chunked body that comes late', async () => {
    const { port } = await serve(echoLength);
    const socket = await openSocket(port);
    const result = collect(socket);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n');
    await pause(40);
    socket.write('0\r\n\r\n');
    const { text } = await result;
    expect(text.endsWith('5:abcde')).toBe(true);
  });

  it('reads each body of several requests on one kept-alive connection', async () => {
    const { url } = await serve(echoLength);
    for (const body of ['a=1', '{"b":2}', 'x'.repeat(100_000)]) {
      const response = await fetch(url, { method: 'POST', body });
      expect(await response.text()).toBe(`${body.length}:${body}`);
    }
  });

  it('fails the read, rather than waiting forever, when the client leaves halfway', async () => {
    let outcome = 'pending';
    const app: App = async (environ, startResponse) => {
      try {
        await readBody(environ);
        outcome = 'read';
      } catch (error) {
        outcome = `failed: ${(error as Error).message}`;
      }
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['done'];
    };
    const { port } = await serve(app);
    const socket = await openSocket(port);
    socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n');
    socket.write('only part of it');
    await pause(30);
    socket.destroy();
    await waitFor(() => outcome !== 'pending', 'the read to settle');
    expect(outcome).toMatch(/^failed: /);
  });
});
