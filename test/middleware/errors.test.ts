import { describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { HttpError, toApp, type App, type Chunk, type Environ } from '../../src/gateway/index.js';
import { httpErrors, showErrors } from '../../src/middleware/errors/index.js';
import { TestClient } from '../../src/testing/index.js';
import { serve } from '../server/helpers.js';
import { curl } from './support.js';

const routes: App = function (environ, startResponse) {
  switch (environ.PATH_INFO) {
    case '/gone':
      throw new HttpError(410, 'entry 7 was deleted');
    case '/method':
      throw new HttpError(405, 'POST only', { headers: [['Allow', 'POST']] });
    case '/crash':
      throw new Error('secret <b>db</b> password=hunter2');
    case '/async-crash':
      return Promise.reject(new TypeError('async failure'));
    case '/generator':
      return (function* (): Generator<Chunk> {
        throw new HttpError(404, 'nothing here');
      })();
    case '/started':
      startResponse('200 OK', [['Content-Type', 'text/html']]);
      throw new HttpError(409, 'changed meanwhile');
    case '/started-body':
      startResponse('200 OK', [['Content-Type', 'text/html']]);
      return (function* (): Generator<Chunk> {
        yield '';
        throw new HttpError(409, 'changed before any output');
      })();
    case '/written':
      return (async () => {
        await startResponse('200 OK', [['Content-Type', 'text/plain']])('written early\n');
        throw new Error('failed after write');
      })();
    case '/late':
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* (): AsyncGenerator<Chunk> {
        yield 'partial output\n';
        throw new Error('failed mid-body');
      })();
    default:
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['fine\n'];
  }
} as App;

describe('showErrors', () => {
  const production = new TestClient(showErrors(routes));
  const debug = new TestClient(showErrors(routes, { debug: true }));

  it('answers an HttpError with its status, headers and detail', async () => {
    const gone = await production.get('/gone');
    expect(gone.status).toBe(410);
    expect(gone.text()).toBe('entry 7 was deleted\n');
    const method = await production.get('/method');
    expect(method.status).toBe(405);
    expect(method.headers.get('Allow')).toBe('POST');
    const fromGenerator = await production.get('/generator');
    expect(fromGenerator.status).toBe(404);
  });

  it('negotiates HTML, problem+json and plain text', async () => {
    const html = await production.get('/gone', { headers: { Accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
    expect(html.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(html.text()).toContain('<h1>410 Gone</h1>');
    const json = await production.get('/gone', { headers: { Accept: 'application/json' } });
    expect(json.headers.get('Content-Type')).toBe('application/problem+json');
    expect(json.json()).toEqual({ type: 'about:blank', title: 'Gone', status: 410, detail: 'entry 7 was deleted' });
    const plain = await production.get('/gone', { headers: { Accept: '*/*' } });
    expect(plain.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    const odd = await production.get('/gone', { headers: { Accept: 'image/png' } });
    expect(odd.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
  });

  it('hides the details in production and logs them with a reference', async () => {
    for (const path of ['/crash', '/async-crash']) {
      const response = await production.get(path, { headers: { Accept: 'text/html' } });
      expect(response.status).toBe(500);
      expect(response.text()).not.toMatch(/hunter2|async failure|at /);
      const reference = /Reference: <code>([0-9a-f]{8})<\/code>/.exec(response.text())![1]!;
      expect(response.errors).toMatch(new RegExp(`GET /(async-)?crash \\[reference ${reference}\\]`));
      expect(response.errors).toMatch(/hunter2|async failure/);
    }
  });

  it('shows the escaped stack trace in debug mode', async () => {
    const response = await debug.get('/crash', { headers: { Accept: 'text/html' } });
    expect(response.status).toBe(500);
    expect(response.text()).toContain('Error: secret &lt;b&gt;db&lt;/b&gt; password=hunter2');
    expect(response.text()).toContain('<pre>');
    expect(response.text()).not.toContain('<b>db</b>');
    const json = await debug.get('/crash', { headers: { Accept: 'application/problem+json' } });
    expect(json.json<{ stack: string }>().stack).toContain('errors.test.ts');
  });

  it('sends no body for HEAD', async () => {
    const response = await production.head('/gone');
    expect(response.status).toBe(410);
    expect(response.text()).toBe('');
  });

  it('rethrows an error after the headers were sent, so the server aborts', async () => {
    await expect(production.get('/late')).rejects.toThrow('failed mid-body');
    const { url, errors } = await serve(showErrors(routes));
    const result = await curl(['-i', `${url}late`]);
    expect(result.code).not.toBe(0); // curl reports the truncated chunked body
    expect(result.stdout).toContain('partial output');
    expect(result.stdout).not.toContain('Internal Server Error');
    expect(errors.text).toContain('failed mid-body');
  });

  it('replaces a response started but not yet sent', async () => {
    const response = await production.get('/started');
    expect(response.status).toBe(409);
    expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
    expect(response.text()).toBe('changed meanwhile\n');
  });

  it('replaces a response whose sync body fails before any output, and keeps a sync body sync', async () => {
    const response = await production.get('/started-body');
    expect(response.status).toBe(409);
    expect(response.text()).toBe('changed before any output\n');
    const body = showErrors(routes)({ PATH_INFO: '/started-body', REQUEST_METHOD: 'GET' } as Environ, () => async () => undefined);
    expect(typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator]).toBe('undefined');
  });

  it('rethrows an error after write() sent output', async () => {
    await expect(production.get('/written')).rejects.toThrow('failed after write');
  });

  it("shows a BaseHandler's unexpected error with its stack in debug mode", async () => {
    class Broken extends BaseHandler {
      doGET(): string {
        throw new Error('handler broke');
      }
    }
    const response = await new TestClient(showErrors(toApp(Broken), { debug: true })).get('/', { headers: { Accept: 'text/plain' } });
    expect(response.status).toBe(500);
    expect(response.text()).toContain('Error: handler broke');
    expect(response.text()).toContain('errors.test.ts');
  });

  it('passes normal responses through', async () => {
    expect((await production.get('/')).text()).toBe('fine\n');
  });
});

describe('httpErrors', () => {
  it('answers HttpErrors and leaves other errors to the server', async () => {
    const client = new TestClient(httpErrors(routes), { catchErrors: true });
    expect((await client.get('/gone')).status).toBe(410);
    const crash = await client.get('/crash');
    expect(crash.status).toBe(500);
    // The host's own 500, with the reference its log line repeats.
    expect(crash.text()).toMatch(/^Internal Server Error \(reference [0-9a-f]{8}\)\n$/);
  });
});
