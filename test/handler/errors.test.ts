import { describe, expect, it } from 'vitest';
import { BaseHandler, HttpError, negotiateMediaType, preferredMediaType, renderError } from '../../src/index.js';
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

  it('negotiates the generic 500 too, never leaking the cause', async () => {
    const response = await client.post('/', { body: 'x', headers: { Accept: 'application/json' } });
    expect(response.status).toBe(500);
    expect(response.json()).toEqual({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Internal Server Error' });
    expect(response.text()).not.toContain('hunter2');
    expect(response.errors).toContain('hunter2');
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
    expect(renderError(HttpError.badRequest('bad'), undefined)).toEqual({ contentType: 'text/plain; charset=utf-8', body: 'bad\n' });
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
