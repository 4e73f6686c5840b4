// What the hosts refuse, validate() refuses too, under the same rule name;
// and what no host can produce (a frozen environ, a lone surrogate in a
// decoded path) is reported as the server's fault, never as a crash of the
// validator itself.
import { describe, expect, it } from 'vitest';
import type { App, Chunk, ResponseHeaders } from '../../../src/gateway/types.js';
import { checkEnviron, validate, ValidationError } from '../../../src/gateway/validator/index.js';
import { SessionState } from '../../../src/middleware/session/session-state.js';
import { makeEnviron, newRecording, recordingStartResponse, serve, TEXT, violationOf } from './fake-server.js';

function responding(status: string, headers: ResponseHeaders, body: Chunk[] = []): App {
  return (_environ, startResponse) => {
    startResponse(status, headers);
    return body;
  };
}

async function ruleOfApp(app: App, environ?: Record<string, unknown>): Promise<string> {
  return (await violationOf((onViolation) => serve(app, { environ, onViolation }))).rule;
}

function ruleOfEnviron(environ: unknown): string | undefined {
  try {
    checkEnviron(environ);
    return undefined;
  } catch (error) {
    if (error instanceof ValidationError) return error.rule;
    throw error;
  }
}

function freshSession(): SessionState {
  return new SessionState({ cookiePresent: false, cookieId: undefined, rotated: false, record: undefined }, Date.now());
}

describe('a final 1xx status', () => {
  it.each(['100 Continue', '101 Switching Protocols', '103 Early Hints', '199 Whatever'])(
    'is status-informational: %j',
    async (status) => {
      expect(await ruleOfApp(responding(status, []))).toBe('status-informational');
    },
  );

  it('is refused even with the Content-Type a 200 would need', async () => {
    expect(await ruleOfApp(responding('103 Early Hints', TEXT))).toBe('status-informational');
  });

  it('is refused when excInfo replaces a status', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('100 Continue', [], new Error('late'));
      return [];
    };
    expect(await ruleOfApp(app)).toBe('status-informational');
  });
});

describe('tsgi.session', () => {
  const methods = {
    get: () => undefined,
    set: () => {},
    has: () => false,
    delete: () => false,
    clear: () => {},
    keys: () => [],
    regenerate: () => {},
    destroy: () => {},
  };

  it('accepts the session middleware’s own session and a plain object with the whole API', () => {
    expect(ruleOfEnviron(makeEnviron({ 'tsgi.session': freshSession() }))).toBeUndefined();
    expect(ruleOfEnviron(makeEnviron({ 'tsgi.session': { ...methods, id: 'abc', isNew: true, modified: false } }))).toBeUndefined();
  });

  it.each([
    ['null', null],
    ['a Map', new Map()],
    ['a plain dict', { visits: 1 }],
    ['no regenerate()', { ...methods, regenerate: undefined, id: 'a', isNew: true, modified: false }],
    ['no keys()', { ...methods, keys: 'k', id: 'a', isNew: true, modified: false }],
    ['a numeric id', { ...methods, id: 7, isNew: true, modified: false }],
    ['isNew as a string', { ...methods, id: 'a', isNew: 'yes', modified: false }],
    ['no modified', { ...methods, id: 'a', isNew: false }],
  ])('refuses %s as session-api', (_what, session) => {
    expect(ruleOfEnviron(makeEnviron({ 'tsgi.session': session }))).toBe('session-api');
  });
});

describe('CGI-style keys', () => {
  it.each([
    ['SERVER_SOFTWARE', 1],
    ['REMOTE_USER', null],
    ['AUTH_TYPE', undefined],
    ['HTTP_X_COUNT', 5],
    ['HTTP_ACCEPT', ['a', 'b']],
    ['CONTENT_TYPE', 1],
    ['lowercase_but_no_dot', true],
  ])('refuses %s holding %j as environ-key-type', (key, value) => {
    expect(ruleOfEnviron(makeEnviron({ [key]: value }))).toBe('environ-key-type');
  });

  it('leaves keys with a dot to whoever owns their prefix', () => {
    expect(ruleOfEnviron(makeEnviron({ 'myapp.user': { id: 1 }, 'myapp.count': 3, SERVER_SOFTWARE: 'tsgi' }))).toBeUndefined();
  });
});

describe('lone surrogates in the decoded path', () => {
  it.each(['/a\ud800', '/\udc00b', '/x/\ud83d'])('refuses PATH_INFO %j as path-info', (PATH_INFO) => {
    expect(ruleOfEnviron(makeEnviron({ PATH_INFO }))).toBe('path-info');
  });

  it.each(['/app\ud800', '/\udfff'])('refuses SCRIPT_NAME %j as script-name', (SCRIPT_NAME) => {
    expect(ruleOfEnviron(makeEnviron({ SCRIPT_NAME }))).toBe('script-name');
  });

  it('accepts what UTF-8 decoding does give, astral characters included', () => {
    expect(ruleOfEnviron(makeEnviron({ SCRIPT_NAME: '/caf\u00e9', PATH_INFO: '/\u{1f600}/\u2713' }))).toBeUndefined();
  });
});

describe('an environ the app may not modify', () => {
  it.each([
    ['frozen', (environ: object) => Object.freeze(environ)],
    ['sealed', (environ: object) => Object.seal(environ)],
    ['not extensible', (environ: object) => Object.preventExtensions(environ)],
    ['holding a read-only key', (environ: object) => Object.defineProperty(environ, 'PATH_INFO', { writable: false })],
    ['holding a getter', (environ: object) => Object.defineProperty(environ, 'QUERY_STRING', { get: () => '' })],
  ])('is environ-object when %s, never a TypeError from the validator', async (_what, lock) => {
    const environ = makeEnviron();
    const input = environ['tsgi.input'];
    lock(environ);
    let thrown: unknown;
    try {
      await validate(responding('200 OK', TEXT))(environ, recordingStartResponse(newRecording()));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect((thrown as ValidationError).rule).toBe('environ-object');
    expect((thrown as ValidationError).side).toBe('server');
    // Refused before the validator wraps the streams, so nothing was changed.
    expect(environ['tsgi.input']).toBe(input);
  });
});

describe('header values and reason phrases beyond Latin-1', () => {
  it.each(['\u2713', 'caf\u0113', '\u{1f600}'])('refuses the header value %j as header-value', async (value) => {
    expect(await ruleOfApp(responding('200 OK', [...TEXT, ['X-Mark', value]]))).toBe('header-value');
  });

  it.each(['200 \u2713', '404 Caf\u0113 Not Found'])('refuses the status %j as status-format', async (status) => {
    expect(await ruleOfApp(responding(status, TEXT))).toBe('status-format');
  });

  it('accepts Latin-1 in both', async () => {
    const served = await serve(responding('200 Caf\u00e9', [...TEXT, ['X-Name', 'Andr\u00e9']]));
    expect([served.status, served.violations]).toEqual(['200 Caf\u00e9', []]);
  });
});

describe('Content-Length digits', () => {
  it('refuses 16 digits as content-length-value', async () => {
    expect(await ruleOfApp(responding('200 OK', [...TEXT, ['Content-Length', '1234567890123456']]))).toBe('content-length-value');
  });

  it('accepts 15 digits, which every host accepts', async () => {
    // A HEAD response declares the length it does not send.
    const app = responding('200 OK', [...TEXT, ['Content-Length', '999999999999999']]);
    const served = await serve(app, { environ: { REQUEST_METHOD: 'HEAD' } });
    expect(served.violations).toEqual([]);
  });

  it('refuses a second Content-Length even when both agree', async () => {
    const app = responding('200 OK', [...TEXT, ['Content-Length', '2'], ['content-length', '2']], ['ok']);
    expect(await ruleOfApp(app)).toBe('content-length-value');
  });
});

describe('excInfo: null counts as absent', () => {
  it('makes a second startResponse start-response-twice', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('500 Internal Server Error', TEXT, null);
      return [];
    };
    expect(await ruleOfApp(app)).toBe('start-response-twice');
  });

  it('is passed on as given on a first call', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', TEXT, null);
      return ['ok'];
    };
    const served = await serve(app);
    expect([served.status, served.text, served.violations]).toEqual(['200 OK', 'ok', []]);
  });

  it('leaves a real excInfo free to replace the status before output', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('500 Internal Server Error', TEXT, new Error('boom'));
      return ['failed'];
    };
    const served = await serve(app);
    expect([served.status, served.violations]).toEqual(['500 Internal Server Error', []]);
  });
});

describe('chunks before startResponse', () => {
  it('lets an empty one through, as every host does', async () => {
    const app: App = function* (_environ, startResponse) {
      yield '';
      yield new Uint8Array(0);
      startResponse('200 OK', TEXT);
      yield 'ok';
    };
    const served = await serve(app);
    expect([served.status, served.text, served.violations]).toEqual(['200 OK', 'ok', []]);
  });

  it('refuses a non-empty one as start-response-first', async () => {
    const app: App = function* (_environ, startResponse) {
      yield '';
      yield 'x';
      startResponse('200 OK', TEXT);
    };
    expect(await ruleOfApp(app)).toBe('start-response-first');
  });
});

describe('the body after return()', () => {
  it('is body-after-return when an async body is pulled again', async () => {
    const app: App = async function* (_environ, startResponse) {
      startResponse('200 OK', TEXT);
      yield 'a';
      yield 'b';
    };
    const body = (await validate(app)(makeEnviron(), recordingStartResponse(newRecording()))) as AsyncIterable<Chunk>;
    const iterator = body[Symbol.asyncIterator]();
    await iterator.next();
    await iterator.return?.();
    await expect(iterator.next()).rejects.toMatchObject({ rule: 'body-after-return', side: 'server' });
  });
});

describe('SERVER_NAME and HTTP_HOST', () => {
  it.each(['localhost', '127.0.0.1', 'example.com', '::1', '::', 'fe80::1%eth0', 'xn--bcher-kva.example'])(
    'accepts SERVER_NAME %j',
    (SERVER_NAME) => {
      expect(ruleOfEnviron(makeEnviron({ SERVER_NAME }))).toBeUndefined();
    },
  );

  it.each(['', 'a host', '[::1]', 'example.com:80', 'a/b', 'user@host'])('refuses SERVER_NAME %j as server-name', (SERVER_NAME) => {
    expect(ruleOfEnviron(makeEnviron({ SERVER_NAME }))).toBe('server-name');
  });

  it.each(['example.com', 'example.com:8080', '127.0.0.1:80', '[::1]:8080', '[::1]', '', 'h:'])('accepts HTTP_HOST %j', (HTTP_HOST) => {
    expect(ruleOfEnviron(makeEnviron({ HTTP_HOST }))).toBeUndefined();
  });

  it.each(['a host', '::1', 'example.com/x', 'user@example.com', 'example.com:80a', 'a\tb'])(
    'refuses HTTP_HOST %j as http-host',
    (HTTP_HOST) => {
      expect(ruleOfEnviron(makeEnviron({ HTTP_HOST }))).toBe('http-host');
    },
  );
});
