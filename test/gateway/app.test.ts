import { describe, expect, it } from 'vitest';
import { ANSWER, isAppClass, isAppLike, toApp } from '../../src/gateway/app.js';
import type { App, Body, Chunk, Environ, StartResponse } from '../../src/gateway/types.js';
import { makeEnviron } from './validator/fake-server.js';

const noStart: StartResponse = () => async () => {};

class SyncHello implements Iterable<Chunk> {
  constructor(readonly environ: Environ, readonly start: StartResponse) {}
  *[Symbol.iterator](): Iterator<Chunk> {
    yield `hello ${this.environ.PATH_INFO}`;
  }
}

class AsyncHello implements AsyncIterable<Chunk> {
  async *[Symbol.asyncIterator](): AsyncIterator<Chunk> {
    yield 'hello';
  }
}

describe('isAppClass', () => {
  it('recognises classes with iterable instances', () => {
    expect(isAppClass(SyncHello)).toBe(true);
    expect(isAppClass(AsyncHello)).toBe(true);
    expect(isAppClass(class extends AsyncHello {})).toBe(true);
  });

  it('does not take apps for classes', () => {
    const arrow: App = () => [];
    function plain(): Chunk[] {
      return [];
    }
    async function asyncApp(): Promise<Chunk[]> {
      return [];
    }
    function* generatorApp(): Generator<Chunk> {
      yield 'x';
    }
    async function* asyncGeneratorApp(): AsyncGenerator<Chunk> {
      yield 'x';
    }
    for (const app of [arrow, plain, asyncApp, generatorApp, asyncGeneratorApp]) expect(isAppClass(app)).toBe(false);
  });

  it('does not take non-iterable classes or non-functions for app classes', () => {
    expect(isAppClass(class {})).toBe(false);
    expect(isAppClass({ prototype: { [Symbol.iterator]() {} } })).toBe(false);
    expect(isAppClass(null)).toBe(false);
  });
});

describe('isAppLike', () => {
  it('accepts functions only', () => {
    expect(isAppLike(() => [])).toBe(true);
    expect(isAppLike(SyncHello)).toBe(true);
    expect(isAppLike(42)).toBe(false);
    expect(isAppLike({})).toBe(false);
  });
});

describe('toApp', () => {
  it('returns app functions unchanged, generator functions included', () => {
    const app: App = () => [];
    async function* generatorApp(): AsyncGenerator<Chunk> {
      yield 'x';
    }
    expect(toApp(app)).toBe(app);
    expect(toApp(generatorApp)).toBe(generatorApp);
  });

  it('turns a class into an app that constructs one body per request', () => {
    const app = toApp(SyncHello);
    const environ = makeEnviron({ PATH_INFO: '/you' });
    const first = app(environ, noStart);
    const second = app(environ, noStart);
    expect(first).toBeInstanceOf(SyncHello);
    expect(first).not.toBe(second);
    expect((first as SyncHello).start).toBe(noStart);
    expect([...(first as SyncHello)]).toEqual(['hello /you']);
  });

  it('calls a class\'s ANSWER method, with the class as this, instead of constructing it', () => {
    const seen: unknown[] = [];
    class Answering extends SyncHello {
      static [ANSWER](this: unknown, environ: Environ, startResponse: StartResponse): Body {
        seen.push(this, environ.PATH_INFO, startResponse);
        return ['answered'];
      }
    }
    const body = toApp(Answering)(makeEnviron({ PATH_INFO: '/now' }), noStart);
    expect(body).toEqual(['answered']);
    expect(seen).toEqual([Answering, '/now', noStart]);
    expect(toApp(Answering).name).toBe('Answering');
  });

  it('gives the same app for the same class, named after it', () => {
    expect(toApp(AsyncHello)).toBe(toApp(AsyncHello));
    expect(toApp(AsyncHello).name).toBe('AsyncHello');
  });
});

describe('appName', () => {
  it('names a stack after the app at its heart, through every marked wrapper', async () => {
    const { appName, wrapApp } = await import('../../src/gateway/app.js');
    class GuessHandler {
      [Symbol.iterator](): Iterator<string> {
        return [][Symbol.iterator]();
      }
    }
    const logged = wrapApp(GuessHandler, function logged() {
      return [];
    });
    const compressed = wrapApp(logged, function compressed() {
      return [];
    });
    expect(appName(compressed)).toBe('GuessHandler');
    expect(appName(() => [])).toBe('app');
    expect(appName(function site() {
      return [];
    })).toBe('site');
  });
});
