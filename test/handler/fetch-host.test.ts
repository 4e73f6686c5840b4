import { describe, expect, it } from 'vitest';
import { BaseHandler, body } from '../../src/handler/index.js';
import { toFetchHandler } from '../../src/server/fetch.js';
import { fetchEnviron } from '../../src/server/fetch-environ.js';
import { MemoryErrors } from '../../src/gateway/errors.js';
import { hasRequestBody } from '../../src/gateway/request-body.js';
import type { Environ } from '../../src/gateway/types.js';

const URL_ = 'http://example.test/items';
const encoder = new TextEncoder();

class Echo extends BaseHandler {
  // @body() binds the parsed body, or answers 400 when the request has none.
  doPOST(@body() parsed: unknown): string {
    this.start('200 OK', [['Content-Type', 'application/json']]);
    return JSON.stringify({ bound: parsed });
  }
  async doPUT(): Promise<string> {
    this.start('200 OK', [['Content-Type', 'application/json']]);
    return JSON.stringify({ read: await this.json() });
  }
}

function jsonRequest(method: string, init: { body: string | ReadableStream<Uint8Array>; headers?: Record<string, string> }): Request {
  return new Request(URL_, { method, headers: { 'content-type': 'application/json', ...init.headers }, body: init.body, duplex: 'half' } as RequestInit);
}

function streamOf(...parts: string[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(encoder.encode(part));
      controller.close();
    },
  });
}

describe('request bodies of a BaseHandler through the Fetch host', () => {
  const handler = toFetchHandler(Echo);

  it('binds @body() from a Request built with a string body, as this.json() reads it', async () => {
    const bound = await handler(jsonRequest('POST', { body: '{"a":1}' }));
    expect(bound.status).toBe(200);
    expect(await bound.json()).toEqual({ bound: { a: 1 } });
    const read = await handler(jsonRequest('PUT', { body: '{"a":1}' }));
    expect(await read.json()).toEqual({ read: { a: 1 } });
  });

  it('binds @body() from a ReadableStream body of unknown length', async () => {
    const bound = await handler(jsonRequest('POST', { body: streamOf('{"a"', ':[1,', '2]}') }));
    expect(await bound.json()).toEqual({ bound: { a: [1, 2] } });
    const read = await handler(jsonRequest('PUT', { body: streamOf('{"b"', ':true}') }));
    expect(await read.json()).toEqual({ read: { b: true } });
  });

  it('still answers 400 for @body() when the Request has no body', async () => {
    const response = await handler(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' } }));
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('missing request body\n');
  });
});

describe('the framing of a Fetch environ', () => {
  const settings = { errors: new MemoryErrors(), scriptName: '', multiprocess: false, remoteAddress: () => undefined };
  function environOf(request: Request): Environ {
    const environ = fetchEnviron(request, undefined, settings);
    if (typeof environ === 'number') throw new Error(`refused: ${environ}`);
    return environ;
  }

  it('takes a valid Content-Length from the request', () => {
    const environ = environOf(jsonRequest('POST', { body: '{"a":1}', headers: { 'content-length': '7' } }));
    expect([environ.CONTENT_LENGTH, environ.HTTP_TRANSFER_ENCODING]).toEqual(['7', undefined]);
    expect(hasRequestBody(environ)).toBe(true);
    expect(hasRequestBody(environOf(jsonRequest('POST', { body: '', headers: { 'content-length': '0' } })))).toBe(false);
  });

  it('gives a body without a valid length a transfer coding, so that it has a body', () => {
    for (const headers of [{}, { 'content-length': 'seven' }, { 'content-length': '1234567890123456' }] as Array<Record<string, string>>) {
      const environ = environOf(jsonRequest('POST', { body: '{"a":1}', headers }));
      expect([environ.CONTENT_LENGTH, environ.HTTP_TRANSFER_ENCODING]).toEqual([undefined, 'chunked']);
      expect(hasRequestBody(environ)).toBe(true);
    }
    const coded = environOf(jsonRequest('POST', { body: 'x', headers: { 'transfer-encoding': 'chunked', 'content-length': '1' } }));
    expect([coded.CONTENT_LENGTH, coded.HTTP_TRANSFER_ENCODING]).toEqual([undefined, 'chunked']);
  });

  it('sets neither for a Request without a body, whatever its headers say', () => {
    const environ = environOf(new Request(URL_, { headers: { 'content-length': '5', 'transfer-encoding': 'chunked' } }));
    expect([environ.CONTENT_LENGTH, environ.HTTP_TRANSFER_ENCODING]).toEqual([undefined, undefined]);
    expect(hasRequestBody(environ)).toBe(false);
  });
});
