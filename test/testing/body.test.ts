import { describe, expect, it } from 'vitest';
import type { App } from '../../src/gateway/types.js';
import { TestClient, TestClientError } from '../../src/testing/index.js';
import { recorder } from './apps.js';

describe('TestClient request bodies', () => {
  it('sends json as application/json with its length', async () => {
    const { app, last } = recorder();
    await new TestClient(app).post('/entries', { json: { title: 'Hé', tags: ['a'] } });
    const { environ, body } = last();
    expect(body).toBe('{"title":"Hé","tags":["a"]}');
    expect(environ.CONTENT_TYPE).toBe('application/json');
    expect(environ.CONTENT_LENGTH).toBe(String(Buffer.byteLength(body)));
  });

  it('sends falsy json values too', async () => {
    const { app, last } = recorder();
    await new TestClient(app).post('/', { json: null });
    expect(last().body).toBe('null');
    await new TestClient(app).post('/', { json: 0 });
    expect(last().body).toBe('0');
  });

  it('sends form fields urlencoded, repeating array fields', async () => {
    const { app, last } = recorder();
    await new TestClient(app).post('/login', {
      form: { user: 'ada lovelace', tag: ['a&b', 'c=d'], empty: '', left: undefined, age: 36, admin: false },
    });
    expect(last().environ.CONTENT_TYPE).toBe('application/x-www-form-urlencoded');
    expect(last().body).toBe('user=ada+lovelace&tag=a%26b&tag=c%3Dd&empty=&age=36&admin=false');
    expect(last().environ.CONTENT_LENGTH).toBe(String(last().body.length));
    await new TestClient(app).post('/', { form: new URLSearchParams([['x', '1']]) });
    expect(last().body).toBe('x=1');
  });

  it('lets a Content-Type header replace the implied one', async () => {
    const { app, last } = recorder();
    await new TestClient(app).post('/', { json: [1], headers: { 'Content-Type': 'application/vnd.api+json' } });
    expect(last().environ.CONTENT_TYPE).toBe('application/vnd.api+json');
  });

  it('sends a string body as UTF-8 with a byte length and no Content-Type of its own', async () => {
    const { app, last } = recorder();
    await new TestClient(app).put('/doc', { body: 'né' });
    expect(last().body).toBe('né');
    expect(last().environ.CONTENT_LENGTH).toBe('3');
    expect('CONTENT_TYPE' in last().environ).toBe(false);
  });

  it('sends an empty string body with CONTENT_LENGTH 0', async () => {
    const { app, last } = recorder();
    await new TestClient(app).post('/', { body: '' });
    expect(last().environ.CONTENT_LENGTH).toBe('0');
    expect(last().body).toBe('');
  });

  it('sends a Uint8Array body byte for byte', async () => {
    let received: Uint8Array | undefined;
    const app: App = async (environ, startResponse) => {
      received = await environ['tsgi.input'].read();
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [];
    };
    const bytes = new Uint8Array([0, 255, 10, 13]);
    await new TestClient(app).post('/', { body: bytes, headers: { 'Content-Type': 'application/octet-stream' } });
    expect([...received!]).toEqual([0, 255, 10, 13]);
  });

  describe('a Content-Length header given by the test', () => {
    it('is sent when it matches the body', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: 'abc', headers: { 'Content-Length': '3' } });
      expect(last().environ.CONTENT_LENGTH).toBe('3');
      expect(last().body).toBe('abc');
      expect('HTTP_CONTENT_LENGTH' in last().environ).toBe(false);
    });

    it('is sent even when wrong, and the input stops after that many bytes', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: 'abcdef', headers: { 'Content-Length': '4' } });
      expect(last().environ.CONTENT_LENGTH).toBe('4');
      expect(last().body).toBe('abcd');
      await new TestClient(app).post('/', { body: 'ab', headers: { 'Content-Length': '10' } });
      expect(last().environ.CONTENT_LENGTH).toBe('10');
      expect(last().body).toBe('ab');
      await new TestClient(app).post('/', { headers: { 'Content-Length': '5' } });
      expect(last().environ.CONTENT_LENGTH).toBe('5');
      expect(last().body).toBe('');
    });

    it('turns a streamed body into a fixed-length one, pulled only when read', async () => {
      let pulled = false;
      async function* big(): AsyncGenerator<string> {
        pulled = true;
        yield 'x'.repeat(10);
      }
      const declared: App = (environ, startResponse) => {
        startResponse('413 Content Too Large', [['Content-Type', 'text/plain']]);
        return [`declared ${environ.CONTENT_LENGTH}, chunked: ${String(environ.HTTP_TRANSFER_ENCODING)}`];
      };
      const res = await new TestClient(declared).post('/', { body: big(), headers: { 'Content-Length': '1000000' } });
      expect(res.text()).toBe('declared 1000000, chunked: undefined');
      expect(pulled).toBe(false);
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: ['ab', 'cd', 'ef'], headers: { 'Content-Length': '3' }, chunked: false });
      expect(last().body).toBe('abc');
    });

    it.each([
      [{ body: 'x', headers: { 'Content-Length': 'ten' } }, /decimal digits/],
      [{ body: 'x', headers: { 'Content-Length': '-1' } }, /decimal digits/],
      [{ body: 'x', headers: [['Content-Length', '1'], ['Content-Length', '2']] as Array<[string, string]> }, /conflicting/],
      [{ body: 'x', chunked: true, headers: { 'Content-Length': '1' } }, /contradict/],
    ])('is refused when malformed or contradicted %#', async (options, message) => {
      const { app, seen } = recorder();
      await expect(new TestClient(app).post('/', options)).rejects.toThrow(message);
      expect(seen).toHaveLength(0);
    });
  });

  describe('chunked', () => {
    it('sends a string with chunked: true without CONTENT_LENGTH', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: 'all of it', chunked: true });
      const { environ, body } = last();
      expect(body).toBe('all of it');
      expect('CONTENT_LENGTH' in environ).toBe(false);
      expect(environ.HTTP_TRANSFER_ENCODING).toBe('chunked');
      expect(environ['tsgi.input_terminated']).toBe(true);
    });

    it('sends json chunked too', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { json: { a: 1 }, chunked: true });
      expect(last().body).toBe('{"a":1}');
      expect(last().environ.CONTENT_TYPE).toBe('application/json');
      expect('CONTENT_LENGTH' in last().environ).toBe(false);
    });

    it('sends a sync iterable of chunks chunked', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: ['one,', new TextEncoder().encode('two,'), 'three'] });
      expect(last().body).toBe('one,two,three');
      expect('CONTENT_LENGTH' in last().environ).toBe(false);
      expect(last().environ.HTTP_TRANSFER_ENCODING).toBe('chunked');
    });

    it('streams an async iterable, read line by line until end of input', async () => {
      const lines: string[] = [];
      const app: App = async (environ, startResponse) => {
        const input = environ['tsgi.input'];
        for (let line = await input.readline(); line.length > 0; line = await input.readline()) {
          lines.push(Buffer.from(line).toString());
        }
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [`${lines.length}`];
      };
      async function* upload(): AsyncGenerator<string> {
        yield 'first li';
        yield 'ne\nsecond line\nthi';
        yield 'rd';
      }
      const res = await new TestClient(app).post('/upload', { body: upload() });
      expect(lines).toEqual(['first line\n', 'second line\n', 'third']);
      expect(res.text()).toBe('3');
    });

    it('sends an empty chunked body that reads as end of input', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: [] });
      expect(last().body).toBe('');
      expect('CONTENT_LENGTH' in last().environ).toBe(false);
    });

    it('only pulls the request body as the app reads it', async () => {
      let pulled = 0;
      function* source(): Generator<string> {
        for (let i = 0; i < 3; i++) {
          pulled++;
          yield `${i}`;
        }
      }
      const app: App = async (environ, startResponse) => {
        await environ['tsgi.input'].read(1);
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [];
      };
      await new TestClient(app).post('/', { body: source() });
      expect(pulled).toBe(1);
    });
  });

  it('gives a request without a body an empty input', async () => {
    const { app, last } = recorder();
    await new TestClient(app).get('/');
    expect(last().body).toBe('');
    expect('CONTENT_LENGTH' in last().environ).toBe(false);
  });

  it.each([
    [{ body: 'x', json: {} }, /only one of body, form and json/],
    [{ form: { a: '1' }, json: {} }, /only one of body, form and json/],
    [{ body: ['x'], chunked: false }, /an iterable body has no length/],
    [{ body: 42 as never }, /body must be a string, a Uint8Array or an iterable/],
    [{ json: () => 1 }, /no JSON form/],
  ])('rejects the conflicting or malformed body options %#', async (options, message) => {
    const { app, seen } = recorder();
    const request = new TestClient(app).post('/', options);
    await expect(request).rejects.toThrow(TestClientError);
    await expect(request).rejects.toThrow(message);
    expect(seen).toHaveLength(0);
  });
});
