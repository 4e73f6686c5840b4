/**
 * startResponse's once-or-excInfo rule, its ordering against output, the
 * legacy write(), chunk and body types.
 */
import type { App, Chunk, Environ, StartResponse } from '../../../src/gateway/index.js';
import { cut, ok, refused, TEXT, type Case } from '../case.js';
import { asyncBody, probeOf, syncBody } from '../probe.js';
import { later, messageOf } from './kit.js';

const NONE = {};

/** Writes what a late write() threw to tsgi.errors, so its rule reaches the log whatever the host did with it. */
function lateWrite(environ: Environ, write: (chunk: Chunk) => Promise<void>): void {
  later(environ, async () => {
    try {
      await write('late');
      environ['tsgi.errors'].write('conformance: late write() was accepted\n');
    } catch (error) {
      environ['tsgi.errors'].write(`conformance: late write() refused: ${messageOf(error)}\n`);
    }
  });
}

const twice =
  (excInfo: unknown[]): App =>
  (environ, startResponse) => {
    startResponse('200 OK', TEXT);
    startResponse('200 OK', TEXT, ...excInfo);
    return syncBody(probeOf(environ), () => ['x'][Symbol.iterator]());
  };

export const startCases: Case[] = [
  {
    name: 'start-twice',
    note: 'start-response-twice: a second call without excInfo',
    app: twice([]),
    expect: refused('start-response-twice', NONE),
  },
  {
    name: 'start-twice-null-excinfo',
    note: 'start-response-twice: excInfo null counts as absent (decided, like Python None)',
    app: twice([null]),
    expect: refused('start-response-twice', NONE),
  },
  {
    name: 'start-twice-undefined-excinfo',
    note: 'start-response-twice: an explicit undefined excInfo is absent too',
    app: twice([undefined]),
    expect: refused('start-response-twice', NONE),
  },
  {
    name: 'start-twice-in-body',
    note: 'start-response-twice: twice inside a generator body, before any output',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        startResponse('200 OK', TEXT);
        startResponse('201 Created', TEXT);
        yield 'x';
      }),
    expect: refused('start-response-twice'),
  },
  {
    name: 'start-first-excinfo',
    note: 'a first call that already carries excInfo is an ordinary start',
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT, new Error('handled earlier'));
      return syncBody(probeOf(environ), () => ['x'][Symbol.iterator]());
    },
    expect: ok('x'),
  },
  {
    name: 'start-first-array',
    note: 'start-response-first: an array body with a chunk and no startResponse',
    app: () => ['x'],
    expect: refused('start-response-first', {}),
  },
  {
    name: 'start-first-generator',
    note: 'start-response-first: a generator yields before calling startResponse',
    app: (environ) =>
      syncBody(probeOf(environ), function* () {
        yield 'x';
      }),
    expect: refused('start-response-first'),
  },
  {
    name: 'start-first-empty-chunk',
    note: 'an empty chunk is no output, so it may come before startResponse (§2.1, §3.1)',
    app: (environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        yield '';
        startResponse('200 OK', TEXT);
        yield 'x';
      }),
    expect: ok('x'),
  },
  {
    name: 'start-first-async',
    note: 'start-response-first: an async generator yields before calling startResponse',
    app: (environ) =>
      asyncBody(probeOf(environ), async function* () {
        yield 'x';
      }),
    expect: refused('start-response-first'),
  },
  {
    name: 'start-missing-array',
    note: 'start-response-missing: an empty array and no startResponse',
    app: () => [],
    expect: refused('start-response-missing', {}),
  },
  {
    name: 'start-missing-generator',
    note: 'start-response-missing: a generator that ends without calling startResponse',
    app: (environ) => syncBody(probeOf(environ), function* () {}),
    expect: refused('start-response-missing'),
  },
  {
    name: 'start-missing-async',
    note: 'start-response-missing: an async generator that ends without calling startResponse',
    app: (environ) => asyncBody(probeOf(environ), async function* () {}),
    expect: refused('start-response-missing'),
  },
  {
    name: 'chunk-type-number',
    note: 'chunk-type: a sync body yields a number',
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return syncBody(probeOf(environ), () => [42][Symbol.iterator]());
    },
    expect: refused('chunk-type'),
  },
  {
    name: 'chunk-type-null-in-array',
    note: 'chunk-type: an array whose second element is null; the array is known whole, so nothing is out yet',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return ['a', null] as unknown as string[];
    },
    expect: refused('chunk-type', {}),
  },
  {
    name: 'chunk-type-uint16array',
    note: 'chunk-type: a Uint16Array is not a byte array',
    app: (environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return syncBody(probeOf(environ), () => [new Uint16Array([1, 2])][Symbol.iterator]());
    },
    expect: refused('chunk-type'),
  },
  {
    name: 'chunk-type-after-output',
    note: 'chunk-type: an async body yields an object after its first chunk went out: cut',
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        startResponse('200 OK', TEXT);
        yield 'first';
        await new Promise((resolve) => setTimeout(resolve, 5));
        yield {};
      }),
    expect: cut('chunk-type'),
  },
  {
    name: 'chunk-type-write',
    note: 'chunk-type: write(42) throws into the app, which lets it escape: 500',
    app: (_environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void write(42 as unknown as string);
      return [];
    },
    expect: refused('chunk-type', {}),
  },
  {
    name: 'body-type-string',
    note: 'body-type: a bare string',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return 'hello' as unknown as string[];
    },
    expect: refused('body-type', NONE),
  },
  {
    name: 'body-type-bytes',
    note: 'body-type: a bare Uint8Array',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return new TextEncoder().encode('hello') as unknown as string[];
    },
    expect: refused('body-type', NONE),
  },
  {
    name: 'body-type-null',
    note: 'body-type: null',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return null as unknown as string[];
    },
    expect: refused('body-type', NONE),
  },
  {
    name: 'body-type-plain-object',
    note: 'body-type: an object that is not iterable',
    app: (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return { chunks: ['x'] } as unknown as string[];
    },
    expect: refused('body-type', NONE),
  },
  {
    name: 'body-type-promised-string',
    note: 'body-type: an async app resolving to a string',
    app: async (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      return 'hello' as unknown as string[];
    },
    expect: refused('body-type', NONE),
  },
  {
    name: 'write-alone',
    note: 'write() carries the whole body; the returned body is empty (write commits the headers, so no computed length is owed)',
    app: (environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void write('hello');
      return syncBody(probeOf(environ), () => [][Symbol.iterator]());
    },
    expect: { ...ok('hello'), headers: { 'content-type': 'text/plain; charset=utf-8' } },
  },
  {
    name: 'write-plus-body',
    note: 'write() output goes ahead of the body (no computed length owed)',
    app: (environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void write('one,');
      return syncBody(probeOf(environ), () => ['two'][Symbol.iterator]());
    },
    expect: { ...ok('one,two'), headers: { 'content-type': 'text/plain; charset=utf-8' } },
  },
  {
    name: 'write-in-async-body',
    note: 'write() awaited from inside an async body, between yields',
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        const write = startResponse('200 OK', TEXT);
        yield 'a';
        await write('b');
        yield 'c';
      }),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 }, body: 'abc', headers: { 'content-type': 'text/plain; charset=utf-8' } },
  },
  {
    name: 'write-empty-chunk',
    note: 'an empty write() sends nothing and does not commit the headers',
    app: (environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void write('');
      return syncBody(probeOf(environ), () => ['x'][Symbol.iterator]());
    },
    expect: ok('x'),
  },
  {
    name: 'write-after-close-timer',
    note: 'write-after-close: write() from a timer after the response finished; the app logs what it was told',
    app: (environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      lateWrite(environ, write);
      return syncBody(probeOf(environ), () => ['done'][Symbol.iterator]());
    },
    expect: { ...ok('done'), rules: ['write-after-close'] },
  },
  {
    name: 'write-after-close-async',
    note: 'write-after-close: write() after an async body ended',
    app: (environ: Environ, startResponse: StartResponse) =>
      asyncBody(probeOf(environ), async function* () {
        const write = startResponse('200 OK', TEXT);
        lateWrite(environ, write);
        yield 'done';
      }),
    expect: { status: 200, aborted: false, rules: ['write-after-close'], returns: { body: 1 }, body: 'done' },
  },
];
