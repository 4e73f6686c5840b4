import { afterEach, describe, expect, it } from 'vitest';
import { BaseHandler, negotiateMediaType, preferredMediaType } from '../../src/handler/index.js';
import { httpErrors, showErrors } from '../../src/middleware/errors/index.js';
import { HttpError, MemoryErrors, renderError, type AppLike } from '../../src/gateway/index.js';
import { makeServer, type TsgiServer } from '../../src/server/index.js';
import { TestClient } from '../../src/testing/index.js';

const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

class Strict extends BaseHandler {
  doGET(): never {
    throw HttpError.notFound('no entry "<b>x</b>"', {
      headers: [['X-Reason', 'missing']],
      type: 'https://example.org/problems/no-entry',
      extensions: { entry: 'x' },
    });
  }
  doPOST(): never {
    throw new Error('database password is hunter2');
  }
}

describe('HttpError', () => {
  it('has helpers for the common statuses', () => {
    const cases: Array<[HttpError, number]> = [
      [HttpError.badRequest(), 400], [HttpError.unauthorized(), 401], [HttpError.forbidden(), 403],
      [HttpError.notFound(), 404], [HttpError.methodNotAllowed('GET'), 405], [HttpError.notAcceptable(), 406],
      [HttpError.conflict(), 409], [HttpError.gone(), 410], [HttpError.contentTooLarge(), 413],
      [HttpError.unsupportedMediaType(), 415], [HttpError.unprocessable(), 422], [HttpError.tooManyRequests(), 429],
      [HttpError.serviceUnavailable(), 503],
    ];
    for (const [error, status] of cases) {
      expect(error).toBeInstanceOf(HttpError);
      expect(error.status).toBe(status);
      expect(error.detail).toBe(error.title);
    }
    expect(HttpError.methodNotAllowed('GET, HEAD').headers).toEqual([['Allow', 'GET, HEAD']]);
  });

  it('gives RFC 9457 problem details whose standard members extensions cannot replace', () => {
    const error = new HttpError(422, 'too low', { title: 'Out of range', extensions: { min: 1, status: 200, title: 'x' } });
    expect(error.toProblem()).toEqual({ type: 'about:blank', title: 'Out of range', status: 422, detail: 'too low', min: 1 });
    expect(Object.keys(error.toProblem())).toEqual(['type', 'title', 'status', 'detail', 'min']);
    const odd = new HttpError(400, 'x', { extensions: JSON.parse('{"__proto__": {"polluted": true}, "constructor": 1}') as Record<string, unknown> });
    expect(JSON.parse(JSON.stringify(odd.toProblem()))).toMatchObject({ constructor: 1, ['__proto__']: { polluted: true } });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(() => new HttpError(302)).toThrow(RangeError);
  });
});

describe('negotiated error bodies', () => {
  const client = new TestClient(Strict);

  it('sends problem+json to clients preferring JSON', async () => {
    for (const accept of ['application/json', 'application/problem+json', 'application/json, text/plain, */*']) {
      const response = await client.get('/x', { headers: { Accept: accept } });
      expect(response.status).toBe(404);
      expect(response.headers.get('Content-Type')).toBe('application/problem+json');
      expect(response.headers.get('Vary')).toBe('Accept');
      expect(response.headers.get('X-Reason')).toBe('missing');
      expect(response.json()).toEqual({
        type: 'https://example.org/problems/no-entry', title: 'Not Found', status: 404, detail: 'no entry "<b>x</b>"', entry: 'x',
      });
    }
  });

  it('sends escaped HTML to browsers', async () => {
    const response = await client.get('/x', { headers: { Accept: BROWSER } });
    expect(response.headers.get('Content-Type')).toBe('text/html; charset=utf-8');
    expect(response.text()).toMatch(/^<!DOCTYPE html>/);
    expect(response.text()).toContain('<title>404 Not Found</title>');
    expect(response.text()).toContain('<p>no entry &quot;&lt;b&gt;x&lt;/b&gt;&quot;</p>');
    expect(response.text()).not.toContain('<b>');
  });

  it('sends plain text otherwise: no Accept, */*, or nothing offered acceptable', async () => {
    for (const headers of [{}, { Accept: '*/*' }, { Accept: 'image/png' }] as Array<Record<string, string>>) {
      const response = await client.get('/x', { headers });
      expect(response.headers.get('Content-Type')).toBe('text/plain; charset=utf-8');
      expect(response.text()).toBe('no entry "<b>x</b>"\n');
      expect(response.headers.get('Content-Length')).toBe(String(Buffer.byteLength(response.text())));
    }
  });

  it('negotiates a thrown 500 HttpError, and leaves any other error to the host', async () => {
    class Failing extends BaseHandler {
      doGET(): never {
        throw new HttpError(500);
      }
    }
    const response = await new TestClient(Failing).get('/', { headers: { Accept: 'application/json' } });
    expect(response.status).toBe(500);
    expect(response.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Internal Server Error' });
    await expect(client.post('/', { body: 'x', headers: { Accept: 'application/json' } })).rejects.toThrow('database password is hunter2');
  });

  it('sends only the head to HEAD', async () => {
    const response = await client.head('/x', { headers: { Accept: 'application/json' } });
    expect(response.status).toBe(404);
    expect(response.text()).toBe('');
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
  });

  it('merges Vary: Accept into a Vary the error already carries', async () => {
    class Varying extends BaseHandler {
      doGET(): never {
        throw HttpError.forbidden('no', { headers: [['Vary', 'Cookie']] });
      }
    }
    expect((await new TestClient(Varying).get('/')).headers.getAll('Vary')).toEqual(['Cookie, Accept']);
  });

  it('renderError is usable outside handlers', () => {
    expect(renderError(HttpError.badRequest('bad'), undefined)).toEqual({
      status: '400 Bad Request',
      headers: [
        ['Content-Type', 'text/plain; charset=utf-8'], ['Content-Length', '4'], ['X-Content-Type-Options', 'nosniff'], ['Vary', 'Accept'],
      ],
      contentType: 'text/plain; charset=utf-8',
      body: 'bad\n',
    });
  });

  it('renderError shows a reference and a stack in every form, and keeps such a page out of caches', () => {
    const error = new HttpError(500, 'TypeError: <oops>');
    const details = { reference: 'ab12cd34', stack: 'TypeError: <oops>\n    at f (x.ts:1:1)' };
    const text = renderError(error, '*/*', details);
    expect(text.body).toBe('TypeError: <oops>\nReference: ab12cd34\n\nTypeError: <oops>\n    at f (x.ts:1:1)\n');
    expect(text.headers).toContainEqual(['Cache-Control', 'no-store']);
    const html = renderError(error, 'text/html', details).body;
    expect(html).toContain('<p>Reference: <code>ab12cd34</code></p>');
    expect(html).toContain('<pre>TypeError: &lt;oops&gt;\n    at f (x.ts:1:1)</pre>');
    expect(JSON.parse(renderError(error, 'application/json', details).body)).toMatchObject(details);
    expect(renderError(error, '*/*').headers).not.toContainEqual(['Cache-Control', 'no-store']);
  });

  it('renderError lets the page, not the error, describe the body', () => {
    const error = new HttpError(400, 'x', { headers: [['Content-Type', 'image/png'], ['Content-Length', '99'], ['Allow', 'GET']] });
    const { headers } = renderError(error, undefined);
    expect(headers.filter(([name]) => name === 'Content-Type')).toEqual([['Content-Type', 'text/plain; charset=utf-8']]);
    expect(headers.filter(([name]) => name === 'Content-Length')).toEqual([['Content-Length', '2']]);
    expect(headers).toContainEqual(['Allow', 'GET']);
  });
});

describe('this.negotiate', () => {
  class Report extends BaseHandler {
    doGET(): string {
      const type = this.negotiate(['text/html', 'application/json']);
      this.start('200 OK', [['Content-Type', type]]);
      return type === 'application/json' ? '{"n":1}' : '<p>1</p>';
    }
  }
  const client = new TestClient(Report);

  it('picks the preferred available type and marks Vary: Accept', async () => {
    const json = await client.get('/', { headers: { Accept: 'application/json' } });
    expect(json.headers.get('Content-Type')).toBe('application/json');
    expect(json.headers.get('Vary')).toBe('Accept');
    const html = await client.get('/', { headers: { Accept: BROWSER } });
    expect(html.text()).toBe('<p>1</p>');
    expect((await client.get('/')).headers.get('Content-Type')).toBe('text/html');
    const weighted = await client.get('/', { headers: { Accept: 'text/html;q=0.5, application/json' } });
    expect(weighted.headers.get('Content-Type')).toBe('application/json');
  });

  it('answers 406 listing the available types when none is acceptable', async () => {
    const response = await client.get('/', { headers: { Accept: 'image/png' } });
    expect(response.status).toBe(406);
    expect(response.text()).toBe('None of the available media types is acceptable: text/html, application/json\n');
    expect(response.headers.getAll('Vary')).toEqual(['Accept']);
  });

  it('is also a plain function', () => {
    expect(preferredMediaType('text/*', ['application/json', 'text/csv'])).toBe('text/csv');
    expect(() => negotiateMediaType('text/csv', ['application/json'])).toThrow(HttpError);
    expect(() => negotiateMediaType(undefined, [])).toThrow(TypeError);
  });
});

describe('errors of a BaseHandler in the middleware around it, over a real socket', () => {
  class Crashing extends BaseHandler {
    doGET(): never {
      throw new TypeError('the <config> is missing');
    }
    doPOST(): never {
      throw HttpError.conflict('edited meanwhile', { headers: [['X-Reason', 'stale']] });
    }
  }
  const servers: TsgiServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });
  async function serve(app: AppLike): Promise<{ url: string; errors: MemoryErrors }> {
    const errors = new MemoryErrors();
    const server = makeServer('127.0.0.1', 0, app, { log: null, errors });
    servers.push(server);
    return { url: (await server.listen()).url, errors };
  }

  it('showErrors({ debug: true }) shows the stack of an error the handler threw', async () => {
    const { url, errors } = await serve(showErrors(Crashing, { debug: true }));
    const response = await fetch(url, { headers: { Accept: 'text/html' } });
    expect(response.status).toBe(500);
    expect(response.headers.get('vary')).toBe('Accept');
    const page = await response.text();
    expect(page).toMatch(/<pre>TypeError: the &lt;config&gt; is missing\n\s+at .*errors\.test\.ts/);
    const reference = /Reference: <code>([0-9a-f]{8})<\/code>/.exec(page)![1]!;
    // showErrors logged it under that reference; the handler logged nothing of its own.
    expect(errors.text).toContain(`GET / [reference ${reference}]`);
    expect(errors.text.split('the <config> is missing').length - 1).toBe(1);
    const json = await fetch(url, { headers: { Accept: 'application/json' } });
    expect((await json.json()) as unknown).toMatchObject({ status: 500, detail: 'TypeError: the <config> is missing' });
  });

  it('httpErrors leaves an HttpError the handler answered as it was, and the server answers the rest', async () => {
    const { url, errors } = await serve(httpErrors(Crashing));
    const conflict = await fetch(url, { method: 'POST', headers: { Accept: 'application/problem+json' } });
    expect(conflict.status).toBe(409);
    expect(conflict.headers.get('x-reason')).toBe('stale');
    expect(conflict.headers.get('vary')).toBe('Accept');
    expect(await conflict.json()).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'edited meanwhile' });
    const crash = await fetch(url);
    expect(crash.status).toBe(500);
    expect(await crash.text()).not.toContain('config');
    expect(errors.text).toContain('the <config> is missing');
  });

  it('httpErrors answers an HttpError that reaches it with the same page and Vary: Accept', async () => {
    const client = new TestClient(
      httpErrors(() => {
        throw HttpError.gone('entry 7 was deleted');
      }),
    );
    const fromMiddleware = await client.get('/', { headers: { Accept: 'application/json' } });
    const fromHandler = await new TestClient(
      class extends BaseHandler {
        doGET(): never {
          throw HttpError.gone('entry 7 was deleted');
        }
      },
    ).get('/', { headers: { Accept: 'application/json' } });
    expect(fromMiddleware.headers.get('Vary')).toBe('Accept');
    expect([fromMiddleware.status, fromMiddleware.text(), [...fromMiddleware.headers]]).toEqual([
      fromHandler.status, fromHandler.text(), [...fromHandler.headers],
    ]);
  });
});
