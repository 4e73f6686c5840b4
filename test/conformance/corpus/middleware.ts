/**
 * Apps wrapped in each middleware, answering well and breaking, so the
 * middleware's own start/body handling is held to the same contract.
 */
import { mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessLog } from '../../../src/middleware/access-log/index.js';
import { basicAuth, staticCredentials } from '../../../src/middleware/basic-auth/index.js';
import { cascade } from '../../../src/middleware/cascade/index.js';
import { compress } from '../../../src/middleware/compress/index.js';
import { HttpError, type App, type AppLike, type Environ } from '../../../src/gateway/index.js';
import { httpErrors, showErrors } from '../../../src/middleware/errors/index.js';
import { MemoryStore, sessions } from '../../../src/middleware/session/index.js';
import { proxyHeaders } from '../../../src/middleware/proxy-headers/index.js';
import { staticFiles } from '../../../src/middleware/static-files/index.js';
import { urlMap } from '../../../src/middleware/url-map/index.js';
import { cut, ok, refused, TEXT, type Case } from '../case.js';
import { asyncBody, probeOf, syncBody } from '../probe.js';
import { answer, answerAsync } from './kit.js';

const SECRET = 'conformance-secret-of-at-least-32-characters';
const PARAGRAPH = 'All work and no play makes a dull gateway. '.repeat(60);

/** accessLog made per request, so its line lands in this run's probe as "status bytes outcome". */
export function logged(app: AppLike): App {
  return (environ, startResponse) => {
    const probe = probeOf(environ);
    const stream = {
      write(line: string): void {
        const match = /" (\d{3}) (\S+) [\d.]+( \w+)?\n$/.exec(line);
        probe.notes.push(match === null ? `unparsed access line ${line}` : `access ${match[1]} ${match[2]}${match[3] ?? ' complete'}`);
      },
    };
    return accessLog(app, { stream })(environ, startResponse);
  };
}

const counter: App = (environ, startResponse) => {
  const session = environ['tsgi.session'];
  const visits = Number(session?.get('visits') ?? 0) + 1;
  session?.set('visits', visits);
  startResponse('200 OK', TEXT);
  return syncBody(probeOf(environ), () => [`visit ${visits}`][Symbol.iterator]());
};

const throwing: App = () => {
  throw new Error('wrapped app exploded');
};

const failingAfterOutput = answerAsync('200 OK', TEXT, ['partial', {}]);

const whereAmI: App = (environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return syncBody(probeOf(environ), () => [`${environ.SCRIPT_NAME}|${environ.PATH_INFO}`][Symbol.iterator]());
};

const whoAsks: App = (environ: Environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return syncBody(probeOf(environ), () => [`${environ['tsgi.url_scheme']} ${environ.REMOTE_ADDR}`][Symbol.iterator]());
};

const notFoundFirst: App = (environ, startResponse) =>
  syncBody(
    probeOf(environ),
    function* () {
      startResponse('404 Not Found', TEXT);
      yield 'not here';
    },
    'first',
  );

const files = mkdtempSync(join(tmpdir(), 'tsgi-conformance-'));
writeFileSync(join(files, 'hello.txt'), 'hello from a file\n');
// A fixed mtime keeps Last-Modified and the ETag the same on every run.
utimesSync(join(files, 'hello.txt'), new Date('2026-01-02T03:04:05Z'), new Date('2026-01-02T03:04:05Z'));
const served = staticFiles(files);

const authorised = { authorization: `Basic ${Buffer.from('ada:lovelace').toString('base64')}` };
const guarded = (app: AppLike): App => basicAuth(app, { realm: 'Staff', verify: staticCredentials({ ada: 'lovelace' }) });
const withSessions = (app: AppLike): App => sessions(app, { secrets: [SECRET], store: new MemoryStore() });

export const middlewareCases: Case[] = [
  {
    name: 'mw-access-log',
    note: 'accessLog around a sync body: logged complete with the bytes sent',
    app: logged(answer('200 OK', TEXT, ['hello'])),
    expect: ok('hello'),
  },
  {
    name: 'mw-access-log-async',
    note: 'accessLog around an async body',
    app: logged(answerAsync('200 OK', TEXT, ['hel', 'lo'])),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 }, body: 'hello' },
  },
  {
    name: 'mw-access-log-length-reached',
    note: 'accessLog around an async body that meets its Content-Length: complete, not aborted (issue 9)',
    app: logged(answerAsync('200 OK', [...TEXT, ['Content-Length', '5']], ['hel', 'lo'])),
    expect: ok('hello'),
  },
  {
    name: 'mw-access-log-throws',
    note: 'accessLog around an app that throws: 500',
    app: logged(throwing),
    expect: refused(null, {}),
  },
  {
    name: 'mw-access-log-bad-header',
    note: 'accessLog around an app with a CR LF header value: 500 with the rule',
    app: logged(answer('200 OK', [...TEXT, ['X-Bad', 'a\r\nb']])),
    expect: refused('header-value', {}),
  },
  {
    name: 'mw-compress-sync',
    note: 'compress (gzip) around a compressible sync body',
    request: { headers: { 'accept-encoding': 'gzip' } },
    app: compress(answer('200 OK', TEXT, [PARAGRAPH]), { encodings: ['gzip'] }),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 }, headers: { 'content-encoding': 'gzip', vary: 'Accept-Encoding' } },
  },
  {
    name: 'mw-compress-async',
    note: 'compress (gzip) around an async body, flushed per chunk',
    request: { headers: { 'accept-encoding': 'gzip' } },
    app: compress(answerAsync('200 OK', TEXT, [PARAGRAPH, PARAGRAPH]), { encodings: ['gzip'] }),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 }, headers: { 'content-encoding': 'gzip' } },
  },
  {
    name: 'mw-compress-head',
    note: 'compress on HEAD: the GET headers, no body',
    request: { method: 'HEAD', headers: { 'accept-encoding': 'gzip' } },
    app: compress(answer('200 OK', TEXT, []), { encodings: ['gzip'] }),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 }, body: '' },
  },
  {
    name: 'mw-compress-bad-status',
    note: 'compress around an app with a malformed status: 500 with the rule',
    request: { headers: { 'accept-encoding': 'gzip' } },
    app: compress(answer('OK', TEXT), { encodings: ['gzip'] }),
    expect: refused('status-format', {}),
  },
  {
    name: 'mw-compress-fails-after-output',
    note: 'compress around an async body that yields a bad chunk after output: cut',
    request: { headers: { 'accept-encoding': 'gzip' } },
    app: compress(failingAfterOutput, { encodings: ['gzip'] }),
    expect: cut('chunk-type'),
  },
  {
    name: 'mw-session',
    note: 'sessions (MemoryStore) around an app that sets a value: Set-Cookie sent',
    app: withSessions(counter),
    expect: { ...ok('visit 1'), headers: { 'set-cookie': 'tsgi_sid=SID; Path=/; HttpOnly; SameSite=Lax' } },
  },
  {
    name: 'mw-session-generator',
    note: 'sessions around a generator that calls startResponse inside its body',
    app: withSessions((environ, startResponse) =>
      syncBody(probeOf(environ), function* () {
        environ['tsgi.session']?.set('seen', true);
        startResponse('200 OK', TEXT);
        yield 'seen';
      }),
    ),
    expect: { ...ok('seen'), headers: { 'set-cookie': 'tsgi_sid=SID; Path=/; HttpOnly; SameSite=Lax' } },
  },
  {
    name: 'mw-session-throws',
    note: 'sessions around an app that throws: 500',
    app: withSessions(throwing),
    expect: refused(null, {}),
  },
  {
    name: 'mw-session-bad-header',
    note: 'sessions around an app with a hop-by-hop header: 500 with the rule (sessions holds startResponse back)',
    app: withSessions(answer('200 OK', [...TEXT, ['Upgrade', 'h2c']])),
    expect: refused('hop-by-hop-header', {}),
  },
  {
    name: 'mw-show-errors',
    ownErrorPage: true,
    note: 'showErrors around an app that throws: its own 500 page, with a reference id (masked XXXXXXXX)',
    app: showErrors(throwing),
    expect: { ...refused(null, {}), body: /XXXXXXXX/ },
  },
  {
    name: 'mw-show-errors-after-output',
    note: 'showErrors cannot answer once output began: cut',
    app: showErrors(failingAfterOutput),
    expect: cut('chunk-type'),
  },
  {
    name: 'mw-show-errors-good',
    note: 'showErrors around a good async app changes nothing',
    app: showErrors(answerAsync('200 OK', TEXT, ['fine'])),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 }, body: 'fine' },
  },
  {
    name: 'mw-http-errors-404',
    note: 'httpErrors renders a thrown HttpError(404) as its response',
    app: httpErrors(() => {
      throw new HttpError(404, 'no such page');
    }),
    expect: { status: 404, aborted: false, rules: [], returns: {}, body: /no such page/ },
  },
  {
    name: 'mw-http-errors-other',
    note: 'httpErrors passes other errors to the host: the generic 500',
    app: httpErrors(throwing),
    expect: refused(null, {}),
  },
  {
    name: 'mw-basic-auth-refused',
    note: 'basicAuth without credentials: 401 with a challenge, the app not called',
    app: guarded(answer('200 OK', TEXT, ['secret'])),
    expect: { status: 401, aborted: false, rules: [], returns: {}, headers: { 'www-authenticate': 'Basic realm="Staff", charset="UTF-8"' } },
  },
  {
    name: 'mw-basic-auth-granted',
    note: 'basicAuth with good credentials reaches the app',
    request: { headers: authorised },
    app: guarded(answer('200 OK', TEXT, ['secret'])),
    expect: ok('secret'),
  },
  {
    name: 'mw-basic-auth-app-throws',
    note: 'basicAuth granted, then the app throws: 500',
    request: { headers: authorised },
    app: guarded(throwing),
    expect: refused(null, {}),
  },
  {
    name: 'mw-cascade',
    note: 'cascade: the first app answers 404 (its body closed by cascade), the second wins',
    app: cascade([notFoundFirst, answer('200 OK', TEXT, ['second'])]),
    expect: ok('second', { first: 1, body: 1 }),
  },
  {
    name: 'mw-cascade-all-404',
    note: "cascade: every app answers 404; the last one's answer is sent",
    app: cascade([notFoundFirst, answer('404 Not Found', TEXT, ['none'])]),
    expect: { ...ok('none', { first: 1, body: 1 }), status: 404 },
  },
  {
    name: 'mw-cascade-broken',
    note: 'cascade: the winning app has a malformed header: 500 with the rule',
    app: cascade([notFoundFirst, answerAsync('200 OK', [...TEXT, ['X Bad', '1']])]),
    expect: refused('header-name', { first: 1, body: 1 }),
  },
  {
    name: 'mw-url-map',
    note: 'urlMap moves the mount point into SCRIPT_NAME',
    request: { path: '/mount/inner' },
    app: urlMap({ '/mount': whereAmI }),
    expect: ok('/mount|/inner'),
  },
  {
    name: 'mw-url-map-miss',
    note: "urlMap with no matching mount answers its own 404",
    request: { path: '/elsewhere' },
    app: urlMap({ '/mount': whereAmI }),
    expect: { status: 404, aborted: false, rules: [], returns: {} },
  },
  {
    name: 'mw-url-map-broken',
    note: 'urlMap around an app returning a string body: 500 with the rule',
    request: { path: '/mount/x' },
    app: urlMap({ '/mount': () => 'not a body' as unknown as string[] }),
    expect: refused('body-type', {}),
  },
  {
    name: 'mw-proxy-headers',
    note: 'proxyHeaders trusting loopback takes scheme and client from X-Forwarded-*',
    request: { headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' } },
    app: proxyHeaders(whoAsks, { trust: ['loopback'] }),
    expect: ok('https 203.0.113.7'),
  },
  {
    name: 'mw-static-file',
    note: 'staticFiles serves a file with its validators and length',
    request: { path: '/hello.txt' },
    app: served,
    expect: { status: 200, aborted: false, rules: [], returns: {}, body: 'hello from a file\n', headers: { 'content-length': '18' } },
  },
  {
    name: 'mw-static-file-head',
    note: 'staticFiles on HEAD: the GET headers, no body',
    request: { method: 'HEAD', path: '/hello.txt' },
    app: served,
    expect: { status: 200, aborted: false, rules: [], returns: {}, body: '', headers: { 'content-length': '18' } },
  },
  {
    name: 'mw-static-file-missing',
    note: 'staticFiles answers 404 for a missing file',
    request: { path: '/missing.txt' },
    app: served,
    expect: { status: 404, aborted: false, rules: [], returns: {} },
  },
  {
    name: 'mw-stack-everything',
    note: 'accessLog, compress, sessions, showErrors and proxyHeaders together around a good async app',
    request: { headers: { 'accept-encoding': 'gzip' } },
    app: logged(compress(withSessions(showErrors(proxyHeaders(answerAsync('200 OK', TEXT, ['short']), { trust: ['loopback'] }))), { encodings: ['gzip'] })),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 } },
  },
  {
    name: 'mw-stack-everything-broken',
    ownErrorPage: true,
    note: 'the same stack around an app whose status is 103: 500 with the rule',
    app: logged(compress(withSessions(showErrors(answerAsync('103 Early Hints', []))), { encodings: ['gzip'] })),
    // showErrors answers the refusal with its own page, carrying a reference id.
    expect: { ...refused('status-informational'), body: /XXXXXXXX/ },
  },
];
