import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/gateway/spec.js';
import type { App, Body, Chunk } from '../../src/gateway/types.js';
import { parseResponse, rawRequest, serve, waitFor } from './helpers.js';

const GET = 'GET /boom HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';

/** An async body yielding `chunks`, throwing the Errors among them, that records whether its return() ran. */
function tracked(chunks: Array<Chunk | Error>): { body: Body; closed: () => boolean } {
  let closed = false;
  const body = (async function* () {
    try {
      for (const chunk of chunks) {
        await Promise.resolve();
        if (chunk instanceof Error) throw chunk;
        yield chunk;
      }
    } finally {
      closed = true;
    }
  })();
  return { body, closed: () => closed };
}

/** Checks the server's own 500 and returns the reference it carries. */
function expectGeneric500(bytes: Buffer): string {
  const response = parseResponse(bytes);
  expect(response.status).toBe(500);
  expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
  const match = /^Internal Server Error \(reference ([0-9a-f]{8})\)\n$/.exec(response.body.toString());
  expect(match, response.body.toString()).not.toBeNull();
  return match![1]!;
}

describe('app errors', () => {
  it('answers 500 when the app throws before startResponse, logging method, path and stack', async () => {
    const { port, errors } = await serve(() => {
      throw new Error('secret detail');
    });
    const { bytes } = await rawRequest(port, GET);
    const reference = expectGeneric500(bytes);
    expect(bytes.toString()).not.toContain('secret');
    // The visitor's reference finds the log line.
    expect(errors.text).toContain(`GET /boom [reference ${reference}]: Error: secret detail`);
    expect(errors.text).toContain('Error: secret detail');
    expect(errors.text).toMatch(/\n\s+at /);
  });

  it('answers 500 when the app rejects, even after startResponse', async () => {
    const { port, errors } = await serve(async (_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      throw new Error('async failure');
    });
    const { bytes } = await rawRequest(port, GET);
    expectGeneric500(bytes);
    expect(errors.text).toContain('async failure');
  });

  it('answers 500 and closes the body when its first next() throws', async () => {
    const { body, closed } = tracked([new Error('first chunk failed')]);
    const { port, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    const { bytes } = await rawRequest(port, GET);
    expectGeneric500(bytes);
    expect(errors.text).toContain('first chunk failed');
    expect(closed()).toBe(true);
  });

  it('aborts the connection when the body throws after headers were sent, and closes it', async () => {
    let closed = false;
    const { url, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return {
        [Symbol.asyncIterator]() {
          let step = 0;
          return {
            async next(): Promise<IteratorResult<Chunk>> {
              step++;
              if (step === 1) return { value: 'partial', done: false };
              throw new Error('mid-stream failure');
            },
            async return(): Promise<IteratorResult<Chunk>> {
              closed = true;
              return { value: undefined, done: true };
            },
          };
        },
      };
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
    expect(errors.text).toContain('mid-stream failure');
    await waitFor(() => closed, 'return() after the abort');
  });

  it('shows a truncated chunked response to a raw client when the body fails mid-stream', async () => {
    const { body, closed } = tracked(['partial', new Error('late failure')]);
    const { port } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    const { text } = await rawRequest(port, GET);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).toContain('partial');
    // No terminating zero-length chunk: the client can tell it was cut short.
    expect(text).not.toMatch(/\r\n0\r\n\r\n$/);
    expect(closed()).toBe(true);
  });

  it('never lets a header value with CR/LF reach the wire', async () => {
    let caught: unknown;
    const { port, errors } = await serve((_e, start) => {
      try {
        start('200 OK', [['X-Evil', 'a\r\nSet-Cookie: injected=1']]);
      } catch (error) {
        caught = error;
        throw error;
      }
      return ['never'];
    });
    const { bytes, text } = await rawRequest(port, GET);
    expectGeneric500(bytes);
    expect(text).not.toContain('injected');
    expect(text).not.toContain('X-Evil');
    expect(caught).toBeInstanceOf(GatewayError);
    expect((caught as GatewayError).rule).toBe('header-value');
    expect(errors.text).toContain('header-value');
  });

  it('answers 500 for a header value Node refuses even though the app kept going', async () => {
    const headers: Array<[string, string]> = [['X-Fine', 'ok']];
    const { port, errors } = await serve((_e, start) => {
      start('200 OK', headers);
      // Mutated after the check: Node's own validation is the second line of defence.
      headers[0]![1] = 'bad\nvalue';
      return ['body'];
    });
    const { bytes, text } = await rawRequest(port, GET);
    expectGeneric500(bytes);
    expect(text).not.toContain('bad');
    expect(errors.text).toContain('GET /boom');
  });

  it('refuses a second startResponse without excInfo (or with null)', async () => {
    const refused: unknown[] = [];
    const { url } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      for (const excInfo of [undefined, null]) {
        try {
          start('201 Created', [], excInfo);
        } catch (error) {
          refused.push(error);
        }
      }
      return ['first'];
    });
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('first');
    expect(refused).toHaveLength(2);
    for (const error of refused) {
      expect(error).toBeInstanceOf(GatewayError);
      expect((error as GatewayError).rule).toBe('start-response-twice');
    }
  });

  it('lets excInfo replace the status before anything was sent', async () => {
    const { url } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/html']]);
      try {
        throw new Error('rendering failed');
      } catch (error) {
        start('503 Service Unavailable', [['Content-Type', 'text/plain']], error);
        return ['try later'];
      }
    });
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(response.headers.get('content-type')).toBe('text/plain');
    expect(await response.text()).toBe('try later');
  });

  it('rethrows excInfo once headers are sent, and the response is aborted', async () => {
    let rethrown: unknown;
    const failure = new Error('after headers');
    const { body, closed } = tracked([]);
    const { port, errors } = await serve(async (_e, start) => {
      const write = start('200 OK', [['Content-Type', 'text/plain']]);
      await write('sent ');
      try {
        start('500 Internal Server Error', [], failure);
      } catch (error) {
        rethrown = error;
        throw error;
      }
      return body;
    });
    const { text } = await rawRequest(port, GET);
    expect(rethrown).toBe(failure);
    expect(text).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(text).not.toMatch(/\r\n0\r\n\r\n$/);
    expect(errors.text).toContain('after headers');
    // The body was never returned to the server, so only the app could close it.
    expect(closed()).toBe(false);
  });

  it('answers 500 for a body that is not iterable, or a bare string', async () => {
    const { port, errors } = await serve(((environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return (environ.PATH_INFO === '/string' ? 'oops' : 42) as unknown as Body;
    }) as App);
    expectGeneric500((await rawRequest(port, 'GET /string HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).bytes);
    expectGeneric500((await rawRequest(port, GET)).bytes);
    expect(errors.text).toContain('body-type');
    expect(errors.text).toContain('a string');
  });

  it('answers 500 for a chunk that is neither string nor bytes, closing the body', async () => {
    const { body, closed } = tracked([42 as unknown as Chunk]);
    const { port, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    expectGeneric500((await rawRequest(port, GET)).bytes);
    expect(errors.text).toContain('chunk-type');
    expect(closed()).toBe(true);
  });

  it('answers 500 when the body starts before startResponse is called', async () => {
    const { port, errors } = await serve((() => ['no status']) as App);
    expectGeneric500((await rawRequest(port, GET)).bytes);
    expect(errors.text).toContain('[start-response-first]');
    const { port: emptyPort, errors: emptyErrors } = await serve((() => []) as App);
    expectGeneric500((await rawRequest(emptyPort, GET)).bytes);
    expect(emptyErrors.text).toContain('[start-response-missing]');
  });

  it('logs an error thrown by the body\'s return()', async () => {
    const { url, errors } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      const chunks = ['fine'];
      return {
        [Symbol.iterator](): Iterator<Chunk> {
          return {
            next: (): IteratorResult<Chunk> => (chunks.length > 0 ? { value: chunks.shift()!, done: false } : { value: undefined, done: true }),
            return: (): IteratorResult<Chunk> => {
              throw new Error('cleanup failed');
            },
          };
        },
      };
    });
    const response = await fetch(url);
    expect(await response.text()).toBe('fine');
    await waitFor(() => errors.text.includes('cleanup failed'), 'the return() error in the log');
    expect(errors.text).toContain('GET / body return()');
  });

  it('calls return() after a completed body', async () => {
    const { body, closed } = tracked(['a', 'b']);
    const { url } = await serve((_e, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return body;
    });
    expect(await (await fetch(url)).text()).toBe('ab');
    await waitFor(closed, 'return() after completion');
  });

  it('refuses an informational status as the final one', async () => {
    const { port, errors } = await serve((_e, start) => {
      start('103 Early Hints', []);
      return [];
    });
    expectGeneric500((await rawRequest(port, GET)).bytes);
    expect(errors.text).toContain('status-informational');
  });

  it('keeps serving after errors', async () => {
    let calls = 0;
    const { url } = await serve((_e, start) => {
      calls++;
      if (calls === 1) throw new Error('first call fails');
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['recovered'];
    });
    expect((await fetch(url)).status).toBe(500);
    expect(await (await fetch(url)).text()).toBe('recovered');
  });
});

describe('requests the gateway cannot carry', () => {
  it('answers CONNECT with a 400 that says why, and keeps serving', async () => {
    const { port } = await serve((_environ, start) => {
      start('200 OK', [['Content-Type', 'text/plain']]);
      return ['still here'];
    });
    const { bytes } = await rawRequest(port, 'CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n');
    const response = parseResponse(bytes);
    expect(response.status).toBe(400);
    expect(response.body.toString()).toBe('Bad Request: CONNECT is not supported by this server\n');
    expect(parseResponse((await rawRequest(port, GET)).bytes).status).toBe(200);
  });
});
