import { describe, expect, it } from 'vitest';
import { stack, tapBody, closeBody, TestClient, type App, type Middleware } from '../../src/index.js';

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hello'];
};

/** Records the order in which layers see the request. */
function layer(name: string, seen: string[]): Middleware {
  return (app) => (environ, startResponse) => {
    seen.push(name);
    return app(environ, (status, headers, excInfo) => startResponse(status, [...headers, ['X-Layer', name]], excInfo));
  };
}

describe('stack', () => {
  it('makes the first listed middleware the innermost', async () => {
    const seen: string[] = [];
    const app = stack(hello, layer('inner', seen), layer('middle', seen), layer('outer', seen));
    const response = await new TestClient(app).get('/');
    expect(seen).toEqual(['outer', 'middle', 'inner']);
    expect(response.headers.getAll('X-Layer')).toEqual(['inner', 'middle', 'outer']);
  });

  it('returns the app itself with no middleware', async () => {
    expect(stack(hello)).toBe(hello);
  });
});

describe('tapBody', () => {
  it('reports chunks and the end, keeping sync bodies sync', () => {
    const events: string[] = [];
    const body = tapBody(['a', 'b'], { chunk: (c) => events.push(String(c)), end: (outcome) => events.push(outcome) });
    expect(typeof (body as Iterable<unknown>)[Symbol.iterator]).toBe('function');
    expect([...(body as Iterable<string>)]).toEqual(['a', 'b']);
    expect(events).toEqual(['a', 'b', 'complete']);
  });

  it('forwards return() to the inner iterator even before the first next()', async () => {
    let returned = false;
    const inner: AsyncIterable<string> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: false, value: 'x' }),
        return: async () => {
          returned = true;
          return { done: true, value: undefined };
        },
      }),
    };
    const outcomes: string[] = [];
    const body = tapBody(inner, { end: (outcome) => outcomes.push(outcome) });
    await closeBody(body);
    expect(returned).toBe(true);
    expect(outcomes).toEqual(['closed']);
  });

  it('reports an error from the body once', async () => {
    const outcomes: string[] = [];
    const failing = (function* () {
      yield 'a';
      throw new Error('broken');
    })();
    const body = tapBody(failing, { end: (outcome) => outcomes.push(outcome) }) as Iterable<string>;
    const iterator = body[Symbol.iterator]();
    iterator.next();
    expect(() => iterator.next()).toThrow('broken');
    iterator.return?.();
    expect(outcomes).toEqual(['error']);
  });
});
