import { describe, expect, it } from 'vitest';
import { toApp } from '../../src/gateway/app.js';
import { BaseHandler, before, param, query, route, status } from '../../src/handler/index.js';
import { editDistance } from '../../src/handler/method-names.js';
import { TestClient } from '../../src/testing/index.js';

/** The message `toApp` throws for `handlerClass`, or '' when it makes the App. */
function refusal(handlerClass: typeof BaseHandler): string {
  try {
    toApp(handlerClass);
    return '';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('@param names checked against @route when the class is planned', () => {
  it('refuses a name the pattern does not have, naming both', () => {
    @route('/:id')
    class Typo extends BaseHandler {
      doGET(@param('idd') id: string): string {
        return id;
      }
    }
    expect(refusal(Typo)).toBe('Typo cannot be served:\n  Typo.doGET binds path parameter "idd", which @route("/:id") does not have (it has "id")');
  });

  it('refuses a path parameter in a class without @route, and in a doXALL method', () => {
    class NoRoute extends BaseHandler {
      doGET(@param('id') id: string): string {
        return id;
      }
    }
    expect(refusal(NoRoute)).toContain("NoRoute.doGET binds path parameter \"id\", but the class has no @route; add one, e.g. @route('/:id')");
    @route('/:id')
    class AtRoot extends BaseHandler {
      doGETALL(@param('id', { optional: true }) id?: string): string {
        return String(id);
      }
    }
    expect(refusal(AtRoot)).toContain(
      'AtRoot.doGETALL binds path parameter "id", but doGETALL answers the collection root, where @route("/:id") gives no path parameters; bind it in doGET',
    );
  });

  it('checks each concrete class against the route it ends up with', async () => {
    class Base extends BaseHandler {
      doGET(@param('slug') slug: string): string {
        return slug;
      }
    }
    @route('/:slug')
    class Posts extends Base {}
    @route('/:id')
    class Wrong extends Base {}
    expect((await new TestClient(Posts).get('/hello')).text()).toBe('hello');
    expect(refusal(Wrong)).toContain('Base.doGET binds path parameter "slug", which @route("/:id") does not have (it has "id")');
  });

  it('lists every mistake of the class in one message', () => {
    @route('/:year/:slug')
    class Several extends BaseHandler {
      doGET(@param('yeer') year: number, @param('slog') slug: string): string {
        return `${year}${slug}`;
      }
      doGETT(): string {
        return '';
      }
    }
    expect(refusal(Several).split('\n')).toEqual([
      'Several cannot be served:',
      expect.stringContaining('Several.doGETT answers no request'),
      '  Several.doGET binds path parameter "yeer", which @route("/:year/:slug") does not have (it has "year", "slug")',
      '  Several.doGET binds path parameter "slog", which @route("/:year/:slug") does not have (it has "year", "slug")',
    ]);
  });
});

describe('doX names checked when the class is planned', () => {
  it('accepts the HTTP methods, their ALL forms, helpers and listed extension methods', async () => {
    class Fine extends BaseHandler {
      static override extensionMethods = ['BAN'];
      doGET(): string {
        return this.doSomething();
      }
      doGETALL(): string {
        return 'all';
      }
      doPOSTALL(): string {
        return 'posted';
      }
      doPROPFIND(): string {
        return 'props';
      }
      doBAN(): string {
        return 'banned';
      }
      doSomething(): string {
        return 'helped';
      }
      doUpdate(): void {}
    }
    expect(refusal(Fine)).toBe('');
    const client = new TestClient(Fine);
    expect((await client.request('BAN', '/x')).text()).toBe('banned');
    expect((await client.request('PROPFIND', '/x')).text()).toBe('props');
    expect((await client.get('/x')).text()).toBe('helped');
  });

  it('refuses a misspelt all-caps name, suggesting the nearest', () => {
    class Misspelt extends BaseHandler {
      doGETT(): string {
        return '';
      }
      doPOSTALLL(): string {
        return '';
      }
      doFOO(): string {
        return '';
      }
    }
    const message = refusal(Misspelt);
    expect(message).toContain(
      "Misspelt.doGETT answers no request: GETT is not an HTTP method tsgi knows; did you mean doGET? (an extension method is listed in the class's static extensionMethods, e.g. ['GETT'])",
    );
    expect(message).toContain('Misspelt.doPOSTALLL answers no request: POSTALLL is not an HTTP method tsgi knows; did you mean doPOSTALL?');
    expect(message).toContain("Misspelt.doFOO answers no request: FOO is not an HTTP method tsgi knows (an extension method is listed in the class's static extensionMethods, e.g. ['FOO'])");
  });

  it('refuses a mixed-case spelling of a core method, which no request reaches', () => {
    class Cased extends BaseHandler {
      doGet(): string {
        return '';
      }
      doGETAll(): string {
        return '';
      }
      doPostAll(): string {
        return '';
      }
    }
    const message = refusal(Cased);
    expect(message).toContain('Cased.doGet answers no request: request methods are upper case after "do"; did you mean doGET?');
    expect(message).toContain('Cased.doGETAll answers no request: request methods are upper case after "do"; did you mean doGETALL?');
    expect(message).toContain('Cased.doPostAll answers no request: request methods are upper case after "do"; did you mean doPOSTALL?');
  });

  it('measures edit distance, stopping at the limit', () => {
    expect(editDistance('doGETT', 'doGET', 3)).toBe(1);
    expect(editDistance('doPSOT', 'doPOST', 3)).toBe(2);
    expect(editDistance('doDELETE', 'doGET', 3)).toBe(3);
    expect(editDistance('', 'abc', 5)).toBe(3);
  });
});

describe('defaults checked against the parameter type', () => {
  it('refuses, when decorated, a default that is not of the explicit type (and the compiler does too)', () => {
    expect(() => {
      class BadDefault extends BaseHandler {
        doGET(
          // @ts-expect-error the default of a Number parameter is a number
          @query('n', { type: Number, default: 'x' }) n: number,
        ): string {
          return String(n);
        }
      }
      return BadDefault;
    }).toThrow('BadDefault.doGET parameter 0 (query parameter "n") has default "x", which is not a value of its type Number');
  });

  it('refuses, when planned, a default that is not of the declared type', () => {
    class Declared extends BaseHandler {
      doGET(@query('page', { default: '1' }) page: number, @query('tags', { default: [1] }) tags: string[]): string {
        return `${page}${tags.join()}`;
      }
    }
    expect(refusal(Declared)).toBe(
      'Declared cannot be served:\n' +
        '  Declared.doGET parameter 0 (query parameter "page") has default "1", which is not a value of its type Number\n' +
        '  Declared.doGET parameter 1 (query parameter "tags") has default [1], which is not a value of its type Array',
    );
  });

  it('accepts fitting defaults, and any default of a parse function or undefined', async () => {
    class Fitting extends BaseHandler {
      doGET(
        @query('page', { default: 1 }) page: number,
        @query('ids', { type: [Number], default: [1, 2] }) ids: number[],
        @query('csv', { type: (value: string) => value.split(','), default: ['a'] }) csv: string[],
        @query('when', { default: new Date(0) }) when: Date,
        @query('maybe', { type: Number, default: undefined }) maybe?: number,
      ): string {
        return JSON.stringify({ page, ids, csv, when, maybe });
      }
    }
    expect((await new TestClient(Fitting).get('/')).json()).toEqual({ page: 1, ids: [1, 2], csv: ['a'], when: '1970-01-01T00:00:00.000Z' });
  });
});

describe('a 405 at the root of a routed class', () => {
  @route('/:id')
  class Items extends BaseHandler {
    doGETALL(): string {
      return 'all';
    }
    doGET(@param('id') id: number): string {
      return `item ${id}`;
    }
    doPOST(): string {
      return 'posted';
    }
  }

  it('keeps the answer exact and names doPOSTALL in tsgi.errors, once', async () => {
    const client = new TestClient(Items);
    const response = await client.post('/', { body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('Allow')).toBe('GET, HEAD, OPTIONS');
    expect(response.text()).toBe('POST is not allowed here; allowed: GET, HEAD, OPTIONS\n');
    expect(response.errors).toBe(
      'tsgi: POST at the collection root of Items is answered by doPOSTALL, which Items does not have; ' +
        'its doPOST answers only paths matching @route("/:id")\n',
    );
    expect((await client.post('/', { body: 'x' })).errors).toBe('');
    expect((await client.post('/3', { body: 'x' })).text()).toBe('posted');
  });

  it('says nothing for a method no path answers', async () => {
    const response = await new TestClient(Items).request('PUT', '/');
    expect(response.status).toBe(405);
    expect(response.errors).toBe('');
  });

  it('explains a 404 at the root of a class without doXALL methods too', async () => {
    @route('/:id')
    class Only extends BaseHandler {
      doGET(@param('id') id: string): string {
        return id;
      }
    }
    const response = await new TestClient(Only).get('/');
    expect(response.status).toBe(404);
    expect(response.errors).toContain('tsgi: GET at the collection root of Only is answered by doGETALL, which Only does not have');
  });
});

describe('legacy method decorators on what is not a doX instance method', () => {
  it('refuse a static method when the class is defined', () => {
    expect(() => {
      class Static extends BaseHandler {
        @status(201)
        static doPOST(): string {
          return '';
        }
      }
      return Static;
    }).toThrow('@status decorates doX instance methods, not the static doPOST');
    expect(() => {
      class StaticHook extends BaseHandler {
        @before(() => {})
        static doGET(): string {
          return '';
        }
      }
      return StaticHook;
    }).toThrow('@before decorates doX instance methods, not the static doGET');
  });
});
