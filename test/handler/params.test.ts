import { describe, expect, it } from 'vitest';
import { BaseHandler, body, cookie, environ, field, header, param, query, route, session } from '../../src/handler/index.js';
import { type Session } from '../../src/gateway/index.js';
import { TestClient } from '../../src/testing/index.js';
import { toApp } from '../../src/gateway/app.js';
import type { Environ, StartResponse } from '../../src/gateway/types.js';
import type { UntypedParams } from '../../src/handler/plan.js';

const json = { Accept: 'application/json' };

class Typed extends BaseHandler {
  doGET(
    @query('s') s: string,
    @query('n', { optional: true }) n?: number,
    @query('b', { optional: true }) b?: boolean,
    @query('d', { optional: true }) d?: Date,
  ): string {
    return JSON.stringify({ s, n, b, d: d?.toISOString(), types: [typeof s, typeof n, typeof b, d instanceof Date] });
  }
}

describe('@query with design:paramtypes', () => {
  const client = new TestClient(Typed);
  const get = async (qs: string): Promise<Record<string, unknown>> => (await client.get(`/?${qs}`)).json();

  it('passes strings through untouched, blank included', async () => {
    expect(await get('s=%20hi%20')).toMatchObject({ s: ' hi ', types: ['string', 'undefined', 'undefined', false] });
    expect(await get('s=')).toMatchObject({ s: '' });
  });

  it('converts numbers, booleans and ISO dates', async () => {
    expect(await get('s=x&n=-1.5e2&b=ON&d=2024-02-29')).toEqual({
      s: 'x', n: -150, b: true, d: '2024-02-29T00:00:00.000Z', types: ['string', 'number', 'boolean', true],
    });
    expect(await get('s=x&b=off&d=2024-02-29T13:45:00%2B02:00')).toMatchObject({ b: false, d: '2024-02-29T11:45:00.000Z' });
  });

  it('answers 400 naming the missing parameter', async () => {
    const response = await client.get('/?n=1');
    expect(response.status).toBe(400);
    expect(response.text()).toBe('missing query parameter "s"\n');
  });

  it.each([
    ['n', 'abc', 'a number'], ['n', 'NaN', 'a number'], ['n', 'Infinity', 'a number'], ['n', '%201%20', 'a number'],
    ['n', '0x10', 'a number'], ['n', '1e999', 'a number'], ['b', 'yes', 'a boolean'], ['b', '2', 'a boolean'],
    ['d', '2023-02-29', 'an ISO 8601 date'], ['d', '2024-02-29T10:00', 'an ISO 8601 date'], ['d', 'tomorrow', 'an ISO 8601 date'],
  ])('answers 400 to %s=%s, naming it and the expected type', async (name, value, expected) => {
    const response = await client.get(`/?s=x&${name}=${value}`, { headers: json });
    expect(response.status).toBe(400);
    expect(response.headers.get('Content-Type')).toBe('application/problem+json');
    const problem = response.json<{ detail: string; parameter: unknown }>();
    expect(problem.detail).toContain(`query parameter "${name}" must be ${expected}`);
    expect(problem.parameter).toEqual({ in: 'query', name });
  });

  it('treats a blank optional non-string value as not given', async () => {
    expect(await get('s=x&n=&b=&d=')).toMatchObject({ types: ['string', 'undefined', 'undefined', false] });
  });

  it('takes the first of repeated values for a scalar', async () => {
    expect(await get('s=a&s=b&n=1&n=2')).toMatchObject({ s: 'a', n: 1 });
  });
});

describe('@query options, arrays and parse functions', () => {
  class Options extends BaseHandler {
    doGET(
      @query('page', { default: 1 }) page: number,
      @query('tag') tags: string[],
      @query('id', [Number]) ids: number[],
      @query('csv', { type: (value: string) => value.split(','), optional: true }) csv: string[] | undefined,
      @query('limit', Number) limit: unknown,
      @query('flags', { type: [Boolean], optional: true }) flags: boolean[],
    ): string {
      return JSON.stringify({ page, tags, ids, csv, limit, flags });
    }
  }
  const client = new TestClient(Options);

  it('collects repeats into arrays, converted per item', async () => {
    const response = await client.get('/?tag=a&tag=b&id=1&id=2&limit=5');
    expect(response.json()).toEqual({ page: 1, tags: ['a', 'b'], ids: [1, 2], limit: 5, flags: [] });
  });

  it('lets an explicit type or parse function override the declared one', async () => {
    const response = await client.get('/?tag=a&id=3&csv=x,y&limit=7&page=2&flags=1&flags=off');
    expect(response.json()).toEqual({ page: 2, tags: ['a'], ids: [3], csv: ['x', 'y'], limit: 7, flags: [true, false] });
  });

  it('refuses one bad item of an array, naming the parameter', async () => {
    const response = await client.get('/?tag=a&id=1&id=two&limit=1');
    expect(response.status).toBe(400);
    expect(response.text()).toBe('query parameter "id" must be a number, got "two"\n');
  });

  it('answers a parse function that throws with a 400 carrying its message', async () => {
    class Strict extends BaseHandler {
      doGET(@query('even', (value: string) => {
        if (Number(value) % 2 !== 0) throw new Error('not even');
        return Number(value);
      }) even: number): string {
        return String(even);
      }
    }
    const strict = new TestClient(Strict);
    expect((await strict.get('/?even=4')).text()).toBe('4');
    const bad = await strict.get('/?even=3');
    expect(bad.status).toBe(400);
    expect(bad.text()).toContain('query parameter "even" must be a valid value, got "3": not even');
  });

  it('refuses, at definition, a declared type a string cannot become', () => {
    class Point {
      x = 0;
    }
    expect(() => {
      class Bad extends BaseHandler {
        doGET(@query('p') p: Point): string {
          return String(p);
        }
      }
      return Bad;
    }).toThrow(/Bad\.doGET: parameter 0 \(query parameter "p"\) is declared as Point/);
  });
});

describe('a declared type found unusable only when the class is planned', () => {
  it('refuses the class when its App is made, naming the parameter', async () => {
    class Point {
      x = 0;
    }
    class Late extends BaseHandler {
      doGET(p: unknown): string {
        return String(p);
      }
    }
    // Decorated before its metadata exists, as a hand-written decorator call could be.
    query('p')(Late.prototype, 'doGET', 0);
    Reflect.defineMetadata('design:paramtypes', [Point], Late.prototype, 'doGET');
    expect(() => toApp(Late)).toThrow('Late.doGET: parameter 0 cannot be converted from a string');
    await expect(new TestClient(Late, { catchErrors: true }).get('/?p=1')).rejects.toThrow('Late cannot be served');
  });

  it('answers a 500 when an instance of it is constructed and iterated directly', async () => {
    class Point {
      x = 0;
    }
    class Direct extends BaseHandler {
      doGET(p: unknown): string {
        return String(p);
      }
    }
    query('p')(Direct.prototype, 'doGET', 0);
    Reflect.defineMetadata('design:paramtypes', [Point], Direct.prototype, 'doGET');
    const app = (environ: Environ, startResponse: StartResponse): Direct => new Direct(environ, startResponse);
    await expect(new TestClient(app).get('/?p=1')).rejects.toThrow('Direct.doGET: parameter 0 cannot be converted from a string');
    expect((await new TestClient(app, { catchErrors: true }).get('/?p=1')).status).toBe(500);
  });
});

describe('@param with @route', () => {
  @route('/:year/:slug')
  class Posts extends BaseHandler {
    doGET(@param('year') year: number, @param('slug') slug: string): string {
      return `${typeof year} ${year} ${slug} ${'constructor' in this.params}`;
    }
  }
  const client = new TestClient(Posts);

  it('binds and converts path parameters (already percent-decoded)', async () => {
    expect((await client.get('/2024/caf%C3%A9')).text()).toBe('number 2024 café false');
  });

  it('answers 400 when a path parameter does not convert', async () => {
    const response = await client.get('/next/hello');
    expect(response.status).toBe(400);
    expect(response.text()).toBe('path parameter "year" must be a number, got "next"\n');
  });
});

describe('@field', () => {
  class Signup extends BaseHandler {
    async doPOST(
      @field('email') email: string,
      @field('tag', { optional: true }) tags: string[],
      @field('age', { optional: true }) age?: number,
    ): Promise<string> {
      const again = await this.form();
      return JSON.stringify({ email, age, tags, cached: again.fields.email });
    }
  }
  const client = new TestClient(Signup);

  it('binds urlencoded fields, converting them, and shares the parsed form', async () => {
    const response = await client.post('/', { form: { email: 'a@example.org', age: '36', tag: ['x', 'y'] } });
    expect(response.json()).toEqual({ email: 'a@example.org', age: 36, tags: ['x', 'y'], cached: ['a@example.org'] });
  });

  it('gives [] for an optional array and undefined for a blank optional number', async () => {
    const response = await client.post('/', { form: { email: 'a@example.org', age: '' } });
    expect(response.json()).toEqual({ email: 'a@example.org', tags: [], cached: ['a@example.org'] });
  });

  it('answers 400 for a missing field and 400 for a bad number', async () => {
    expect((await client.post('/', { form: { age: '3' } })).text()).toBe('missing form field "email"\n');
    expect((await client.post('/', { form: { email: 'e', age: 'old' } })).text()).toBe('form field "age" must be a number, got "old"\n');
  });

  it('lets the body layer refuse a body that is not a form', async () => {
    expect((await client.post('/', { json: { email: 'e' } })).status).toBe(415);
  });
});

describe('@body', () => {
  class Notes extends BaseHandler {
    doPOST(@body() note: unknown): string {
      return JSON.stringify({ note, proto: note !== null && typeof note === 'object' ? Object.getPrototypeOf(note) : 'n/a' });
    }
    doPUT(@body({ optional: true }) note: unknown): string {
      return note === undefined ? 'nothing' : 'something';
    }
  }
  const client = new TestClient(Notes);

  it('parses JSON into null-prototype objects', async () => {
    const response = await client.post('/', { json: { title: 'hi', __proto__x: 1 } });
    expect(response.json()).toEqual({ note: { title: 'hi', __proto__x: 1 }, proto: null });
  });

  it('gives text for text bodies', async () => {
    const response = await client.post('/', { body: 'plain words', headers: { 'Content-Type': 'text/plain' } });
    expect(response.json()).toMatchObject({ note: 'plain words' });
  });

  it('answers 400 to a required body that is absent, and undefined to an optional one', async () => {
    const response = await client.post('/');
    expect(response.status).toBe(400);
    expect(response.text()).toBe('missing request body\n');
    expect((await client.put('/')).text()).toBe('nothing');
  });

  it('answers 400 to malformed JSON', async () => {
    const response = await client.post('/', { body: '{"a":', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
  });
});

describe('@header, @cookie, @environ and @session', () => {
  class Misc extends BaseHandler {
    doGET(
      @header('X-Count') count: number,
      @header('Accept-Language', { type: Array, optional: true }) languages: string[],
      @cookie('theme', { default: 'light' }) theme: string,
      @cookie('visits', { type: Number, optional: true }) visits: number | undefined,
      @environ('REMOTE_ADDR') address: string,
      @environ('SERVER_PORT', Number) port: number,
      @session({ optional: true }) maybe: Session | undefined,
    ): string {
      return JSON.stringify({ count, languages, theme, visits, address, port, session: maybe === undefined ? null : maybe.id, getter: this.session === maybe });
    }
  }
  const client = new TestClient(Misc);

  it('binds headers, cookies and environ keys, converting them', async () => {
    const response = await client.get('/', {
      headers: { 'X-Count': '3', 'Accept-Language': 'en, fr;q=0.5', Cookie: 'theme=dark; visits=12' },
      environ: { REMOTE_ADDR: '10.0.0.7' },
    });
    expect(response.json()).toEqual({
      count: 3, languages: ['en', 'fr;q=0.5'], theme: 'dark', visits: 12, address: '10.0.0.7', port: Number(response.json<{ port: number }>().port), session: null, getter: true,
    });
    expect(typeof response.json<{ port: unknown }>().port).toBe('number');
  });

  it('uses defaults and answers 400 for a missing header or a bad cookie', async () => {
    expect((await client.get('/', { headers: { 'X-Count': '1' } })).json()).toMatchObject({ theme: 'light', languages: [] });
    expect((await client.get('/')).text()).toBe('missing header "X-Count"\n');
    const bad = await client.get('/', { headers: { 'X-Count': '1', Cookie: 'visits=many' } });
    expect(bad.text()).toBe('cookie "visits" must be a number, got "many"\n');
  });

  it('binds the session from environ["tsgi.session"]', async () => {
    const store = new Map<string, unknown>();
    const fake: Session = {
      id: 'abc', isNew: true, modified: false,
      get: (key) => store.get(key), set: (key, value) => void store.set(key, value), has: (key) => store.has(key),
      delete: (key) => store.delete(key), clear: () => store.clear(), keys: () => [...store.keys()],
      regenerate: () => undefined, destroy: () => undefined,
    };
    class Counter extends BaseHandler {
      doGET(@session() current: Session): string {
        const visits = Number(current.get('visits') ?? 0) + 1;
        current.set('visits', visits);
        return `visit ${visits}`;
      }
    }
    const counter = new TestClient(Counter);
    expect((await counter.get('/', { environ: { 'tsgi.session': fake } })).text()).toBe('visit 1');
    expect((await counter.get('/', { environ: { 'tsgi.session': fake } })).text()).toBe('visit 2');
    await expect(counter.get('/')).rejects.toThrow('wrap the app in session middleware');
    expect((await client.get('/', { headers: { 'X-Count': '1' }, environ: { 'tsgi.session': fake } })).json()).toMatchObject({ session: 'abc', getter: true });
  });

  it('fails with a server error, not a 400, when a required environ key is missing', async () => {
    class Needs extends BaseHandler {
      doGET(@environ('myapp.user') user: string): string {
        return user;
      }
    }
    await expect(new TestClient(Needs).get('/')).rejects.toThrow('environ key "myapp.user" is missing');
    expect((await new TestClient(Needs, { catchErrors: true }).get('/')).status).toBe(500);
  });
});

describe('parameters without a runtime type', () => {
  it('refuse the class when its App is made, naming the method, the parameter and the fix', () => {
    class Union extends BaseHandler {
      doGET(@query('n', { optional: true }) n: number | undefined): string {
        return typeof n;
      }
    }
    expect(() => toApp(Union)).toThrow(
      'Union.doGET declares parameters with no runtime type (a union such as `number | undefined`, an interface, unknown or any), ' +
        "so parameter 0 (query parameter \"n\") would stay a string; give the type in the decorator, e.g. @query('n', { type: Number })",
    );
    expect(() => toApp(Union)).toThrow("or write an optional parameter as `n?: number` (or set static untypedParams = 'warn' to accept strings)");
  });

  it("stay strings with untypedParams = 'warn', warning at planning and once in tsgi.errors", async () => {
    class Loose extends BaseHandler {
      static override untypedParams: UntypedParams = 'warn';
      doGET(@query('n', { optional: true }) n: number | undefined): string {
        return typeof n;
      }
    }
    const warnings: string[] = [];
    const onWarning = (warning: Error): void => void warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const client = new TestClient(Loose);
      const first = await client.get('/?n=5');
      expect(first.text()).toBe('string');
      expect(first.errors).toContain('tsgi: Loose.doGET declares parameters with no runtime type');
      expect(first.errors).toContain('parameter 0 (query parameter "n")');
      const second = await client.get('/?n=5');
      expect(second.errors).toBe('');
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([expect.stringContaining('TsgiWarning: tsgi: Loose.doGET declares parameters with no runtime type')]);
    } finally {
      process.off('warning', onWarning);
    }
  });
});

describe('undecorated methods', () => {
  it('still get no arguments and the plain dispatch', async () => {
    class Plain extends BaseHandler {
      doGET(...args: unknown[]): string {
        return `args ${args.length}`;
      }
    }
    expect((await new TestClient(Plain).get('/')).text()).toBe('args 0');
  });
});
