import { Buffer } from 'node:buffer';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openBody } from '../../../src/gateway/body.js';
import { MemoryErrors } from '../../../src/gateway/errors.js';
import { GatewayError } from '../../../src/gateway/spec.js';
import type { App, Body, Chunk } from '../../../src/gateway/types.js';
import {
  checkEnviron,
  reportViolation,
  validate,
  VALIDATION_RULES,
  ValidationError,
  type ValidationRule,
} from '../../../src/gateway/validator/index.js';
import { appCases } from './app-rules.js';
import { makeEnviron, newRecording, recordingStartResponse, serve, TEXT, turn, violationOf } from './fake-server.js';
import { okApp, serverCases, type Case } from './server-rules.js';
import { webSocketAppCases, webSocketServerCases } from './websocket-rules.js';

// Typed as a full record so that a rule added without a test fails to compile.
const cases: Record<ValidationRule, Case> = { ...serverCases, ...appCases, ...webSocketServerCases, ...webSocketAppCases };

describe('validate() rules', () => {
  it('lists every rule once, each with a side and a one-line description', () => {
    expect(Object.keys(cases).sort()).toEqual(Object.keys(VALIDATION_RULES).sort());
    for (const [rule, info] of Object.entries(VALIDATION_RULES)) {
      expect(rule).toMatch(/^[a-z]+(?:-[a-z]+)*$/);
      expect(['server', 'app']).toContain(info.side);
      expect(info.description).not.toContain('\n');
    }
  });

  it.each(Object.entries(cases) as Array<[ValidationRule, Case]>)('catches a breach of %s', async (rule, run) => {
    const error = await violationOf(run);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toBeInstanceOf(GatewayError);
    expect(error.rule).toBe(rule);
    expect(error.side).toBe(VALIDATION_RULES[rule].side);
    expect(error.message).toMatch(new RegExp(`^\\[${rule}\\] ${error.side} violation: \\S`));
  });
});

describe('validate() details', () => {
  it('checks every HTTP_* key and the optional CONTENT_* keys for strings', () => {
    for (const overrides of [{ HTTP_ACCEPT: undefined }, { HTTP_ACCEPT: ['a', 'b'] }, { CONTENT_TYPE: 1 }]) {
      expect(() => checkEnviron(makeEnviron(overrides))).toThrow(expect.objectContaining({ rule: 'environ-key-type' }));
    }
  });

  it('rejects a SCRIPT_NAME of just "/" and one without a leading slash', () => {
    for (const SCRIPT_NAME of ['/', 'app']) {
      expect(() => checkEnviron(makeEnviron({ SCRIPT_NAME }))).toThrow(expect.objectContaining({ rule: 'script-name' }));
    }
  });

  it('refuses a string body and a promise of a byte array alike', async () => {
    for (const body of ['ok', Promise.resolve(new Uint8Array(2))]) {
      const app = (() => body) as unknown as App;
      const error = await violationOf(() => serve(app));
      expect([error.rule, error.message.includes('wrap it in an array')]).toEqual(['body-type', true]);
    }
  });

  it('checks the headers again when excInfo replaces them', async () => {
    const app: App = (_environ, startResponse) => {
      startResponse('200 OK', TEXT);
      startResponse('500 Internal Server Error', [], new Error('boom'));
      return [];
    };
    expect((await violationOf(() => serve(app))).rule).toBe('content-type-missing');
  });

  it('reports a body that was too long as soon as it overflows', async () => {
    let yieldedAfter = false;
    const app: App = function* (_environ, startResponse) {
      startResponse('200 OK', [...TEXT, ['Content-Length', '3']]);
      yield 'four';
      yieldedAfter = true;
      yield 'more';
    };
    expect((await violationOf(() => serve(app))).rule).toBe('content-length-mismatch');
    expect(yieldedAfter).toBe(false);
  });

  it('flags a short read that was not the end of input', async () => {
    let calls = 0;
    const input = {
      read: async () => Buffer.from(++calls === 1 ? 'a' : 'bc'),
      readline: async () => Buffer.alloc(0),
      async *[Symbol.asyncIterator]() {},
    };
    const app: App = async (environ, startResponse) => {
      await environ['tsgi.input'].read(4);
      await environ['tsgi.input'].read(4);
      startResponse('200 OK', TEXT);
      return [];
    };
    const error = await violationOf(() => serve(app, { environ: { 'tsgi.input': input } }));
    expect(error.rule).toBe('input-read-length');
  });

  it('requires input reads to return promises', async () => {
    const input = {
      read: () => Buffer.from('sync'),
      readline: async () => Buffer.alloc(0),
      async *[Symbol.asyncIterator]() {},
    };
    const app: App = async (environ, startResponse) => {
      await environ['tsgi.input'].read();
      startResponse('200 OK', TEXT);
      return [];
    };
    const error = await violationOf(() => serve(app, { environ: { 'tsgi.input': input } }));
    expect([error.rule, error.message]).toEqual(['input-result', expect.stringContaining('must return a promise')]);
  });

  it('checks readline results and arguments', async () => {
    const input = {
      read: async () => Buffer.alloc(0),
      readline: async () => Buffer.from('one\ntwo\n'),
      async *[Symbol.asyncIterator]() {},
    };
    const app: App = async (environ, startResponse) => {
      await environ['tsgi.input'].readline();
      startResponse('200 OK', TEXT);
      return [];
    };
    expect((await violationOf(() => serve(app, { environ: { 'tsgi.input': input } }))).rule).toBe('input-read-length');
    const badLimit: App = async (environ) => {
      await environ['tsgi.input'].readline(2.5);
      return [];
    };
    expect((await violationOf(() => serve(badLimit))).rule).toBe('input-read-size');
  });

  it('allows reading input while the body runs and in its cleanup', async () => {
    const app: App = async function* (environ, startResponse) {
      try {
        startResponse('200 OK', TEXT);
        yield Buffer.from(await environ['tsgi.input'].read(2));
      } finally {
        await environ['tsgi.input'].read();
      }
    };
    const served = await serve(app, { input: ['abcd'] });
    expect([served.text, served.violations]).toEqual(['ab', []]);
  });

  it('requires return() after the body threw, too', async () => {
    const app: App = function* (_environ, startResponse) {
      startResponse('200 OK', TEXT);
      throw new Error('broken');
    };
    const error = await violationOf(async (onViolation) => {
      const body = await validate(app, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()));
      const iterator = (body as Iterable<Chunk>)[Symbol.iterator]();
      expect(() => iterator.next()).toThrow('broken');
    });
    expect(error.rule).toBe('body-return');
  });

  it('reports a server that closes the body only after the event loop turned, not one that closes promptly', async () => {
    const reported: ValidationError[] = [];
    const body = await validate(okApp, { onViolation: (error) => reported.push(error) })(
      makeEnviron(),
      recordingStartResponse(newRecording()),
    );
    const reader = openBody(body);
    while ((reader.next() as IteratorResult<Chunk>).done !== true);
    await turn();
    await reader.close();
    await turn();
    expect(reported.map((error) => error.rule)).toEqual(['body-return']);

    const served = await serve(okApp);
    expect(served.violations).toEqual([]);
  });

  describe('default reporting', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    it('writes deferred violations to tsgi.errors and emits a warning', async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const errors = new MemoryErrors();
      const body = await validate(okApp)(makeEnviron({ 'tsgi.errors': errors }), recordingStartResponse(newRecording()));
      for (const _chunk of body as Iterable<Chunk>);
      await turn();
      expect(errors.text).toContain('[body-return] server violation');
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('[body-return]'), {
        type: 'ValidationWarning',
        code: 'body-return',
      });
    });

    it('survives a throwing onViolation', async () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const onViolation = (): void => {
        throw new Error('handler broke');
      };
      const body = await validate(okApp, { onViolation })(makeEnviron(), recordingStartResponse(newRecording()));
      for (const _chunk of body as Iterable<Chunk>);
      await turn();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('handler broke'), 'ValidationWarning');
    });

    it('reportViolation is the default handler', () => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
      const environ = makeEnviron();
      reportViolation(new ValidationError('body-return', 'test'), environ);
      expect((environ['tsgi.errors'] as MemoryErrors).text).toBe('tsgi validate: [body-return] server violation: test\n');
      expect(warn).toHaveBeenCalledOnce();
    });
  });

  it('reports a body the server dropped without return(), once it is collected', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const reported: ValidationError[] = [];
    await (async () => {
      const body: Body = await validate(okApp, { onViolation: (error) => reported.push(error) })(
        makeEnviron(),
        recordingStartResponse(newRecording()),
      );
      (body as Iterable<Chunk>)[Symbol.iterator]().next();
    })();
    for (let attempt = 0; attempt < 50 && reported.length === 0; attempt++) {
      gc();
      await turn();
    }
    expect(reported.map((error) => [error.rule, error.message.includes('dropped')])).toEqual([['body-return', true]]);
  });
});
