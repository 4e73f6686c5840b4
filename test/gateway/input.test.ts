import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { ChunkInput, emptyInput } from '../../src/gateway/input.js';

async function* chunks(...parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

function text(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString();
}

describe('ChunkInput.read', () => {
  it('returns exactly n bytes across chunk boundaries', async () => {
    const input = new ChunkInput(chunks('ab', 'cde', 'f', 'ghij'));
    expect(text(await input.read(3))).toBe('abc');
    expect(text(await input.read(4))).toBe('defg');
    expect(text(await input.read(1))).toBe('h');
    expect(text(await input.read(5))).toBe('ij');
    expect((await input.read(5)).length).toBe(0);
  });

  it('reads to the end without a size, then gives empty arrays', async () => {
    const input = new ChunkInput(chunks('ab', '', 'cd'));
    expect(text(await input.read(1))).toBe('a');
    expect(text(await input.read())).toBe('bcd');
    expect((await input.read()).length).toBe(0);
    expect((await input.read(3)).length).toBe(0);
  });

  it('treats read(0) as a no-op', async () => {
    let opened = false;
    const input = new ChunkInput(() => {
      opened = true;
      return chunks('x');
    });
    expect((await input.read(0)).length).toBe(0);
    expect(opened).toBe(false);
  });

  it.each([-1, 1.5, Number.NaN, Infinity])('refuses size %d with a RangeError', async (size) => {
    await expect(new ChunkInput(chunks('x')).read(size)).rejects.toThrow(RangeError);
  });

  it('returns Buffers, so callers can toString() them', async () => {
    const input = new ChunkInput(chunks(new Uint8Array([104, 105]), new Uint8Array([33])));
    const bytes = await input.read();
    expect(Buffer.isBuffer(bytes)).toBe(true);
    expect(bytes.toString()).toBe('hi!');
  });

  it('accepts strings from its source', async () => {
    async function* strings(): AsyncGenerator<string> {
      yield 'héllo';
      yield ' wörld';
    }
    const input = new ChunkInput(strings() as unknown as AsyncIterable<Uint8Array>);
    expect(text(await input.read(6))).toBe('héllo');
    expect(text(await input.read())).toBe(' wörld');
  });
});

describe('ChunkInput.readline', () => {
  it('reads lines that span chunks', async () => {
    const input = new ChunkInput(chunks('first li', 'ne\nsec', 'ond\n\nlast'));
    expect(text(await input.readline())).toBe('first line\n');
    expect(text(await input.readline())).toBe('second\n');
    expect(text(await input.readline())).toBe('\n');
    expect(text(await input.readline())).toBe('last');
    expect((await input.readline()).length).toBe(0);
  });

  it('stops at the limit, leaving the rest of the line', async () => {
    const input = new ChunkInput(chunks('abc', 'def\ngh'));
    expect(text(await input.readline(4))).toBe('abcd');
    expect(text(await input.readline(10))).toBe('ef\n');
    expect(text(await input.readline(0))).toBe('');
    expect(text(await input.readline(2))).toBe('gh');
  });

  it('treats a negative limit as none', async () => {
    const input = new ChunkInput(chunks('abc\n'));
    expect(text(await input.readline(-1))).toBe('abc\n');
  });

  it('mixes with read()', async () => {
    const input = new ChunkInput(chunks('a=1\nb=2'));
    expect(text(await input.readline())).toBe('a=1\n');
    expect(text(await input.read())).toBe('b=2');
  });
});

describe('ChunkInput iteration', () => {
  it('yields buffered bytes first, then the remaining chunks', async () => {
    const input = new ChunkInput(chunks('abc', '', 'de', 'f'));
    expect(text(await input.read(1))).toBe('a');
    const seen: string[] = [];
    for await (const chunk of input) seen.push(text(chunk));
    expect(seen).toEqual(['bc', 'de', 'f']);
    expect((await input.read()).length).toBe(0);
  });
});

describe('lazy sources', () => {
  it('opens a source function only on the first read', async () => {
    let opened = 0;
    const input = new ChunkInput(() => {
      opened++;
      return chunks('x', 'y');
    });
    expect(opened).toBe(0);
    expect(text(await input.read(1))).toBe('x');
    expect(text(await input.read())).toBe('y');
    expect(opened).toBe(1);
  });

  it('propagates a failing source', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('a');
      throw new Error('connection reset');
    }
    const input = new ChunkInput(failing());
    await expect(input.read()).rejects.toThrow('connection reset');
  });
});

describe('emptyInput', () => {
  it('is at end of input for every kind of read', async () => {
    const input = emptyInput();
    expect((await input.read()).length).toBe(0);
    expect((await input.read(10)).length).toBe(0);
    expect((await input.readline()).length).toBe(0);
    const seen: Uint8Array[] = [];
    for await (const chunk of input) seen.push(chunk);
    expect(seen).toEqual([]);
  });

  it('gives a fresh stream each time', () => {
    expect(emptyInput()).not.toBe(emptyInput());
  });
});
