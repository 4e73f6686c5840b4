import { describe, expect, it } from 'vitest';
import { HeaderList } from '../../src/gateway/header-list.js';
import type { ResponseHeaders } from '../../src/gateway/types.js';

describe('HeaderList', () => {
  it('reads by case-insensitive name', () => {
    const headers = new HeaderList([
      ['content-type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['SET-COOKIE', 'b=2'],
    ]);
    expect(headers.get('Content-Type')).toBe('text/plain');
    expect(headers.get('set-cookie')).toBe('a=1');
    expect(headers.getAll('Set-Cookie')).toEqual(['a=1', 'b=2']);
    expect(headers.getAll('X-None')).toEqual([]);
    expect(headers.get('X-None')).toBeUndefined();
    expect([headers.has('CONTENT-TYPE'), headers.has('X-None')]).toEqual([true, false]);
  });

  it('counts an empty value as present', () => {
    expect(new HeaderList([['X-Empty', '']]).has('x-empty')).toBe(true);
  });

  it('edits the list it wraps in place', () => {
    const list: ResponseHeaders = [['Content-Type', 'text/plain']];
    const headers = new HeaderList(list);
    headers.add('Set-Cookie', 'a=1').add('Set-Cookie', 'b=2');
    expect(headers.list).toBe(list);
    expect(list).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'a=1'],
      ['Set-Cookie', 'b=2'],
    ]);
  });

  it('set() replaces every header of that name with one', () => {
    const headers = new HeaderList([
      ['set-cookie', 'a=1'],
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'b=2'],
    ]);
    headers.set('Set-Cookie', 'c=3');
    expect(headers.list).toEqual([
      ['Content-Type', 'text/plain'],
      ['Set-Cookie', 'c=3'],
    ]);
  });

  it('setDefault() sets only when absent and returns the value in effect', () => {
    const headers = new HeaderList([['content-type', 'text/html']]);
    expect(headers.setDefault('Content-Type', 'text/plain')).toBe('text/html');
    expect(headers.setDefault('Cache-Control', 'no-store')).toBe('no-store');
    expect(headers.list).toEqual([
      ['content-type', 'text/html'],
      ['Cache-Control', 'no-store'],
    ]);
  });

  it('delete() removes every match and says how many', () => {
    const headers = new HeaderList([
      ['A', '1'],
      ['b', '2'],
      ['a', '3'],
    ]);
    expect(headers.delete('a')).toBe(2);
    expect(headers.delete('a')).toBe(0);
    expect(headers.list).toEqual([['b', '2']]);
  });

  it('iterates its pairs in order and starts empty by default', () => {
    const headers = new HeaderList([
      ['A', '1'],
      ['B', '2'],
    ]);
    expect([...headers]).toEqual([
      ['A', '1'],
      ['B', '2'],
    ]);
    expect(new HeaderList().list).toEqual([]);
  });
});
