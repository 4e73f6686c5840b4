/**
 * The Content-Length promise: malformed values, a body longer than declared
 * (truncated and logged) and shorter (cut and logged).
 */
import type { App } from '../../../src/gateway/index.js';
import { cut, ok, refused, TEXT, type Case } from '../case.js';
import { asyncBody, probeOf } from '../probe.js';
import { answer, answerAsync } from './kit.js';

const NONE = {};
const MISMATCH = 'content-length-mismatch';

const writeThenEmpty =
  (declared: string, written: string): App =>
  (environ, startResponse) => {
    const write = startResponse('200 OK', [...TEXT, ['Content-Length', declared]]);
    void write(written).catch(() => {});
    return asyncBody(probeOf(environ), async function* () {});
  };

export const lengthCases: Case[] = [
  {
    name: 'length-exact',
    note: 'a declared Content-Length that the body meets exactly is sent as declared',
    app: answer('200 OK', [...TEXT, ['Content-Length', '5']], ['hel', 'lo']),
    expect: ok('hello'),
  },
  {
    name: 'length-exact-async',
    note: 'an async body meeting its declared Content-Length: complete, not cut, once the last byte is out',
    app: answerAsync('200 OK', [...TEXT, ['Content-Length', '5']], ['he', 'llo']),
    expect: ok('hello'),
  },
  {
    name: 'length-zero-empty',
    note: 'Content-Length 0 with an empty body',
    app: answer('200 OK', [...TEXT, ['Content-Length', '0']], []),
    expect: ok(''),
  },
  {
    name: 'length-value-letters',
    note: 'content-length-value: "abc"',
    app: answer('200 OK', [...TEXT, ['Content-Length', 'abc']]),
    expect: refused('content-length-value', NONE),
  },
  {
    name: 'length-value-negative',
    note: 'content-length-value: "-1"',
    app: answer('200 OK', [...TEXT, ['Content-Length', '-1']]),
    expect: refused('content-length-value', NONE),
  },
  {
    name: 'length-value-list',
    note: 'content-length-value: "5, 5" in one field',
    app: answer('200 OK', [...TEXT, ['Content-Length', '5, 5']]),
    expect: refused('content-length-value', NONE),
  },
  {
    name: 'length-value-repeated',
    note: 'content-length-value: Content-Length given twice (even with equal values)',
    app: answer('200 OK', [...TEXT, ['Content-Length', '2'], ['content-length', '2']], ['ok']),
    expect: refused('content-length-value', NONE),
  },
  {
    name: 'length-value-16-digits',
    note: 'content-length-value: 16 digits, beyond what stays exact as a number',
    app: answer('200 OK', [...TEXT, ['Content-Length', '1234567890123456']]),
    expect: refused('content-length-value', NONE),
  },
  {
    name: 'length-body-longer-array',
    note: 'content-length-mismatch: an array body longer than declared is truncated to the declared length',
    app: (_environ, startResponse) => {
      startResponse('200 OK', [...TEXT, ['Content-Length', '3']]);
      return ['hello'];
    },
    expect: { ...ok('hel', {}), rules: [MISMATCH], headers: { 'content-length': '3' } },
    // The validator throws the breach into the body before anything is sent.
    validated: refused(MISMATCH, {}),
  },
  {
    name: 'length-body-longer-chunks',
    note: 'a sync body longer than declared whose excess lies in a later chunk: complete once the declared bytes are out, the rest never pulled (so nothing to log), then return()',
    app: answer('200 OK', [...TEXT, ['Content-Length', '4']], ['ab', 'cd', 'ef']),
    expect: { ...ok('abcd'), headers: { 'content-length': '4' } },
  },
  {
    name: 'length-body-longer-async',
    note: 'content-length-mismatch: an async body longer than declared is truncated',
    app: answerAsync('200 OK', [...TEXT, ['Content-Length', '3']], ['he', 'llo', 'more']),
    expect: { ...ok('hel'), rules: [MISMATCH], headers: { 'content-length': '3' } },
    // The validator throws at the chunk that overruns, after the first went out.
    validated: cut(MISMATCH),
  },
  {
    name: 'length-write-longer',
    note: 'content-length-mismatch: write() passing the declared length is truncated too',
    app: writeThenEmpty('3', 'hello'),
    expect: { ...ok('hel'), rules: [MISMATCH], headers: { 'content-length': '3' } },
    // The validator's write() throws into the app, which lets it escape.
    validated: refused(MISMATCH, {}),
  },
  {
    name: 'length-body-shorter-array',
    note: 'content-length-mismatch: an array body shorter than declared: the response is cut',
    app: (_environ, startResponse) => {
      startResponse('200 OK', [...TEXT, ['Content-Length', '10']]);
      return ['hello'];
    },
    expect: cut(MISMATCH, {}),
  },
  {
    name: 'length-body-shorter-async',
    note: 'content-length-mismatch: an async body shorter than declared: the response is cut',
    app: answerAsync('200 OK', [...TEXT, ['Content-Length', '10']], ['hel', 'lo']),
    expect: cut(MISMATCH),
  },
  {
    name: 'length-body-empty-declared',
    note: 'content-length-mismatch: Content-Length 5 and no body bytes at all: nothing was sent, so the promise is broken cleanly with a 500 (§3.9)',
    app: answer('200 OK', [...TEXT, ['Content-Length', '5']], []),
    expect: refused(MISMATCH),
  },
  {
    name: 'length-write-shorter',
    note: 'content-length-mismatch: write() gives 2 of 5 declared bytes and the body ends: cut',
    app: writeThenEmpty('5', 'he'),
    expect: cut(MISMATCH),
  },
];
