/**
 * Status lines and header lists, correct and broken: every rule
 * `startResponse` enforces at call time.
 */
import { ok, refused, TEXT, type Case } from '../case.js';
import { answer, answerInBody } from './kit.js';

// startResponse throws before any body exists, so no iterator is taken.
const NONE = {};

export const statusHeaderCases: Case[] = [
  {
    name: 'status-ok',
    note: 'the baseline: 200 with a counted sync body and a computed Content-Length',
    app: answer('200 OK', TEXT, ['hello']),
    expect: ok('hello'),
  },
  {
    name: 'status-custom-code',
    note: 'an unregistered 2xx code and reason pass through unchanged',
    app: answer('299 Fine Anyway', TEXT, ['x']),
    expect: { ...ok('x'), status: 299 },
  },
  {
    name: 'status-reason-latin1',
    note: 'a reason phrase with obs-text inside Latin-1 (é) is allowed',
    app: answer('200 Ol\u00e9', TEXT, ['x']),
    expect: ok('x'),
  },
  {
    name: 'status-no-reason',
    note: 'status-format: "200" without a reason',
    app: answer('200', TEXT),
    expect: refused('status-format', NONE),
  },
  {
    name: 'status-two-digits',
    note: 'status-format: a two-digit code',
    app: answer('20 OK', TEXT),
    expect: refused('status-format', NONE),
  },
  {
    name: 'status-not-string',
    note: 'status-format: the number 200 instead of a line',
    app: answer(200, TEXT),
    expect: refused('status-format', NONE),
  },
  {
    name: 'status-control-char',
    note: 'status-format: a LF inside the reason (response splitting)',
    app: answer('200 O\nK', TEXT),
    expect: refused('status-format', NONE),
  },
  {
    name: 'status-reason-beyond-latin1',
    note: 'status-format: a reason phrase with a character outside Latin-1 (☃) cannot be sent',
    app: answer('200 Snow \u2603', TEXT),
    expect: refused('status-format', NONE),
  },
  {
    name: 'status-code-600',
    note: 'status-format: 600 is three digits but outside 100..599, which RFC 9110 §15 calls invalid (and a Fetch Response cannot carry)',
    app: answer('600 Beyond', TEXT, ['x']),
    expect: refused('status-format', NONE),
  },
  {
    name: 'status-informational-103',
    note: 'status-informational: 103 Early Hints as the final status',
    app: answer('103 Early Hints', [['Link', '</style.css>; rel=preload']]),
    expect: refused('status-informational', NONE),
  },
  {
    name: 'status-informational-100-in-body',
    note: 'status-informational: 100 Continue as the final status, from inside a generator body',
    app: answerInBody('100 Continue', []),
    expect: refused('status-informational'),
  },
  {
    name: 'header-list-not-array',
    note: 'header-list: an object instead of an array of pairs',
    app: answer('200 OK', { 'Content-Type': 'text/plain' }),
    expect: refused('header-list', NONE),
  },
  {
    name: 'header-list-short-pair',
    note: 'header-list: a pair with only a name',
    app: answer('200 OK', [['Content-Type']]),
    expect: refused('header-list', NONE),
  },
  {
    name: 'header-list-number-value',
    note: 'header-list: a number as a value',
    app: answer('200 OK', [['X-Count', 1]]),
    expect: refused('header-list', NONE),
  },
  {
    name: 'header-list-in-body',
    note: 'header-list: a string as the header list, from inside a generator body',
    app: answerInBody('200 OK', 'Content-Type: text/plain'),
    expect: refused('header-list'),
  },
  {
    name: 'header-name-space',
    note: 'header-name: a space inside the name',
    app: answer('200 OK', [...TEXT, ['Bad Name', 'x']]),
    expect: refused('header-name', NONE),
  },
  {
    name: 'header-name-empty',
    note: 'header-name: an empty name',
    app: answer('200 OK', [...TEXT, ['', 'x']]),
    expect: refused('header-name', NONE),
  },
  {
    name: 'header-name-colon',
    note: 'header-name: a colon inside the name',
    app: answer('200 OK', [...TEXT, ['X-A:B', 'x']]),
    expect: refused('header-name', NONE),
  },
  {
    name: 'status-header',
    note: 'status-header: a Status header next to the status line',
    app: answer('200 OK', [...TEXT, ['Status', '200 OK']]),
    expect: refused('status-header', NONE),
  },
  {
    name: 'hop-by-hop-connection',
    note: 'hop-by-hop-header: Connection belongs to the server',
    app: answer('200 OK', [...TEXT, ['Connection', 'close']]),
    expect: refused('hop-by-hop-header', NONE),
  },
  {
    name: 'hop-by-hop-transfer-encoding',
    note: 'hop-by-hop-header: Transfer-Encoding belongs to the server',
    app: answer('200 OK', [...TEXT, ['Transfer-Encoding', 'chunked']]),
    expect: refused('hop-by-hop-header', NONE),
  },
  {
    name: 'hop-by-hop-keep-alive-in-body',
    note: 'hop-by-hop-header: Keep-Alive, from inside a generator body',
    app: answerInBody('200 OK', [...TEXT, ['Keep-Alive', 'timeout=5']]),
    expect: refused('hop-by-hop-header'),
  },
  {
    name: 'header-value-crlf',
    note: 'header-value: CR LF injecting a second header',
    app: answer('200 OK', [...TEXT, ['X-Inject', 'a\r\nSet-Cookie: stolen=1']]),
    expect: refused('header-value', NONE),
  },
  {
    name: 'header-value-lf',
    note: 'header-value: a bare LF',
    app: answer('200 OK', [...TEXT, ['X-Inject', 'a\nb']]),
    expect: refused('header-value', NONE),
  },
  {
    name: 'header-value-nul',
    note: 'header-value: a NUL byte',
    app: answer('200 OK', [...TEXT, ['X-Nul', 'a\u0000b']]),
    expect: refused('header-value', NONE),
  },
  {
    name: 'header-value-beyond-latin1',
    note: 'header-value: a character outside Latin-1 (☃), which no host can send as a byte',
    app: answer('200 OK', [...TEXT, ['X-Snow', '\u2603']]),
    expect: refused('header-value', NONE),
  },
  {
    name: 'header-value-beyond-latin1-in-body',
    note: 'header-value: a character outside Latin-1 (an emoji), from inside a generator body',
    app: answerInBody('200 OK', [...TEXT, ['X-Face', '\u{1f600}']]),
    expect: refused('header-value'),
  },
  {
    name: 'header-value-obs-text',
    note: 'a Latin-1 value (café) is allowed and arrives as the same characters',
    app: answer('200 OK', [...TEXT, ['X-Word', 'caf\u00e9']], ['x']),
    expect: ok('x', { body: 1 }, { headers: { 'x-word': 'caf\u00e9' } }),
  },
  {
    name: 'header-value-tab-and-empty',
    note: 'a tab inside a value and an empty value are both allowed',
    app: answer('200 OK', [...TEXT, ['X-Tab', 'a\tb'], ['X-Empty', '']], ['x']),
    expect: ok('x', { body: 1 }, { headers: { 'x-tab': 'a\tb', 'x-empty': '' } }),
  },
  {
    name: 'header-repeated',
    note: 'repeated names are all sent: two Set-Cookie, two X-Multi',
    app: answer('200 OK', [...TEXT, ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2'], ['X-Multi', 'one'], ['X-Multi', 'two']], ['x']),
    expect: ok('x', { body: 1 }, { headers: { 'set-cookie': 'a=1, b=2', 'x-multi': 'one, two' } }),
  },
];
