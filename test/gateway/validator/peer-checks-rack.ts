// Rack::Lint's checks (lib/rack/lint.rb, test/spec_lint.rb), ported to
// tsgi's own spec: each is restated, not copied, and shown by a scenario.
import type { App } from '../../../src/gateway/types.js';
import { validate } from '../../../src/gateway/validator/index.js';
import { makeEnviron, newRecording, recordingStartResponse, REMOVE, TEXT } from './fake-server.js';
import { EMPTY, inputAnswering, port, withEnvironObject, reading, responding, served, withEnviron, type PeerCheck } from './peer-check.js';
import { okApp } from './server-rules.js';

const RACK = 'Rack::Lint';

const session = {
  get: () => undefined,
  set: () => {},
  has: () => false,
  delete: () => false,
  clear: () => {},
  keys: () => [],
  regenerate: () => {},
  destroy: () => {},
  id: 's1',
  isNew: true,
  modified: false,
};

export const rackChecks: PeerCheck[] = [
  port(RACK, 'app must respond to call', 'TypeError', () => validate({} as never)),
  port(RACK, 'no env given', 'environ-object', withEnvironObject(undefined)),
  port(RACK, 'env is not a Hash', 'environ-object', withEnvironObject(5)),
  port(RACK, 'env should not be frozen', 'environ-object', withEnvironObject(Object.freeze(makeEnviron()))),
  port(
    RACK,
    'env contains non-string keys',
    'does not apply',
    withEnvironObject(Object.assign(makeEnviron(), { [Symbol('private')]: 1 })),
  ),
  port(RACK, 'CGI keys (no period) must have String values', 'environ-key-type', withEnviron({ FOO: {} })),
  port(RACK, 'non-ASCII CGI values must be binary strings', 'path-info', withEnviron({ PATH_INFO: '/\ud800' })),
  port(RACK, 'env missing required key REQUEST_METHOD', 'environ-key-missing', withEnviron({ REQUEST_METHOD: REMOVE })),
  port(RACK, 'env missing required key SERVER_NAME', 'environ-key-missing', withEnviron({ SERVER_NAME: REMOVE })),
  port(RACK, 'env missing required key SERVER_PROTOCOL', 'environ-key-missing', withEnviron({ SERVER_PROTOCOL: REMOVE })),
  port(RACK, 'env missing required key QUERY_STRING', 'environ-key-missing', withEnviron({ QUERY_STRING: REMOVE })),
  port(RACK, 'env missing required key rack.errors', 'environ-key-missing', withEnviron({ 'tsgi.errors': REMOVE })),
  port(RACK, 'REQUEST_METHOD must be a token', 'request-method', withEnviron({ REQUEST_METHOD: 'OOPS?\b!' })),
  port(RACK, 'SCRIPT_NAME must start with /', 'script-name', withEnviron({ SCRIPT_NAME: 'howdy' })),
  port(RACK, "SCRIPT_NAME cannot be '/'", 'script-name', withEnviron({ SCRIPT_NAME: '/' })),
  port(RACK, 'one of SCRIPT_NAME or PATH_INFO must be set', 'path-empty', withEnviron({ SCRIPT_NAME: '', PATH_INFO: '' })),
  port(RACK, 'accepts empty PATH_INFO under a SCRIPT_NAME', 'passes', withEnviron({ SCRIPT_NAME: '/foo', PATH_INFO: '' })),
  port(RACK, "only OPTIONS may have PATH_INFO '*'", 'path-info', withEnviron({ REQUEST_METHOD: 'OPTIONS', PATH_INFO: '*' })),
  port(
    RACK,
    'only CONNECT may have an authority-form PATH_INFO',
    'path-info',
    withEnviron({ REQUEST_METHOD: 'CONNECT', PATH_INFO: 'example.com:443' }),
  ),
  port(RACK, 'CONNECT and OPTIONS must not have an absolute-form PATH_INFO', 'path-info', withEnviron({ PATH_INFO: 'http://foo/bar' })),
  port(RACK, "PATH_INFO must start with '/' (origin-form)", 'path-info', withEnviron({ PATH_INFO: '../etc/passwd' })),
  port(RACK, 'PATH_INFO must not include a fragment', 'does not apply', withEnviron({ PATH_INFO: '/foo/bar#qux' })),
  port(RACK, 'SERVER_NAME must be a valid host', 'server-name', withEnviron({ SERVER_NAME: 'A Host' })),
  port(RACK, 'SERVER_PROTOCOL must look like HTTP/1.1', 'server-protocol', withEnviron({ SERVER_PROTOCOL: 'HTTP/one' })),
  port(RACK, 'SERVER_PORT must be digits', 'server-port', withEnviron({ SERVER_PORT: 'howdy' })),
  port(RACK, 'CONTENT_LENGTH must be digits', 'environ-content-length', withEnviron({ CONTENT_LENGTH: 'xcii' })),
  port(RACK, 'HTTP_HOST must be a valid authority', 'http-host', withEnviron({ HTTP_HOST: 'A Host' })),
  port(RACK, 'env must not contain HTTP_CONTENT_TYPE', 'environ-http-content', withEnviron({ HTTP_CONTENT_TYPE: 'text/plain' })),
  port(RACK, 'env must not contain HTTP_CONTENT_LENGTH', 'environ-http-content', withEnviron({ HTTP_CONTENT_LENGTH: '42' })),
  port(RACK, 'rack.url_scheme must be known', 'url-scheme', withEnviron({ 'tsgi.url_scheme': 'gopher' })),
  port(RACK, 'rack.protocol must be an Array of Strings', 'does not apply', withEnviron({ 'rack.protocol': 'websocket' })),
  port(RACK, 'rack.session must respond to store, fetch, delete and clear', 'session-api', withEnviron({ 'tsgi.session': [] })),
  port(RACK, 'a session with the whole interface passes', 'passes', withEnviron({ 'tsgi.session': session })),
  port(RACK, 'rack.logger must respond to info, debug, warn, error and fatal', 'does not apply', withEnviron({ 'rack.logger': [] })),
  port(RACK, 'rack.multipart.buffer_size and tempfile_factory', 'does not apply', withEnviron({ 'rack.multipart.buffer_size': 0 })),
  port(
    RACK,
    'rack.hijack must respond to call and return an IO',
    'does not apply',
    served(responding('200 OK', [...TEXT, ['Upgrade', 'websocket']])),
    'hop-by-hop-header',
  ),
  port(RACK, 'rack.early_hints must respond to call', 'does not apply', served(responding('103 Early Hints', [['Link', '</a.css>']])), 'status-informational'),
  port(RACK, 'rack.response_finished must be an array of callables', 'does not apply', withEnviron({ 'rack.response_finished': 1 })),
  port(RACK, 'rack.input must be binary (ASCII-8BIT)', 'input-result', served(reading((input) => input.read(1)), { 'tsgi.input': inputAnswering('a') })),
  port(RACK, 'rack.input must respond to gets, each and read', 'input-api', withEnviron({ 'tsgi.input': '' })),
  port(RACK, 'rack.input#gets must be called without arguments', 'does not apply', served(reading((input) => input.readline(4)))),
  port(RACK, "rack.input#gets must return a String or nil", 'input-result', served(reading((input) => input.readline()), { 'tsgi.input': inputAnswering(42) })),
  port(RACK, 'rack.input#read takes no buffer argument beyond length', 'does not apply', served(reading((input) => input.read()))),
  port(RACK, 'rack.input#read length must be a non-negative Integer or nil', 'input-read-size', served(reading((input) => input.read(-1)))),
  port(RACK, 'rack.input#read length must be an Integer', 'input-read-size', served(reading((input) => input.read(1.5)))),
  port(RACK, "rack.input#read must return nil or a String", 'input-result', served(reading((input) => input.read(1)), { 'tsgi.input': inputAnswering(1) })),
  port(RACK, 'rack.input#read(nil) must not return nil at EOF', 'input-result', served(reading((input) => input.read()), { 'tsgi.input': inputAnswering(null) })),
  port(RACK, 'rack.input#each must be called without arguments', 'does not apply', served(reading(async (input) => {
    for await (const _chunk of input);
  }))),
  port(RACK, 'rack.input#each must yield Strings', 'input-result', served(reading(async (input) => {
    for await (const _chunk of input);
  }), { 'tsgi.input': inputAnswering('text') })),
  port(RACK, 'rack.errors must respond to puts, write and flush', 'errors-api', withEnviron({ 'tsgi.errors': '' })),
  port(RACK, 'rack.errors#write must be called with a String', 'errors-write', served(((environ, startResponse) => {
    environ['tsgi.errors'].write(42 as never);
    startResponse('200 OK', TEXT);
    return [];
  }) satisfies App)),
  port(RACK, 'rack.errors#close must not be called', 'does not apply', served(((environ, startResponse) => {
    if ('close' in environ['tsgi.errors']) throw new Error('the checked error stream offers close()');
    startResponse('200 OK', TEXT);
    return [];
  }) satisfies App)),
  port(RACK, 'the response must be an Array of three elements', 'body-type', served((() => undefined) as unknown as App)),
  port(RACK, 'status must be an Integer >= 100', 'status-format', served(responding('099 Too Low', TEXT))),
  port(RACK, 'a final status of 1xx', 'status-informational', served(responding('100 Continue', []))),
  port(RACK, 'headers must be a Hash', 'header-list', served(responding('200 OK', {}))),
  port(RACK, 'headers must not be frozen', 'does not apply', served(responding('200 OK', Object.freeze([Object.freeze(['Content-Type', 'text/plain'])])))),
  port(RACK, 'header keys must be Strings', 'header-list', served(responding('200 OK', [...TEXT, [true, 'false']]))),
  port(RACK, "headers must not contain 'status'", 'status-header', served(responding('200 OK', [...TEXT, ['status', '404']]))),
  port(RACK, 'header names must be tokens', 'header-name', served(responding('200 OK', [...TEXT, ['a(b)', 'x']]))),
  port(RACK, 'header names must not contain uppercase', 'does not apply', served(responding('200 OK', [['Content-Type', 'text/plain'], ['X-UPPER', 'ok']]))),
  port(RACK, 'header values must be a String or an Array of Strings', 'header-list', served(responding('200 OK', [...TEXT, ['foo', {}]]))),
  port(RACK, 'header values must not contain NUL, CR or LF', 'header-value', served(responding('200 OK', [...TEXT, ['foo-bar', 'text\0plain']]))),
  port(RACK, 'no content-type on 204 or 304', 'content-type-forbidden', served(responding('304 Not Modified', TEXT))),
  port(RACK, 'no content-length on 204', 'content-length-forbidden', served(responding('204 No Content', [['Content-Length', '0']]))),
  port(RACK, 'no content-length on 304', 'does not apply', served(responding('304 Not Modified', [['Content-Length', '12']]))),
  port(RACK, 'content-length must match the body', 'content-length-mismatch', served(responding('200 OK', [...TEXT, ['Content-Length', '1']]))),
  port(RACK, 'a HEAD response body must be empty', 'head-body', served(responding('200 OK', TEXT, ['foo']), { REQUEST_METHOD: 'HEAD' })),
  port(RACK, 'a HEAD response may declare a length it does not send', 'passes', served(responding('200 OK', [...TEXT, ['Content-Length', '3']]), { REQUEST_METHOD: 'HEAD' })),
  port(RACK, 'rack.protocol response header must be one the request offered', 'does not apply', served(responding('200 OK', [...TEXT, ['Upgrade', 'h2c']])), 'hop-by-hop-header'),
  port(RACK, 'the body must respond to each', 'body-type', served((() => ({})) as unknown as App)),
  port(RACK, 'the body must only be iterated once', 'body-single-iterator', async (onViolation) => {
    const body = (await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()))) as Iterable<string>;
    const first = body[Symbol.iterator]();
    try {
      body[Symbol.iterator]();
    } finally {
      first.return?.();
    }
  }),
  port(RACK, 'the body must not be iterated after close', 'body-after-return', async (onViolation) => {
    const body = (await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()))) as Iterable<string>;
    const iterator = body[Symbol.iterator]();
    iterator.return?.();
    iterator.next();
  }),
  port(RACK, 'the body must yield Strings', 'chunk-type', served(responding('200 OK', TEXT, [1, 2, 3]))),
  port(RACK, 'the body must be closed', 'body-return', async (onViolation) => {
    const body = (await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()))) as Iterable<string>;
    for (const _chunk of body);
  }),
  port(RACK, 'middleware must yield at least once per iteration of the body it wraps', 'does not apply', served(((environ, startResponse) => {
    // A buffering wrapper, as compression is: it reads the inner body whole.
    const inner = okApp(environ, startResponse) as string[];
    return [inner.join('')];
  }) satisfies App)),
  port(RACK, 'to_ary must match each', 'does not apply', served(responding('200 OK', TEXT, ['an', ' array']))),
  port(RACK, 'to_path must be nil or an existing file', 'does not apply', served(responding('200 OK', TEXT, Object.assign(['x'], { toPath: 42 })))),
  port(RACK, 'a streaming body must respond to call', 'does not apply', served((async (_environ, startResponse) => {
    const write = startResponse('200 OK', TEXT);
    await write('streamed through write()');
    return [];
  }) satisfies App)),
  port(RACK, 'a valid request passes', 'passes', served(((environ, startResponse) => {
    startResponse('200 OK', TEXT);
    return [environ.PATH_INFO, EMPTY];
  }) satisfies App)),
];
