// The checks of CPython's wsgiref.validate (Lib/wsgiref/validate.py) and the
// validation cases of Lib/test/test_wsgiref.py, ported to tsgi's own spec:
// each is restated, not copied, and shown by a scenario.
import { Buffer } from 'node:buffer';
import type { App, Chunk, Write } from '../../../src/gateway/types.js';
import { validate } from '../../../src/gateway/validator/index.js';
import { makeEnviron, newRecording, recordingStartResponse, REMOVE, serve, TEXT } from './fake-server.js';
import { inputAnswering, port, reading, responding, served, withEnviron, withEnvironObject, type PeerCheck } from './peer-check.js';
import { okApp } from './server-rules.js';

const VALIDATE = 'wsgiref.validate';
const TESTS = 'test_wsgiref';

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [
    ['Content-Type', 'text/plain'],
    ['Date', 'Mon, 05 Jun 2006 18:49:54 GMT'],
  ]);
  return [Buffer.from('Hello, world!')];
};

export const wsgirefChecks: PeerCheck[] = [
  port(VALIDATE, 'the app is called with two arguments', 'start-response-api', (onViolation) =>
    validate(okApp, { onViolation })(makeEnviron(), undefined as never),
  ),
  port(VALIDATE, 'start_response takes two or three arguments, no keywords', 'does not apply', served(((_environ, startResponse) => {
    (startResponse as (...args: unknown[]) => Write)('200 OK', TEXT, undefined, 'ignored');
    return [];
  }) satisfies App)),
  port(VALIDATE, 'the environ is a dict, not a subclass', 'environ-object', withEnvironObject(Object.assign(new (class Env {})(), makeEnviron()))),
  port(VALIDATE, 'the environ has every required key', 'environ-key-missing', withEnviron({ 'tsgi.input': REMOVE })),
  port(VALIDATE, 'no HTTP_CONTENT_TYPE or HTTP_CONTENT_LENGTH', 'environ-http-content', withEnviron({ HTTP_CONTENT_LENGTH: '0' })),
  port(VALIDATE, 'QUERY_STRING should be present (a warning)', 'environ-key-missing', withEnviron({ QUERY_STRING: REMOVE })),
  port(VALIDATE, 'CGI variables (no dot) are strings', 'environ-key-type', withEnviron({ REMOTE_USER: 42 })),
  port(VALIDATE, 'wsgi.version is a tuple', 'tsgi-version', withEnviron({ 'tsgi.version': '1.0' })),
  port(VALIDATE, "wsgi.url_scheme is 'http' or 'https'", 'url-scheme', withEnviron({ 'tsgi.url_scheme': 'ftp' })),
  port(VALIDATE, 'REQUEST_METHOD should be a known method (a warning)', 'does not apply', withEnviron({ REQUEST_METHOD: 'PROPFIND' })),
  port(VALIDATE, 'SCRIPT_NAME starts with /', 'script-name', withEnviron({ SCRIPT_NAME: 'app' })),
  port(VALIDATE, 'PATH_INFO starts with /', 'path-info', withEnviron({ PATH_INFO: 'index.html' })),
  port(VALIDATE, 'CONTENT_LENGTH is a non-negative integer', 'environ-content-length', withEnviron({ CONTENT_LENGTH: '-1' })),
  port(VALIDATE, 'SCRIPT_NAME or PATH_INFO is set', 'path-empty', withEnviron({ SCRIPT_NAME: '', PATH_INFO: '' })),
  port(VALIDATE, "SCRIPT_NAME is not '/'", 'script-name', withEnviron({ SCRIPT_NAME: '/', PATH_INFO: '' })),
  port(VALIDATE, 'wsgi.input has read, readline, readlines and iteration', 'input-api', withEnviron({ 'tsgi.input': { read() {}, readline() {} } })),
  port(VALIDATE, 'wsgi.errors has flush, write and writelines', 'errors-api', withEnviron({ 'tsgi.errors': { write() {}, flush() {} } })),
  port(VALIDATE, 'the status is a string', 'status-format', served(responding(200 as unknown as string, TEXT))),
  port(VALIDATE, 'the status code has three digits and is at least 100', 'status-format', served(responding('99 Low', TEXT))),
  port(VALIDATE, 'the status code is followed by a space and a reason', 'status-format', served(responding('200OK', TEXT))),
  port(VALIDATE, 'the headers are a list', 'header-list', served(responding('200 OK', 'Content-Type: text/plain'))),
  port(VALIDATE, 'each header is a tuple of two strings', 'header-list', served(responding('200 OK', [...TEXT, ['X-One', 'a', 'b']]))),
  port(VALIDATE, 'no Status header', 'status-header', served(responding('200 OK', [...TEXT, ['Status', '200 OK']]))),
  port(VALIDATE, "header names hold no ':' or newline", 'header-name', served(responding('200 OK', [...TEXT, ['X:Y', 'z']]))),
  port(VALIDATE, 'header names end in neither - nor _', 'does not apply', served(responding('200 OK', [...TEXT, ['X-Trailing-', 'ok'], ['X_Under_', 'ok']]))),
  port(VALIDATE, 'header values hold no character below 037', 'header-value', served(responding('200 OK', [...TEXT, ['X-Bell', 'ding\x07']]))),
  port(VALIDATE, 'header values may hold a tab', 'passes', served(responding('200 OK', [...TEXT, ['X-Tab', 'a\tb']]))),
  port(VALIDATE, 'a Content-Type unless the status is 204 or 304', 'content-type-missing', served(responding('200 OK', []))),
  port(VALIDATE, 'no Content-Type on 204 or 304', 'content-type-forbidden', served(responding('204 No Content', TEXT))),
  port(VALIDATE, 'exc_info is a tuple or None', 'does not apply', served(((_environ, startResponse) => {
    startResponse('200 OK', TEXT);
    // Anything thrown is an excInfo; a string is as good as an Error.
    startResponse('500 Internal Server Error', TEXT, 'a thrown string');
    return [];
  }) satisfies App)),
  port(VALIDATE, 'the writer is called with bytes', 'chunk-type', served((async (_environ, startResponse) => {
    await startResponse('200 OK', TEXT)(42 as unknown as Chunk);
    return [];
  }) satisfies App)),
  port(VALIDATE, 'wsgi.input.read() takes exactly one argument', 'does not apply', served(reading((input) => input.read()))),
  port(VALIDATE, 'wsgi.input reads return bytes', 'input-result', served(reading((input) => input.read(2)), { 'tsgi.input': inputAnswering('ab') })),
  port(VALIDATE, 'wsgi.input.close() is not called', 'does not apply', served(((environ, startResponse) => {
    if ('close' in environ['tsgi.input']) throw new Error('the checked input stream offers close()');
    startResponse('200 OK', TEXT);
    return [];
  }) satisfies App)),
  port(VALIDATE, 'wsgi.errors.write() and writelines() take strings', 'errors-write', served(((environ, startResponse) => {
    environ['tsgi.errors'].writelines(['fine', 7 as unknown as string]);
    startResponse('200 OK', TEXT);
    return [];
  }) satisfies App)),
  port(VALIDATE, 'wsgi.errors.close() is not called', 'does not apply', served(((environ, startResponse) => {
    if ('close' in environ['tsgi.errors']) throw new Error('the checked error stream offers close()');
    startResponse('200 OK', TEXT);
    return [];
  }) satisfies App)),
  port(VALIDATE, 'the app does not return a string', 'body-type', served((() => 'Hello') as unknown as App)),
  port(VALIDATE, 'the app returns an iterable, not None or False', 'body-type', served((() => false) as unknown as App)),
  port(VALIDATE, 'the iterator yields bytes', 'chunk-type', served(responding('200 OK', TEXT, [{ not: 'bytes' }]))),
  port(VALIDATE, 'the iterator is not read after close()', 'body-after-return', async (onViolation) => {
    const body = (await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()))) as Iterable<string>;
    const iterator = body[Symbol.iterator]();
    iterator.return?.();
    iterator.next();
  }),
  port(VALIDATE, 'start_response is called before iteration', 'start-response-first', served(function* () {
    yield 'before any status';
  } as unknown as App)),
  port(VALIDATE, 'close() is called on the iterator', 'body-return', async (onViolation) => {
    const body = (await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()))) as Iterable<string>;
    for (const _chunk of body);
  }),
  port(TESTS, 'test_validated_hello', 'passes', (onViolation) =>
    serve(hello, { onViolation }).then((result) => {
      if (result.text !== 'Hello, world!') throw new Error(`body changed: ${result.text}`);
    }),
  ),
  port(TESTS, 'test_simple_validation_error', 'header-list', served(responding('200 OK', ['Content-Type', 'text/plain'], ['Hello, world!']))),
  port(TESTS, "test_status_validation_errors: '200'", 'status-format', served(responding('200', TEXT))),
  port(TESTS, "test_status_validation_errors: '20X OK'", 'status-format', served(responding('20X OK', TEXT))),
  port(TESTS, "test_status_validation_errors: '200OK'", 'status-format', served(responding('200OK', TEXT))),
  port(TESTS, 'test_wsgi_input', 'does not apply', served(reading((input) => input.read()))),
  port(TESTS, 'test_bytes_validation', 'passes', served(responding('200 OK', [['Content-Type', 'text/plain; charset=utf-8']], [Buffer.from('data')]))),
  port(TESTS, 'test_cp1252_url', 'does not apply', withEnviron({ PATH_INFO: '/\u0080\u0080' })),
  port(TESTS, 'testRaisesControlCharacters: a control character in a name', 'header-name', served(responding('200 OK', [...TEXT, ['key\t', 'val']]))),
  port(TESTS, 'testRaisesControlCharacters: a control character in a value', 'header-value', served(responding('200 OK', [...TEXT, ['key', 'val\x1f']]))),
];
