/**
 * Responses that carry no body bytes whatever the app yields (HEAD, 204,
 * 304), and request bodies read fully, partly or not at all.
 */
import type { Environ } from '../../../src/gateway/index.js';
import { ok, refused, refusedHead, TEXT, type Case, type Expectation } from '../case.js';
import { asyncBody, probeOf, syncBody } from '../probe.js';
import { answer, answerAsync } from './kit.js';

const HEAD = { method: 'HEAD' };
const empty = (status: number, headers: Record<string, string | null> = {}, returns: Record<string, number> = { body: 1 }): Expectation => ({
  status,
  aborted: false,
  rules: [],
  returns,
  body: '',
  headers,
});
// The validator refuses what the hosts tolerate: body bytes on HEAD.
const headBody = (returns: Record<string, number> = { body: 1 }): Expectation => refusedHead('head-body', returns);

const POSTED = 'line one\nline two\nline three\n';
const post = (body: string | Uint8Array = POSTED) => ({ method: 'POST', body, headers: { 'content-type': 'text/plain' } });
const echo = (environ: Environ, text: string): Iterable<string> => syncBody(probeOf(environ), () => [text][Symbol.iterator]()) as Iterable<string>;

export const noBodyCases: Case[] = [
  {
    name: 'head-empty-body',
    note: 'HEAD with an empty body: headers only; no computed Content-Length (only the app knows the GET length)',
    request: HEAD,
    app: answer('200 OK', TEXT, []),
    expect: empty(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': null }),
  },
  {
    name: 'head-with-chunks',
    note: 'HEAD whose sync body yields bytes after an early startResponse: the host need not even pull them, and sends none',
    request: HEAD,
    app: answer('200 OK', TEXT, ['hello']),
    expect: empty(200),
  },
  {
    name: 'head-with-async-chunks',
    note: 'HEAD with an async body that yields: no bytes sent, return() once',
    request: HEAD,
    app: answerAsync('200 OK', TEXT, ['hel', 'lo']),
    expect: empty(200),
    validated: headBody(),
  },
  {
    name: 'head-declared-length',
    note: 'HEAD with the GET Content-Length and no body: the header stands, no mismatch is logged',
    request: HEAD,
    app: answer('200 OK', [...TEXT, ['Content-Length', '5']], []),
    expect: empty(200, { 'content-length': '5' }),
  },
  {
    name: 'head-write',
    note: 'HEAD with write(): nothing sent',
    request: HEAD,
    app: (environ, startResponse) => {
      const write = startResponse('200 OK', TEXT);
      void write('hello').catch(() => {});
      return syncBody(probeOf(environ), () => [][Symbol.iterator]());
    },
    expect: empty(200),
    // The validator's write() throws into the app, before any body exists.
    validated: headBody({}),
  },
  {
    name: 'no-content-204',
    note: '204 with an empty body and no Content-Type',
    app: answer('204 No Content', [], []),
    expect: empty(204, { 'content-length': null, 'content-type': null }),
  },
  {
    name: 'no-content-204-with-chunks',
    note: '204 whose body yields bytes: none are sent',
    app: answer('204 No Content', [], ['ignored']),
    expect: empty(204, { 'content-length': null }),
  },
  {
    name: 'no-content-204-async-chunks',
    note: '204 with an async body that yields: none sent, return() once',
    app: answerAsync('204 No Content', [], ['ignored']),
    expect: empty(204, { 'content-length': null }),
  },
  {
    name: 'not-modified-304',
    note: '304 with an ETag and no body',
    app: answer('304 Not Modified', [['ETag', '"v1"']], []),
    expect: empty(304, { etag: '"v1"' }),
  },
  {
    name: 'not-modified-304-with-chunks',
    note: '304 whose body yields bytes: none are sent',
    app: answer('304 Not Modified', [['ETag', '"v1"']], ['ignored']),
    expect: empty(304, { etag: '"v1"' }),
  },
  {
    name: 'not-modified-304-declared-length',
    note: "304 with its 200's Content-Length (allowed by §7): kept, no mismatch",
    app: answer('304 Not Modified', [['ETag', '"v1"'], ['Content-Length', '10']], []),
    expect: empty(304, { 'content-length': '10' }),
  },
  {
    name: 'input-read-all',
    note: 'the app reads tsgi.input to its end and echoes the byte count',
    request: post(),
    app: async (environ, startResponse) => {
      const bytes = await environ['tsgi.input'].read();
      startResponse('200 OK', TEXT);
      return echo(environ, `read ${bytes.length}`);
    },
    expect: ok(`read ${POSTED.length}`),
  },
  {
    name: 'input-read-part',
    note: 'the app reads one line of a three-line body and answers',
    request: post(),
    app: async (environ, startResponse) => {
      const line = await environ['tsgi.input'].readline();
      startResponse('200 OK', TEXT);
      return echo(environ, `first ${Buffer.from(line).toString().trim()}`);
    },
    expect: ok('first line one'),
  },
  {
    name: 'input-read-none',
    note: 'the app never touches tsgi.input',
    request: post(),
    app: answer('200 OK', TEXT, ['ignored the body']),
    expect: ok('ignored the body'),
  },
  {
    name: 'input-iterate',
    note: 'the app iterates tsgi.input inside an async body',
    request: post(),
    app: (environ, startResponse) =>
      asyncBody(probeOf(environ), async function* () {
        let total = 0;
        for await (const chunk of environ['tsgi.input']) total += chunk.length;
        startResponse('200 OK', TEXT);
        yield `iterated ${total}`;
      }),
    expect: { status: 200, aborted: false, rules: [], returns: { body: 1 }, body: `iterated ${POSTED.length}` },
  },
  {
    name: 'input-large-unread-413',
    note: 'a 256 KiB upload refused with 413 without reading it',
    request: post(new Uint8Array(256 * 1024).fill(97)),
    app: answer('413 Content Too Large', TEXT, ['too large']),
    expect: { ...ok('too large'), status: 413 },
  },
  {
    name: 'input-read-then-throw',
    note: 'the app reads part of the body, then throws: 500',
    request: post(),
    app: async (environ) => {
      await environ['tsgi.input'].read(4);
      throw new Error('failed after reading');
    },
    expect: refused(null, {}),
  },
];
