import { describe, expect, it } from 'vitest';
import type { Environ } from '../../src/gateway/types.js';
import { applicationUri, quotePath, requestUri, shiftPathInfo } from '../../src/gateway/uri.js';
import { checkEnviron } from '../../src/gateway/validator/index.js';
import { makeEnviron, REMOVE } from './validator/fake-server.js';

function paths(scriptName: string, pathInfo: string): Environ {
  return makeEnviron({ SCRIPT_NAME: scriptName, PATH_INFO: pathInfo });
}

describe('shiftPathInfo', () => {
  it.each([
    // [SCRIPT_NAME, PATH_INFO] → [returned, SCRIPT_NAME, PATH_INFO]
    ['', '', undefined, '', ''],
    ['/app', '', undefined, '/app', ''],
    ['', '/', '', '', '/'],
    ['/app', '/', '', '/app', '/'],
    ['', '/a', 'a', '/a', ''],
    ['', '/a/', 'a', '/a', '/'],
    ['', '/a/b', 'a', '/a', '/b'],
    ['/app', '/a/b/c', 'a', '/app/a', '/b/c'],
    ['', '//b', 'b', '/b', ''],
    ['/app', '//', '', '/app', '//'],
  ])('SCRIPT_NAME %j, PATH_INFO %j → %j', (scriptName, pathInfo, segment, newScript, newPath) => {
    const environ = paths(scriptName, pathInfo);
    expect(shiftPathInfo(environ)).toBe(segment);
    expect([environ.SCRIPT_NAME, environ.PATH_INFO]).toEqual([newScript, newPath]);
  });

  it('walks a path one segment at a time, keeping the path rules', () => {
    const environ = paths('', '/blog/2024/entry');
    const seen: Array<string | undefined> = [];
    for (let i = 0; i < 4; i++) {
      seen.push(shiftPathInfo(environ));
      if (environ.PATH_INFO !== '' || environ.SCRIPT_NAME !== '') expect(() => checkEnviron(environ)).not.toThrow();
    }
    expect(seen).toEqual(['blog', '2024', 'entry', undefined]);
    expect([environ.SCRIPT_NAME, environ.PATH_INFO]).toEqual(['/blog/2024/entry', '']);
  });

  it('keeps SCRIPT_NAME free of a trailing slash after an empty segment', () => {
    const environ = paths('/app', '//x/y');
    expect(shiftPathInfo(environ)).toBe('x');
    expect(() => checkEnviron(environ)).not.toThrow();
  });
});

describe('quotePath', () => {
  it.each([
    ['/my entry/ü', '/my%20entry/%C3%BC'],
    ['/a?b#c', '/a%3Fb%23c'],
    ['/100%', '/100%25'],
    ["/keep:@!$&'()*+,;=", "/keep:@!$&'()*+,;="],
    ['/a-b_c.d~e', '/a-b_c.d~e'],
    ['/日本', '/%E6%97%A5%E6%9C%AC'],
    ['', ''],
    ['/', '/'],
    ['/a//b/', '/a//b/'],
  ])('quotes %j as %j', (path, quoted) => {
    expect(quotePath(path)).toBe(quoted);
  });
});

describe('requestUri and applicationUri', () => {
  it('use the Host header when there is one', () => {
    const environ = makeEnviron({
      HTTP_HOST: 'example.com:8443',
      SERVER_NAME: 'ignored',
      SERVER_PORT: '1',
      SCRIPT_NAME: '/blog',
      PATH_INFO: '/my entry',
      QUERY_STRING: 'type=atom',
    });
    expect(requestUri(environ)).toBe('http://example.com:8443/blog/my%20entry?type=atom');
    expect(requestUri(environ, false)).toBe('http://example.com:8443/blog/my%20entry');
    expect(applicationUri(environ)).toBe('http://example.com:8443/blog');
  });

  it.each([
    ['http', '80', 'http://localhost/'],
    ['http', '8080', 'http://localhost:8080/'],
    ['https', '443', 'https://localhost/'],
    ['https', '80', 'https://localhost:80/'],
    ['http', '443', 'http://localhost:443/'],
  ])('without Host, %s on port %s is %s', (scheme, port, uri) => {
    const environ = makeEnviron({ HTTP_HOST: REMOVE, 'tsgi.url_scheme': scheme, SERVER_PORT: port });
    expect(requestUri(environ)).toBe(uri);
    expect(applicationUri(environ)).toBe(uri);
  });

  it('falls back to the server name when Host is empty, bracketing IPv6', () => {
    const environ = makeEnviron({ HTTP_HOST: '', SERVER_NAME: '::1', SERVER_PORT: '8080', PATH_INFO: '/x' });
    expect(requestUri(environ)).toBe('http://[::1]:8080/x');
  });

  it('quote spaces, UTF-8, "?" and "#" in paths but keep the query raw', () => {
    const environ = makeEnviron({
      HTTP_HOST: 'h',
      SCRIPT_NAME: '/söme app',
      PATH_INFO: '/what?#now',
      QUERY_STRING: 'q=a%20b&x',
    });
    expect(requestUri(environ)).toBe('http://h/s%C3%B6me%20app/what%3F%23now?q=a%20b&x');
    expect(applicationUri(environ)).toBe('http://h/s%C3%B6me%20app');
  });

  it("give '/' for an app mounted at the root", () => {
    const environ = makeEnviron({ HTTP_HOST: 'h', SCRIPT_NAME: '', PATH_INFO: '' });
    expect(requestUri(environ)).toBe('http://h/');
    expect(applicationUri(environ)).toBe('http://h/');
  });
});
