import { describe, expect, it } from 'vitest';
import { chunkBytes, chunkLength, isBody, openBody } from '../../src/gateway/body.js';
import type { Body, Chunk } from '../../src/gateway/types.js';

describe('isBody', () => {
  it.each([
    ['a string', 'text'],
    ['a Uint8Array', new Uint8Array(2)],
    ['a Buffer', Buffer.from('x')],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a plain object', {}],
    ['a promise', Promise.resolve([])],
  ])('rejects %s', (_what, value) => {
    expect(isBody(value)).toBe(false);
  });

  it('accepts arrays, sets, generators and async iterables', () => {
    async function* asyncGenerator(): AsyncGenerator<Chunk> {}
    function* generator(): Generator<Chunk> {}
    for (const body of [[], new Set(['x']), generator(), asyncGenerator(), { [Symbol.asyncIterator]: () => ({}) }]) {
      expect(isBody(body)).toBe(true);
    }
  });
});

describe('openBody', () => {
  it('reads a sync body synchronously', () => {
    const reader = openBody(['a', 'b']);
    expect(reader.isAsync).toBe(false);
    expect(reader.next()).toEqual({ done: false, value: 'a' });
    expect(reader.next()).toEqual({ done: false, value: 'b' });
    expect(reader.next()).toEqual({ done: true, value: undefined });
  });

  it('prefers the async iterator when a body has both', async () => {
    const body = {
      [Symbol.iterator]: (): Iterator<Chunk> => ['sync'][Symbol.iterator](),
      async *[Symbol.asyncIterator](): AsyncIterator<Chunk> {
        yield 'async';
      },
    };
    const reader = openBody(body);
    expect(reader.isAsync).toBe(true);
    expect(await reader.next()).toEqual({ done: false, value: 'async' });
  });

  it('takes exactly one iterator', () => {
    let taken = 0;
    const body: Body = {
      [Symbol.iterator]: () => {
        taken++;
        return ['x'][Symbol.iterator]();
      },
    };
    const reader = openBody(body);
    reader.next();
    reader.next();
    expect(taken).toBe(1);
  });

  it('calls return() once however often it is closed', async () => {
    let returns = 0;
    const body: Body = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: false, value: 'x' }),
        return: () => {
          returns++;
          return { done: true, value: undefined };
        },
      }),
    };
    const reader = openBody(body);
    expect(await reader.close()).toBeUndefined();
    expect(await reader.close()).toBeUndefined();
    expect(returns).toBe(1);
  });

  it('runs a generator’s finally block on close', async () => {
    let closed = false;
    async function* body(): AsyncGenerator<Chunk> {
      try {
        yield 'a';
        yield 'b';
      } finally {
        closed = true;
      }
    }
    const reader = openBody(body());
    await reader.next();
    await reader.close();
    expect(closed).toBe(true);
  });

  it('resolves to the error return() threw, sync or async, without rejecting', async () => {
    const failure = new Error('cleanup failed');
    const syncBody: Body = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: true, value: undefined }),
        return: () => {
          throw failure;
        },
      }),
    };
    expect(await openBody(syncBody).close()).toBe(failure);
    const asyncBody: Body = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: true, value: undefined }),
        return: async () => Promise.reject(failure),
      }),
    };
    expect(await openBody(asyncBody).close()).toBe(failure);
  });

  it('turns a thrown undefined into an Error, so it is not mistaken for success', async () => {
    const body: Body = {
      [Symbol.iterator]: () => ({
        next: () => ({ done: true, value: undefined }),
        return: () => {
          throw undefined;
        },
      }),
    };
    expect(await openBody(body).close()).toBeInstanceOf(Error);
  });

  it('closes an iterator without return() quietly', async () => {
    const body: Body = { [Symbol.iterator]: () => ({ next: () => ({ done: true, value: undefined }) }) };
    expect(await openBody(body).close()).toBeUndefined();
  });
});

describe('chunkBytes and chunkLength', () => {
  it('measure strings as UTF-8', () => {
    expect(chunkLength('é')).toBe(2);
    expect(chunkLength('😀')).toBe(4);
    expect(Buffer.from(chunkBytes('é')).toString()).toBe('é');
  });

  it('pass bytes through', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(chunkBytes(bytes)).toBe(bytes);
    expect(chunkLength(bytes.subarray(1))).toBe(2);
  });
});
