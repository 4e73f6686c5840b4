import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/gateway/spec.js';
import type { App, Chunk } from '../../src/gateway/types.js';
import { ValidationError } from '../../src/gateway/validator/index.js';
import { TestClient } from '../../src/testing/index.js';
import { fixed, recorder } from './apps.js';

const noContentType = fixed('200 OK', [['X-Only', 'this']], ['body']);
const splitHeader = fixed('200 OK', [['Content-Type', 'text/plain'], ['X-Bad', 'a\r\nSet-Cookie: x=1']], ['body']);

describe('TestClient under the validator', () => {
  it('is on by default and rejects an app with no Content-Type', async () => {
    const request = new TestClient(noContentType).get('/');
    await expect(request).rejects.toBeInstanceOf(ValidationError);
    await expect(request).rejects.toBeInstanceOf(GatewayError);
  });

  it('rejects a header value with CR/LF as a ValidationError', async () => {
    await expect(new TestClient(splitHeader).get('/')).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects a body sent in answer to HEAD, which a lax server would drop', async () => {
    // Started inside the body, as a handler class does, so the host must
    // pull it and the validator sees the chunk a lax server would drop.
    const lazy: App = (_environ, startResponse) =>
      (function* () {
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        yield 'body';
      })();
    const request = new TestClient(lazy).head('/');
    await expect(request).rejects.toBeInstanceOf(ValidationError);
    await expect(request).rejects.toMatchObject({ rule: 'head-body' });
  });

  it('keeps rejecting violations under catchErrors', async () => {
    await expect(new TestClient(noContentType, { catchErrors: true }).get('/')).rejects.toBeInstanceOf(ValidationError);
  });

  it('lets a broken app through with validate: false', async () => {
    const res = await new TestClient(noContentType, { validate: false }).get('/');
    expect(res.status).toBe(200);
    expect(res.headers.has('Content-Type')).toBe(false);
    expect(res.text()).toBe('body');
  });

  it('still applies the server rules with validate: false', async () => {
    const request = new TestClient(splitHeader, { validate: false }).get('/');
    await expect(request).rejects.toBeInstanceOf(GatewayError);
    await expect(request).rejects.not.toBeInstanceOf(ValidationError);
    await expect(request).rejects.toMatchObject({ rule: 'header-value' });
  });

  it('passes a well-behaved app for every kind of request the client builds', async () => {
    const { app, seen } = recorder();
    const client = new TestClient(app, {
      baseUrl: 'https://example.test:8443',
      environ: { SCRIPT_NAME: '/app' },
      headers: { Accept: 'text/plain' },
    });
    await client.get('/caf%C3%A9?q=1');
    await client.head('/');
    await client.post('/', { json: { a: 1 } });
    await client.put('/', { form: { a: '1' } });
    await client.patch('/', { body: 'x', chunked: true });
    await client.delete('/', { body: (async function* () { yield 'streamed'; })() });
    await client.options('/');
    await client.request('PROPFIND', '/', { headers: [['Cookie', 'a=1'], ['Cookie', 'b=2']] });
    expect(seen.map((entry) => entry.body)).toEqual(['', '', '{"a":1}', 'a=1', 'x', 'streamed', '', '']);
  });

  it('passes write() output, async bodies and HEAD', async () => {
    async function* body(): AsyncGenerator<Chunk> {
      yield 'b';
    }
    const app: App = async (environ, startResponse) => {
      const write = startResponse('200 OK', [['Content-Type', 'text/plain']]);
      if (environ.REQUEST_METHOD === 'HEAD') return [];
      await write('a');
      return body();
    };
    const client = new TestClient(app);
    expect((await client.get('/')).text()).toBe('ab');
    expect((await client.head('/')).text()).toBe('');
  });
});
