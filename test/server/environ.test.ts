import { describe, expect, it } from 'vitest';
import type { App, Environ } from '../../src/gateway/types.js';
import { parseResponse, rawRequest, serve } from './helpers.js';

/** An app that records each environ it sees and answers 200 with a JSON dump of the string keys. */
function recorder(): { app: App; seen: Environ[] } {
  const seen: Environ[] = [];
  const app: App = (environ, startResponse) => {
    seen.push(environ);
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return ['ok'];
  };
  return { app, seen };
}

describe('environ', () => {
  it('holds the CGI keys and tsgi keys for a GET with a query', async () => {
    const { app, seen } = recorder();
    const { url, port, server } = await serve(app);
    const response = await fetch(`${url}a/b?x=1&y=%20`, { headers: { 'X-Custom': 'yes' } });
    expect(response.status).toBe(200);
    const environ = seen[0]!;
    expect(environ.REQUEST_METHOD).toBe('GET');
    expect(environ.SCRIPT_NAME).toBe('');
    expect(environ.PATH_INFO).toBe('/a/b');
    expect(environ.QUERY_STRING).toBe('x=1&y=%20');
    expect(environ.REQUEST_URI).toBe('/a/b?x=1&y=%20');
    expect(environ.SERVER_NAME).toBe('127.0.0.1');
    expect(environ.SERVER_PORT).toBe(String(port));
    expect(environ.SERVER_PORT).toBe(String(server.port));
    expect(environ.SERVER_PROTOCOL).toBe('HTTP/1.1');
    expect(environ.REMOTE_ADDR).toBe('127.0.0.1');
    expect(environ.HTTP_X_CUSTOM).toBe('yes');
    expect(environ.HTTP_HOST).toBe(`127.0.0.1:${port}`);
    expect(environ['tsgi.version']).toEqual([1, 0]);
    expect(environ['tsgi.url_scheme']).toBe('http');
    expect(environ['tsgi.multithread']).toBe(false);
    expect(environ['tsgi.multiprocess']).toBe(false);
    expect(environ['tsgi.run_once']).toBe(false);
    expect(environ['tsgi.input_terminated']).toBe(true);
    expect(typeof environ['tsgi.input'].read).toBe('function');
    expect(typeof environ['tsgi.errors'].write).toBe('function');
    expect('CONTENT_TYPE' in environ).toBe(false);
    expect('CONTENT_LENGTH' in environ).toBe(false);
  });

  it('always has QUERY_STRING, empty without a query', async () => {
    const { app, seen } = recorder();
    const { url } = await serve(app);
    await fetch(url);
    expect(seen[0]!.QUERY_STRING).toBe('');
    expect(seen[0]!.PATH_INFO).toBe('/');
  });

  it('joins repeated headers with ", " and Cookie headers with "; "', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const { text } = await rawRequest(
      port,
      'GET / HTTP/1.1\r\nHost: x\r\nX-Multi: a\r\nx-multi: b\r\nCookie: a=1\r\nCookie: b=2\r\nConnection: close\r\n\r\n',
    );
    expect(text).toMatch(/^HTTP\/1\.1 200 /);
    expect(seen[0]!.HTTP_X_MULTI).toBe('a, b');
    expect(seen[0]!.HTTP_COOKIE).toBe('a=1; b=2');
  });

  it('decodes the path as UTF-8', async () => {
    const { app, seen } = recorder();
    const { url } = await serve(app);
    await fetch(`${url}caf%C3%A9/x%20y`);
    expect(seen[0]!.PATH_INFO).toBe('/café/x y');
    expect(seen[0]!.REQUEST_URI).toBe('/caf%C3%A9/x%20y');
  });

  it('sets CONTENT_TYPE and CONTENT_LENGTH for a POST, never their HTTP_ forms', async () => {
    const seen: Environ[] = [];
    let body = '';
    const app: App = async (environ, startResponse) => {
      seen.push(environ);
      body = Buffer.from(await environ['tsgi.input'].read()).toString();
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return ['ok'];
    };
    const { url } = await serve(app);
    const response = await fetch(url, { method: 'POST', body: 'a=1&b=2', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    expect(response.status).toBe(200);
    const environ = seen[0]!;
    expect(environ.REQUEST_METHOD).toBe('POST');
    expect(environ.CONTENT_TYPE).toBe('application/x-www-form-urlencoded');
    expect(environ.CONTENT_LENGTH).toBe('7');
    expect(environ.HTTP_CONTENT_TYPE).toBeUndefined();
    expect(environ.HTTP_CONTENT_LENGTH).toBeUndefined();
    expect(body).toBe('a=1&b=2');
  });

  it('drops header names containing "_" so they cannot pose as their "-" spelling', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    await rawRequest(port, 'GET / HTTP/1.1\r\nHost: x\r\nX_Forwarded_For: 6.6.6.6\r\nConnection: close\r\n\r\n');
    expect(seen[0]!.HTTP_X_FORWARDED_FOR).toBeUndefined();
  });

  it.each(['/%E0%A4%A', '/%zz', '/%C3%28', '/ok/%', '/%ED%A0%80'])('answers 400 itself for the malformed path %s', async (path) => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const { bytes } = await rawRequest(port, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const response = parseResponse(bytes);
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body.toString()).toMatch(/^Bad Request/);
    expect(seen).toHaveLength(0);
  });

  it('reads an absolute-form target, taking the host from it', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const { bytes } = await rawRequest(port, 'GET http://example.com:81/p%C3%A9?q=1 HTTP/1.1\r\nHost: other\r\nConnection: close\r\n\r\n');
    expect(parseResponse(bytes).status).toBe(200);
    expect(seen[0]!.PATH_INFO).toBe('/pé');
    expect(seen[0]!.QUERY_STRING).toBe('q=1');
    expect(seen[0]!.HTTP_HOST).toBe('example.com:81');
    expect(seen[0]!.REQUEST_URI).toBe('http://example.com:81/p%C3%A9?q=1');
  });

  it('answers OPTIONS * itself, and 400 for other non-path targets', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const options = await rawRequest(port, 'OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(options.text).toMatch(/^HTTP\/1\.1 204 No Content\r\n/);
    expect(options.text.endsWith('\r\n\r\n')).toBe(true);
    const star = await rawRequest(port, 'GET * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(parseResponse(star.bytes).status).toBe(400);
    const ftp = await rawRequest(port, 'GET ftp://example.com/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(parseResponse(ftp.bytes).status).toBe(400);
    expect(seen).toHaveLength(0);
  });

  it('treats an absolute-form target without a path as the root', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    await rawRequest(port, 'GET http://example.com?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(seen[0]!.PATH_INFO).toBe('/');
    expect(seen[0]!.QUERY_STRING).toBe('x=1');
  });

  it('reports HTTP/1.0 as the protocol of a 1.0 request', async () => {
    const { app, seen } = recorder();
    const { port } = await serve(app);
    const { bytes } = await rawRequest(port, 'GET / HTTP/1.0\r\n\r\n');
    expect(parseResponse(bytes).status).toBe(200);
    expect(seen[0]!.SERVER_PROTOCOL).toBe('HTTP/1.0');
  });

  it('mounts the app under scriptName and answers 404 outside it', async () => {
    const { app, seen } = recorder();
    const { url } = await serve(app, { scriptName: '/blog' });
    expect((await fetch(`${url}blog/entries/1`)).status).toBe(200);
    expect((await fetch(`${url}blog`)).status).toBe(200);
    expect((await fetch(`${url}blogger`)).status).toBe(404);
    expect((await fetch(`${url}other`)).status).toBe(404);
    expect(seen.map((e) => [e.SCRIPT_NAME, e.PATH_INFO])).toEqual([
      ['/blog', '/entries/1'],
      ['/blog', ''],
    ]);
  });

  it('passes urlScheme, multiprocess and errors through', async () => {
    const { app, seen } = recorder();
    const { url, errors } = await serve(app, { urlScheme: 'https', multiprocess: true });
    await fetch(url);
    expect(seen[0]!['tsgi.url_scheme']).toBe('https');
    expect(seen[0]!['tsgi.multiprocess']).toBe(true);
    expect(seen[0]!['tsgi.errors']).toBe(errors);
  });
});
