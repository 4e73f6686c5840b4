import { describe, expect, it } from 'vitest';
import { TestClient, TestClientError } from '../../src/testing/index.js';
import { recorder } from './apps.js';

describe('TestClient environ', () => {
  it('gives every key a server gives, with the documented defaults', async () => {
    const { app, last } = recorder();
    await new TestClient(app, { validate: false }).get('/hello');
    const { environ } = last();
    expect(Object.keys(environ).sort()).toEqual(
      [
        'HTTP_HOST',
        'PATH_INFO',
        'QUERY_STRING',
        'REMOTE_ADDR',
        'REQUEST_METHOD',
        'REQUEST_URI',
        'SCRIPT_NAME',
        'SERVER_NAME',
        'SERVER_PORT',
        'SERVER_PROTOCOL',
        'tsgi.errors',
        'tsgi.input',
        'tsgi.input_terminated',
        'tsgi.multiprocess',
        'tsgi.multithread',
        'tsgi.run_once',
        'tsgi.url_scheme',
        'tsgi.version',
      ].sort(),
    );
    expect(environ).toMatchObject({
      REQUEST_METHOD: 'GET',
      SCRIPT_NAME: '',
      PATH_INFO: '/hello',
      QUERY_STRING: '',
      SERVER_NAME: 'localhost',
      SERVER_PORT: '80',
      SERVER_PROTOCOL: 'HTTP/1.1',
      REMOTE_ADDR: '127.0.0.1',
      REQUEST_URI: '/hello',
      HTTP_HOST: 'localhost',
      'tsgi.version': [1, 0],
      'tsgi.url_scheme': 'http',
      'tsgi.multithread': false,
      'tsgi.multiprocess': false,
      'tsgi.run_once': false,
      'tsgi.input_terminated': true,
    });
    expect('CONTENT_TYPE' in environ).toBe(false);
    expect('CONTENT_LENGTH' in environ).toBe(false);
    expect(typeof environ['tsgi.input'].read).toBe('function');
    expect(typeof environ['tsgi.errors'].write).toBe('function');
  });

  it('builds a fresh environ for each request', async () => {
    const { app, seen } = recorder();
    const client = new TestClient(app);
    await client.get('/a');
    seen[0]!.environ.PATH_INFO = '/changed';
    await client.get('/b');
    expect(seen[1]!.environ.PATH_INFO).toBe('/b');
    expect(seen[1]!.environ).not.toBe(seen[0]!.environ);
  });

  describe('baseUrl', () => {
    it('sets scheme, server name, port and Host from the URL', async () => {
      const { app, last } = recorder();
      await new TestClient(app, { baseUrl: 'https://Example.test:8443' }).get('/');
      expect(last().environ).toMatchObject({
        'tsgi.url_scheme': 'https',
        SERVER_NAME: 'example.test',
        SERVER_PORT: '8443',
        HTTP_HOST: 'example.test:8443',
      });
    });

    it('uses the default port of the scheme and leaves it out of Host', async () => {
      const { app, last } = recorder();
      await new TestClient(app, { baseUrl: 'https://example.test' }).get('/');
      expect(last().environ).toMatchObject({ SERVER_PORT: '443', HTTP_HOST: 'example.test' });
      await new TestClient(app, { baseUrl: 'http://example.test:80/' }).get('/');
      expect(last().environ).toMatchObject({ SERVER_PORT: '80', HTTP_HOST: 'example.test' });
    });

    it('handles IPv6 hosts', async () => {
      const { app, last } = recorder();
      await new TestClient(app, { baseUrl: 'http://[::1]:8080' }).get('/');
      expect(last().environ).toMatchObject({ SERVER_NAME: '::1', SERVER_PORT: '8080', HTTP_HOST: '[::1]:8080' });
    });

    it.each([
      ['not a url', /is not a URL/],
      ['ftp://example.test', /http: or https:/],
      ['http://localhost/app', /SCRIPT_NAME/],
      ['http://localhost/?x=1', /just scheme, host and port/],
    ])('rejects %s when the client is made', (baseUrl, message) => {
      const { app } = recorder();
      expect(() => new TestClient(app, { baseUrl })).toThrow(TestClientError);
      expect(() => new TestClient(app, { baseUrl })).toThrow(message);
    });
  });

  describe('environ option', () => {
    it('merges extra keys into every environ', async () => {
      const { app, seen } = recorder();
      const client = new TestClient(app, { environ: { SCRIPT_NAME: '/blog', REMOTE_ADDR: '10.0.0.7', 'myapp.flag': 'on' } });
      await client.get('/entries/1');
      await client.get('/about');
      for (const { environ } of seen) {
        expect(environ).toMatchObject({ SCRIPT_NAME: '/blog', REMOTE_ADDR: '10.0.0.7', 'myapp.flag': 'on' });
      }
      expect(seen[0]!.environ.PATH_INFO).toBe('/entries/1');
      expect(seen[0]!.environ.REQUEST_URI).toBe('/blog/entries/1');
    });

    it('lets a request override client keys, and remove keys with undefined', async () => {
      const { app, last } = recorder();
      const client = new TestClient(app, { environ: { REMOTE_ADDR: '10.0.0.7' } });
      await client.get('/', { environ: { REMOTE_ADDR: '192.0.2.1', HTTP_X_EXTRA: 'yes' } });
      expect(last().environ).toMatchObject({ REMOTE_ADDR: '192.0.2.1', HTTP_X_EXTRA: 'yes' });
      await client.get('/', { environ: { HTTP_HOST: undefined }, headers: { 'X-Kept': '1' } });
      expect('HTTP_HOST' in last().environ).toBe(false);
      expect(last().environ.HTTP_X_KEPT).toBe('1');
      await client.get('/');
      expect(last().environ.REMOTE_ADDR).toBe('10.0.0.7');
    });
  });

  describe('path and query', () => {
    it('passes the query string raw and undecoded', async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/search?q=a%20b&path=%2Fx&q=2');
      expect(last().environ).toMatchObject({
        PATH_INFO: '/search',
        QUERY_STRING: 'q=a%20b&path=%2Fx&q=2',
        REQUEST_URI: '/search?q=a%20b&path=%2Fx&q=2',
      });
    });

    it('gives an empty QUERY_STRING for a bare "?"', async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/x?');
      expect(last().environ).toMatchObject({ PATH_INFO: '/x', QUERY_STRING: '', REQUEST_URI: '/x?' });
    });

    it('percent-decodes the path as UTF-8, including %2F, and keeps REQUEST_URI as sent', async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/caf%C3%A9/a%2Fb/%20x');
      expect(last().environ.PATH_INFO).toBe('/café/a/b/ x');
      expect(last().environ.REQUEST_URI).toBe('/caf%C3%A9/a%2Fb/%20x');
    });

    it('percent-encodes characters a request target cannot hold, as an HTTP client does', async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/café menu?q=crème brûlée');
      expect(last().environ).toMatchObject({
        PATH_INFO: '/café menu',
        REQUEST_URI: '/caf%C3%A9%20menu?q=cr%C3%A8me%20br%C3%BBl%C3%A9e',
        QUERY_STRING: 'q=cr%C3%A8me%20br%C3%BBl%C3%A9e',
      });
    });

    it.each([
      ['hello', /must start with "\/"/],
      ['', /must start with "\/"/],
      ['http://localhost/x', /must start with "\/"/],
      ['/a#frag', /fragment/],
      ['/bad%zz', /bad percent-encoding "%zz"/],
      ['/short%4', /bad percent-encoding "%4"/],
      ['/%C3', /not valid UTF-8/],
      ['/%FF%FE', /not valid UTF-8/],
      ['/\uD800', /lone surrogate/],
    ])('rejects the path %j without calling the app', async (path, message) => {
      const { app, seen } = recorder();
      const request = new TestClient(app).get(path);
      await expect(request).rejects.toThrow(TestClientError);
      await expect(request).rejects.toThrow(message);
      expect(seen).toHaveLength(0);
    });

    it('does not reject a malformed query string, which servers pass on raw', async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/x?q=%zz');
      expect(last().environ.QUERY_STRING).toBe('q=%zz');
    });
  });

  describe('methods', () => {
    it.each([
      ['get', 'GET'],
      ['post', 'POST'],
      ['put', 'PUT'],
      ['patch', 'PATCH'],
      ['delete', 'DELETE'],
      ['head', 'HEAD'],
      ['options', 'OPTIONS'],
    ] as const)('%s() sends %s', async (name, method) => {
      const { app, last } = recorder();
      await new TestClient(app)[name]('/');
      expect(last().environ.REQUEST_METHOD).toBe(method);
    });

    it('request() sends any token method, case-sensitive', async () => {
      const { app, last } = recorder();
      const client = new TestClient(app);
      await client.request('PROPFIND', '/dav');
      expect(last().environ.REQUEST_METHOD).toBe('PROPFIND');
      await client.request('get', '/');
      expect(last().environ.REQUEST_METHOD).toBe('get');
      await expect(client.request('GE T', '/')).rejects.toThrow(/method "GE T" is not an HTTP token/);
    });
  });

  describe('headers', () => {
    it('maps headers to HTTP_* keys, from a record or a list of pairs', async () => {
      const { app, last } = recorder();
      const client = new TestClient(app);
      await client.get('/', { headers: { Accept: 'text/html', 'X-Request-Id': 'abc' } });
      expect(last().environ).toMatchObject({ HTTP_ACCEPT: 'text/html', HTTP_X_REQUEST_ID: 'abc' });
      await client.get('/', { headers: [['accept-language', 'en'], ['X-Forwarded-For', '192.0.2.1']] });
      expect(last().environ).toMatchObject({ HTTP_ACCEPT_LANGUAGE: 'en', HTTP_X_FORWARDED_FOR: '192.0.2.1' });
    });

    it("joins repeated headers with ', ' and Cookie headers with '; '", async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/', {
        headers: [
          ['Accept', 'text/html'],
          ['accept', 'application/json'],
          ['Cookie', 'a=1'],
          ['Cookie', 'b=2'],
        ],
      });
      expect(last().environ.HTTP_ACCEPT).toBe('text/html, application/json');
      expect(last().environ.HTTP_COOKIE).toBe('a=1; b=2');
      await new TestClient(app).get('/', { headers: { 'X-Tag': ['one', 'two'] } });
      expect(last().environ.HTTP_X_TAG).toBe('one, two');
    });

    it('drops header names with "_", as the reference server does, so they cannot spoof others', async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/', { headers: [['X_User', 'admin'], ['X-User', 'guest']] });
      expect(last().environ.HTTP_X_USER).toBe('guest');
    });

    it('keeps the first of several Content-Type headers', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: 'x', headers: [['Content-Type', 'text/csv'], ['Content-Type', 'text/plain']] });
      expect(last().environ.CONTENT_TYPE).toBe('text/csv');
    });

    it('puts Content-Type in CONTENT_TYPE, never HTTP_CONTENT_TYPE', async () => {
      const { app, last } = recorder();
      await new TestClient(app).post('/', { body: 'x', headers: { 'content-type': 'text/csv' } });
      expect(last().environ.CONTENT_TYPE).toBe('text/csv');
      expect(last().environ.CONTENT_LENGTH).toBe('1');
      expect('HTTP_CONTENT_TYPE' in last().environ).toBe(false);
      expect('HTTP_CONTENT_LENGTH' in last().environ).toBe(false);
    });

    it('sends default headers, which a request can replace by name', async () => {
      const { app, last } = recorder();
      const client = new TestClient(app, { headers: { Accept: 'application/json', 'X-Client': 'tests' } });
      await client.get('/');
      expect(last().environ).toMatchObject({ HTTP_ACCEPT: 'application/json', HTTP_X_CLIENT: 'tests' });
      await client.get('/', { headers: { accept: 'text/html' } });
      expect(last().environ).toMatchObject({ HTTP_ACCEPT: 'text/html', HTTP_X_CLIENT: 'tests' });
    });

    it('lets a Host header replace the one from baseUrl', async () => {
      const { app, last } = recorder();
      await new TestClient(app).get('/', { headers: { Host: 'other.test:81' } });
      expect(last().environ.HTTP_HOST).toBe('other.test:81');
      expect(last().environ.SERVER_NAME).toBe('localhost');
    });

    it.each([
      [{ 'Bad Name': 'x' }, /header name "Bad Name" is not an HTTP token/],
      [{ 'X-Evil': 'a\r\nSet-Cookie: x=1' }, /control character/],
      [{ 'Transfer-Encoding': 'chunked' }, /chunked: true/],
    ])('rejects the malformed headers %j', async (headers, message) => {
      const { app, seen } = recorder();
      await expect(new TestClient(app).get('/', { headers })).rejects.toThrow(message);
      expect(seen).toHaveLength(0);
    });
  });

  it('rejects an app that is not a function', () => {
    expect(() => new TestClient(42 as never)).toThrow(TestClientError);
  });
});
