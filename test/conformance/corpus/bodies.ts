/**
 * Body shapes (array, generators, custom iterators, app classes, promises),
 * throws before and after the headers, and excInfo.
 */
import type { Chunk, Environ, StartResponse } from '../../../src/gateway/index.js';
import { cut, ok, refused, TEXT, type Case } from '../case.js';
import { asyncBody, countedAsyncIterator, countedIterator, probeOf, syncBody } from '../probe.js';

const BIG = 'x'.repeat(70 * 1024);
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));

class SyncClassApp implements Iterable<Chunk> {
  constructor(
    private readonly environ: Environ,
    private readonly start: StartResponse,
  ) {}
  [Symbol.iterator](): Iterator<Chunk> {
    const start = this.start;
    return countedIterator(
      (function* () {
        start('200 OK', TEXT);
        yield 'from a class';
      })(),
      probeOf(this.environ),
    );
  }
}

class AsyncClassApp implements AsyncIterable<Chunk> {
  constructor(
    private readonly environ: Environ,
    private readonly start: StartResponse,
  ) {}
  [Symbol.asyncIterator](): AsyncIterator<Chunk> {
    const start = this.start;
    return countedAsyncIterator(
      (async function* () {
        start('200 OK', TEXT);
        await tick();
        yield 'from an async class';
      })(),
      probeOf(this.environ),
    );
  }
}

/** An array whose iterator is replaced, so a host must take it and call its return(). */
function countedArray(environ: Environ, chunks: string[]): string[] {
  const array = [...chunks];
  const probe = probeOf(environ);
  Object.defineProperty(array, Symbol.iterator, {
    value: () => countedIterator(Array.prototype[Symbol.iterator].call(chunks), probe),
  });
  return array;
}

const ASYNC_TEXT = { 'content-type': 'text/plain; charset=utf-8', 'content-length': null };
const streamed = (body: string): Case['expect'] => ({ status: 200, aborted: false, rules: [], returns: { body: 1 }, body, headers: ASYNC_TEXT });

export const bodyCases: Case[] = [
  {
    name: 'body-array',
    note: 'a plain array: no iterator to close (returns {}), length known',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return ['hello ', new TextEncoder().encode('w\u00f6rld')];
    },
    expect: ok('hello w\u00f6rld', {}),
  },
  {
    name: 'body-array-empty',
    note: 'an empty array: 200 with Content-Length 0',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return [];
    },
    expect: ok('', {}),
  },
  {
    name: 'body-array-counted-iterator',
    note: 'an array with its own iterator: the host must take it and call its return() once',
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return countedArray(environ, ['a', 'b']);
    },
    expect: ok('ab'),
  },
  {
    name: 'body-sync-generator',
    note: 'a sync generator calling startResponse inside',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        yield 'one ';
        yield 'two';
      }),
    expect: ok('one two'),
  },
  {
    name: 'body-sync-generator-large',
    note: 'a sync body past 64 KiB: streamed, so no computed Content-Length',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        yield BIG;
        yield 'end';
      }),
    expect: { ...streamed(`${BIG}end`), headers: ASYNC_TEXT },
  },
  {
    name: 'body-empty-chunks',
    note: 'empty chunks between others send nothing',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        yield '';
        yield 'a';
        yield new Uint8Array(0);
        yield 'b';
        yield '';
      }),
    expect: ok('ab'),
  },
  {
    name: 'body-only-empty-chunks',
    note: 'a body of empty chunks only: headers at the end, Content-Length 0',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        yield '';
        yield '';
      }),
    expect: ok(''),
  },
  {
    name: 'body-async-generator',
    note: 'an async generator calling startResponse inside: streamed, no Content-Length',
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        startResponse('200 OK', TEXT);
        await tick();
        yield 'one ';
        await tick();
        yield 'two';
      }),
    expect: streamed('one two'),
  },
  {
    name: 'body-async-empty',
    note: 'an async body that yields nothing after startResponse',
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        startResponse('200 OK', TEXT);
      }),
    expect: { ...streamed(''), headers: { 'content-type': 'text/plain; charset=utf-8' } },
  },
  {
    name: 'body-custom-iterator',
    note: 'a hand-written sync iterator object (next and return)',
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      let i = 0;
      return syncBody(probeOf(environ), () => ({
        next: () => (i < 3 ? { done: false, value: String(i++) } : { done: true, value: undefined }),
        return: () => ({ done: true, value: undefined }),
      }));
    },
    expect: ok('012'),
  },
  {
    name: 'body-custom-async-iterator',
    note: 'a hand-written async iterator object',
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      let i = 0;
      return asyncBody(probeOf(environ), () => ({
        next: async () => (i < 3 ? { done: false, value: String(i++) } : { done: true, value: undefined }),
      }));
    },
    expect: streamed('012'),
  },
  {
    name: 'body-prefers-async-iterator',
    note: 'a body with both iterators: the host takes only the async one (§3.1)',
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      const probe = probeOf(environ);
      return {
        [Symbol.iterator]: () => countedIterator(['sync'][Symbol.iterator](), probe, 'sync'),
        [Symbol.asyncIterator]: () =>
          countedAsyncIterator(
            (async function* () {
              yield 'async';
            })(),
            probe,
          ),
      };
    },
    expect: streamed('async'),
  },
  {
    name: 'body-app-class',
    note: 'an AppClass whose instances are sync iterables',
    app: SyncClassApp,
    expect: ok('from a class'),
  },
  {
    name: 'body-app-class-async',
    note: 'an AppClass whose instances are async iterables',
    app: AsyncClassApp,
    expect: streamed('from an async class'),
  },
  {
    name: 'body-promised-array',
    note: 'an async app resolving to an array',
    app: async (_environ, startResponse) => {
      await tick();
      startResponse('200 OK', TEXT);
      return ['later'];
    },
    expect: ok('later', {}),
  },
  {
    name: 'body-promised-generator',
    note: 'an async app resolving to a counted sync generator',
    app: async (environ, startResponse) => {
      await tick();
      startResponse('200 OK', TEXT);
      return syncBody(probeOf(environ), function* () {
        yield 'later';
      });
    },
    expect: ok('later'),
  },
  {
    name: 'throw-app-sync',
    note: 'the app throws before startResponse',
    app: () => {
      throw new Error('app exploded');
    },
    expect: refused(null, {}),
  },
  {
    name: 'throw-app-after-start',
    note: 'the app throws after startResponse, before returning a body',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      throw new Error('app exploded after start');
    },
    expect: refused(null, {}),
  },
  {
    name: 'throw-app-rejects',
    note: "the app's promise rejects",
    app: async () => {
      await tick();
      throw new Error('app rejected');
    },
    expect: refused(null, {}),
  },
  {
    name: 'throw-non-error',
    note: 'the app throws a string, not an Error',
    app: () => {
      throw 'a string';
    },
    expect: refused(null, {}),
  },
  {
    name: 'throw-sync-body-before-output',
    note: 'a sync body throws before yielding',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        throw new Error('body exploded');
      }),
    expect: refused(null),
  },
  {
    name: 'throw-sync-body-within-64k',
    note: 'a sync body throws after a small chunk: nothing is on the wire yet (the host gathers up to 64 KiB), so 500',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        yield 'partial';
        throw new Error('body exploded after a chunk');
      }),
    expect: refused(null),
  },
  {
    name: 'throw-sync-body-after-64k',
    note: 'a sync body throws after more than 64 KiB went out: cut',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        yield BIG;
        throw new Error('body exploded after 70 KiB');
      }),
    expect: cut(null),
  },
  {
    name: 'throw-async-body-before-output',
    note: 'an async body throws before yielding',
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        startResponse('200 OK', TEXT);
        await tick();
        throw new Error('async body exploded');
      }),
    expect: refused(null),
  },
  {
    name: 'throw-async-body-after-output',
    note: 'an async body throws after its first chunk: cut',
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        startResponse('200 OK', TEXT);
        yield 'partial';
        await tick();
        throw new Error('async body exploded after a chunk');
      }),
    expect: cut(null),
  },
  {
    name: 'throw-in-return',
    lateError: true,
    note: "the body's return() throws after a complete response: logged, the response stands",
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      let done = false;
      return syncBody(probeOf(environ), () => ({
        next: () => (done ? { done: true, value: undefined } : ((done = true), { done: false, value: 'fine' })),
        return: () => {
          throw new Error('return() exploded');
        },
      }));
    },
    expect: ok('fine'),
  },
  {
    name: 'excinfo-replace-before-output',
    note: 'startResponse again with excInfo before output replaces status and headers',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', [...TEXT, ['X-First', '1']]);
        try {
          throw new Error('database down');
        } catch (error) {
          startResponse('503 Service Unavailable', [...TEXT, ['Retry-After', '5']], error);
          yield 'try later';
        }
      }),
    expect: { ...ok('try later'), status: 503, headers: { 'x-first': null, 'retry-after': '5', 'content-length': '9' } },
  },
  {
    name: 'excinfo-rethrow-after-output',
    note: 'startResponse with excInfo after output rethrows excInfo: cut',
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        startResponse('200 OK', TEXT);
        yield 'partial';
        await tick();
        startResponse('500 Internal Server Error', TEXT, new Error('too late to change'));
        yield 'never';
      }),
    expect: cut(null),
  },
  {
    name: 'excinfo-rethrow-after-write',
    note: 'write() puts output on the wire, so a later excInfo call rethrows: cut',
    app: (environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void write('written');
      return asyncBody(probeOf(environ), async function* () {
        await tick();
        startResponse('500 Internal Server Error', TEXT, new Error('too late after write'));
        yield 'never';
      });
    },
    expect: cut(null),
  },
];
