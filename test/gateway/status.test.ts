import { describe, expect, it } from 'vitest';
import { checkStatus } from '../../src/gateway/spec.js';
import { reasonPhrase, statusCode, statusLine } from '../../src/gateway/status.js';

describe('reasonPhrase', () => {
  it('knows the common codes', () => {
    expect(reasonPhrase(200)).toBe('OK');
    expect(reasonPhrase(404)).toBe('Not Found');
    expect(reasonPhrase(413)).toBe('Content Too Large');
    expect(reasonPhrase(418)).toBe("I'm a Teapot");
    expect(reasonPhrase(503)).toBe('Service Unavailable');
  });

  it('returns undefined for unknown codes', () => {
    expect(reasonPhrase(299)).toBeUndefined();
    expect(reasonPhrase(42)).toBeUndefined();
  });
});

describe('statusLine', () => {
  it('builds lines for known codes', () => {
    expect(statusLine(201)).toBe('201 Created');
    expect(statusLine(304)).toBe('304 Not Modified');
  });

  it('falls back to the class reason for unknown codes', () => {
    expect(statusLine(199)).toBe('199 Informational');
    expect(statusLine(299)).toBe('299 Success');
    expect(statusLine(399)).toBe('399 Redirection');
    expect(statusLine(499)).toBe('499 Client Error');
    expect(statusLine(599)).toBe('599 Server Error');
    expect(() => statusLine(600)).toThrow(RangeError);
  });

  it('produces lines checkStatus accepts for every code', () => {
    for (let code = 100; code <= 599; code++) expect(checkStatus(statusLine(code))).toBe(code);
  });

  it.each([99, 600, 1000, 200.5, Number.NaN, -404])('refuses %d', (code) => {
    expect(() => statusLine(code)).toThrow(RangeError);
  });
});

describe('statusCode', () => {
  it('reads the code of a line', () => {
    expect(statusCode('404 Not Found')).toBe(404);
    expect(statusCode('200 OK')).toBe(200);
  });
});
