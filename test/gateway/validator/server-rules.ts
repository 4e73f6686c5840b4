// One scenario per server-side rule: a fake server (or environ) that breaks
// exactly that rule under an app that is otherwise correct.
import { Buffer } from 'node:buffer';
import { openBody } from '../../../src/gateway/body.js';
import type { App, Body, Chunk, InputStream } from '../../../src/gateway/types.js';
import { validate, type ValidationRule, type ViolationHandler } from '../../../src/gateway/validator/index.js';
import { makeEnviron, newRecording, recordingStartResponse, REMOVE, serve, TEXT, type EnvironOverrides } from './fake-server.js';

export type Case = (onViolation: ViolationHandler) => unknown;

export const okApp: App = (_environ, startResponse) => {
  startResponse('200 OK', TEXT);
  return ['ok'];
};

const readingApp: App = async (environ, startResponse) => {
  const input = environ['tsgi.input'];
  await input.read(2);
  await input.read(2);
  startResponse('200 OK', TEXT);
  return ['ok'];
};

function withEnviron(overrides: EnvironOverrides): Case {
  return (onViolation) => serve(okApp, { environ: overrides, onViolation });
}

function inputReturning(read: (size?: number) => Promise<unknown>): InputStream {
  return {
    read: read as InputStream['read'],
    readline: async () => Buffer.alloc(0),
    async *[Symbol.asyncIterator]() {},
  };
}

export const serverCases = {
  'environ-object': (onViolation) => {
    const environ = Object.assign(Object.create({ inherited: true }) as object, makeEnviron());
    return validate(okApp, { onViolation })(environ as never, recordingStartResponse(newRecording()));
  },
  'environ-key-missing': withEnviron({ QUERY_STRING: REMOVE }),
  'environ-key-type': withEnviron({ 'tsgi.run_once': 'no' }),
  'request-method': withEnviron({ REQUEST_METHOD: 'GE T' }),
  'server-name': withEnviron({ SERVER_NAME: 'a host' }),
  'server-port': withEnviron({ SERVER_PORT: 'http' }),
  'server-protocol': withEnviron({ SERVER_PROTOCOL: 'HTTP 1.1' }),
  'http-host': withEnviron({ HTTP_HOST: 'a host' }),
  'environ-content-length': withEnviron({ CONTENT_LENGTH: '-1' }),
  'environ-http-content': withEnviron({ HTTP_CONTENT_TYPE: 'text/plain' }),
  'tsgi-version': withEnviron({ 'tsgi.version': [1] }),
  'url-scheme': withEnviron({ 'tsgi.url_scheme': 'ftp' }),
  'script-name': withEnviron({ SCRIPT_NAME: '/app/' }),
  'path-info': withEnviron({ PATH_INFO: 'index.html' }),
  'path-empty': withEnviron({ SCRIPT_NAME: '', PATH_INFO: '' }),
  'input-api': withEnviron({ 'tsgi.input': { read: async () => Buffer.alloc(0) } }),
  'input-result': (onViolation) =>
    serve(readingApp, { environ: { 'tsgi.input': inputReturning(async () => 'ab') }, onViolation }),
  'input-read-length': (onViolation) =>
    serve(readingApp, { environ: { 'tsgi.input': inputReturning(async () => Buffer.from('abc')) }, onViolation }),
  'errors-api': withEnviron({ 'tsgi.errors': { write() {}, flush() {} } }),
  'session-api': withEnviron({ 'tsgi.session': new Map() }),
  'start-response-api': (onViolation) => {
    const startResponse = (() => undefined) as never;
    return validate(okApp, { onViolation })(makeEnviron(), startResponse);
  },
  'exc-info-rethrow': async (onViolation) => {
    // This server forgets that headers are out and lets excInfo replace them.
    const app: App = async function* (_environ, startResponse) {
      startResponse('200 OK', TEXT);
      yield 'partial';
      try {
        throw new Error('database gone');
      } catch (error) {
        startResponse('500 Internal Server Error', TEXT, error);
      }
    };
    const ignoringExcInfo = () => async () => {};
    const body = await validate(app, { onViolation })(makeEnviron(), ignoringExcInfo);
    const reader = openBody(body);
    try {
      while ((await reader.next()).done !== true);
    } finally {
      await reader.close();
    }
  },
  'body-single-iterator': async (onViolation) => {
    const body = (await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()))) as Iterable<Chunk>;
    const first = body[Symbol.iterator]();
    try {
      body[Symbol.iterator]();
    } finally {
      first.return?.();
    }
  },
  'body-after-return': async (onViolation) => {
    const body = (await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()))) as Iterable<Chunk>;
    const iterator = body[Symbol.iterator]();
    iterator.return?.();
    iterator.next();
  },
  'body-return': async (onViolation) => {
    // for...of calls return() only on an early exit, so a server that just
    // loops never closes a body that ran to the end.
    const body: Body = await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()));
    for (const _chunk of body as Iterable<Chunk>);
  },
} satisfies { [K in ValidationRule]?: Case };
