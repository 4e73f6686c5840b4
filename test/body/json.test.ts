import { describe, expect, it } from 'vitest';
import { locateJsonError } from '../../src/body/json-syntax.js';
import { parseJson, readJson, readText } from '../../src/body/index.js';
import { TestClient } from '../../src/testing/index.js';
import { inChunks, recording } from './helpers.js';

const { app: jsonApp, results } = recording((environ) => readJson(environ, { limit: 1024 }));
const client = new TestClient(jsonApp);

describe('readJson', () => {
  it('parses application/json and +json bodies, chunked or not', async () => {
    const plain = await client.post('/', { json: { a: [1, { b: 'c' }] } });
    expect(plain.status).toBe(200);
    expect(plain.json()).toEqual({ a: [1, { b: 'c' }] });
    const problem = await client.post('/', { body: '{"x":1}', headers: { 'Content-Type': 'application/merge-patch+json; charset=utf-8' } });
    expect(problem.json()).toEqual({ x: 1 });
    const chunked = await client.post('/', {
      body: inChunks(Buffer.from('{"long": "' + 'é'.repeat(100) + '"}'), 7),
      headers: { 'Content-Type': 'application/json' },
    });
    expect(chunked.status).toBe(200);
    expect(chunked.json()).toEqual({ long: 'é'.repeat(100) });
  });

  it('gives every object a null prototype, however deep', async () => {
    results.length = 0;
    await client.post('/', { body: '{"a":{"b":[{"c":{}}]},"d":[[{"e":1}]]}', headers: { 'Content-Type': 'application/json' } });
    const value = results[0] as { a: { b: [{ c: object }] }; d: [[object]] };
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getPrototypeOf(value.a)).toBeNull();
    expect(Array.isArray(value.a.b)).toBe(true);
    expect(Object.getPrototypeOf(value.a.b[0])).toBeNull();
    expect(Object.getPrototypeOf(value.a.b[0].c)).toBeNull();
    expect(Object.getPrototypeOf(value.d[0][0])).toBeNull();
  });

  it('keeps __proto__, constructor and prototype as plain keys and pollutes nothing', async () => {
    results.length = 0;
    const body = '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"prototype":{"polluted":"yes"},"nested":{"__proto__":{"polluted":"yes"}}}';
    const response = await client.post('/', { body, headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(200);
    const value = results[0] as Record<string, Record<string, unknown>>;
    expect(Object.keys(value)).toEqual(['__proto__', 'constructor', 'prototype', 'nested']);
    expect(Object.getOwnPropertyDescriptor(value, '__proto__')?.value).toEqual({ polluted: 'yes' });
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getPrototypeOf(value.nested)).toBeNull();
    expect(Object.keys(value.nested!)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((Object.prototype as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype.constructor).toBe(Object);
  });

  it('answers malformed JSON with 400 saying where it broke', async () => {
    const response = await client.post('/', { body: '{"a": 1,\n  "b" 2}', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.text()).toBe("Malformed JSON at line 2, column 7 (character 15): expected ':' after a property name\n");
    const truncated = await client.post('/', { body: '[1, 2', headers: { 'Content-Type': 'application/json' } });
    expect(truncated.status).toBe(400);
    expect(truncated.text()).toContain('line 1, column 6');
    const trailing = await client.post('/', { body: '{"a":}', headers: { 'Content-Type': 'application/json' } });
    expect(trailing.text()).toContain("line 1, column 6 (character 5): unexpected character \"}\"; expected a value");
  });

  it('answers an empty body with 400', async () => {
    for (const body of ['', '  \n']) {
      const response = await client.post('/', { body, headers: { 'Content-Type': 'application/json' } });
      expect(response.status).toBe(400);
      expect(response.text()).toBe('request body is empty; expected JSON\n');
    }
  });

  it('answers another or missing type with 415 naming both, before reading', async () => {
    const form = await client.post('/', { form: { a: '1' } });
    expect(form.status).toBe(415);
    expect(form.text()).toBe('Expected application/json (or a +json type), got Content-Type "application/x-www-form-urlencoded"\n');
    expect(form.headers.get('Accept-Post')).toBe('application/json');
    const none = await client.post('/', { body: '{}' });
    expect(none.status).toBe(415);
    expect(none.text()).toContain('got no Content-Type');
    const latin = await client.post('/', { body: '{}', headers: { 'Content-Type': 'application/json; charset=iso-8859-1' } });
    expect(latin.status).toBe(415);
    expect(latin.text()).toContain('JSON bodies must be UTF-8');
  });

  it('answers a body over the limit with 413, declared or chunked', async () => {
    const big = JSON.stringify({ a: 'x'.repeat(2000) });
    const declared = await client.post('/', { body: big, headers: { 'Content-Type': 'application/json' } });
    expect(declared.status).toBe(413);
    const chunked = await client.post('/', { body: inChunks(Buffer.from(big), 100), headers: { 'Content-Type': 'application/json' } });
    expect(chunked.status).toBe(413);
  });

  it('answers invalid UTF-8 with 400', async () => {
    const response = await client.post('/', { body: Buffer.from([0x22, 0xff, 0x22]), headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.text()).toContain('not valid utf-8');
  });
});

describe('parseJson and locateJsonError', () => {
  it('parses deep nesting without overflowing the stack', () => {
    const depth = 100_000;
    const value = parseJson('['.repeat(depth) + ']'.repeat(depth));
    expect(Array.isArray(value)).toBe(true);
    const where = locateJsonError('['.repeat(depth) + ']'.repeat(depth - 1));
    expect(where?.reason).toContain("expected ',' or ']'");
  });

  it('accepts what JSON.parse accepts and finds nothing wrong in it', () => {
    for (const text of ['0', '-1.5e+10', '"\\u00e9\\n"', 'true', 'null', '{"a":[],"b":{}}', ' [ 1 , "x" ] ']) {
      expect(locateJsonError(text), text).toBeUndefined();
    }
  });

  it('points at the fault in common mistakes', () => {
    expect(locateJsonError("{'a': 1}")).toMatchObject({ offset: 1, reason: 'expected a double-quoted property name' });
    expect(locateJsonError('[1,]')).toMatchObject({ offset: 3 });
    expect(locateJsonError('{"a":1} x')).toMatchObject({ offset: 8, reason: 'unexpected text after the JSON value' });
    expect(locateJsonError('01')).toMatchObject({ offset: 1, reason: 'malformed number' });
    expect(locateJsonError('"abc')).toMatchObject({ offset: 0, reason: 'unterminated string' });
    expect(locateJsonError('"a\tb"')).toMatchObject({ offset: 2 });
  });
});

describe('readText', () => {
  const { app: textApp } = recording((environ) => readText(environ));
  const texts = new TestClient(textApp);

  it('decodes by the charset of the Content-Type, UTF-8 by default', async () => {
    const utf8 = await texts.post('/', { body: 'café', headers: { 'Content-Type': 'text/plain' } });
    expect(utf8.json()).toBe('café');
    const latin1 = await texts.post('/', { body: Buffer.from([0x63, 0x61, 0x66, 0xe9]), headers: { 'Content-Type': 'text/plain; charset=ISO-8859-1' } });
    expect(latin1.json()).toBe('café');
  });

  it('answers an unknown charset with 415', async () => {
    const response = await texts.post('/', { body: 'x', headers: { 'Content-Type': 'text/plain; charset=klingon' } });
    expect(response.status).toBe(415);
    expect(response.text()).toBe('Unsupported charset "klingon"; send UTF-8\n');
  });
});
