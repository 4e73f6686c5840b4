// The shape of a ported peer check, and the small scenarios most of them are
// built from. A port names the peer and its check, says what tsgi has for it
// (a rule, "does not apply", or that a correct exchange "passes"), and runs a
// scenario that shows it.
import { Buffer } from 'node:buffer';
import type { GatewayRule } from '../../../src/gateway/rules.js';
import { openBody } from '../../../src/gateway/body.js';
import type { App, Environ, InputStream, ResponseHeaders } from '../../../src/gateway/types.js';
import { validate } from '../../../src/gateway/validator/index.js';
import { newRecording, recordingStartResponse, serve, TEXT, type EnvironOverrides } from './fake-server.js';
import { okApp, type Case } from './server-rules.js';

/** What tsgi has for a peer's check, as the table in docs/gateway.md says. */
export type PeerOutcome = GatewayRule | 'does not apply' | 'passes' | 'TypeError';

export interface PeerCheck {
  /** `Rack::Lint`, `wsgiref.validate` or `test_wsgiref`. */
  readonly peer: string;
  /** The peer's check, in a few words. */
  readonly check: string;
  /** The doc's tsgi column. */
  readonly tsgi: PeerOutcome;
  /**
   * What the scenario must show: a violation of this rule, a clean pass, or
   * a TypeError. For a rule, the rule itself; "does not apply" usually
   * shows that tsgi accepts what the peer refuses, or the rule tsgi has
   * instead.
   */
  readonly shows: GatewayRule | 'passes' | 'TypeError';
  readonly run: Case;
}

export function port(peer: string, check: string, tsgi: PeerOutcome, run: Case, shows?: GatewayRule | 'passes'): PeerCheck {
  const implied = tsgi === 'does not apply' ? 'passes' : tsgi;
  return { peer, check, tsgi, shows: shows ?? implied, run };
}

export function withEnviron(environ: EnvironOverrides): Case {
  return (onViolation) => serve(okApp, { environ, onViolation });
}

/** Serves `okApp` with this very environ object, drained and closed as a server would. */
export function withEnvironObject(environ: unknown): Case {
  return async (onViolation) => {
    const body = await validate(okApp, { onViolation })(environ as Environ, recordingStartResponse(newRecording()));
    const reader = openBody(body);
    try {
      while ((await reader.next()).done !== true);
    } finally {
      await reader.close();
    }
  };
}

export function served(app: App, environ?: EnvironOverrides): Case {
  return (onViolation) => serve(app, { environ, onViolation });
}

export function responding(status: string, headers: unknown, body: unknown = []): App {
  return (_environ, startResponse) => {
    startResponse(status, headers as ResponseHeaders);
    return body as string[];
  };
}

/** An app that reads its input with `read` before answering. */
export function reading(read: (input: InputStream) => Promise<unknown>): App {
  return async (environ, startResponse) => {
    await read(environ['tsgi.input']);
    startResponse('200 OK', TEXT);
    return [];
  };
}

/** An input stream whose every operation answers with `value`. */
export function inputAnswering(value: unknown): InputStream {
  return {
    read: (async () => value) as InputStream['read'],
    readline: (async () => value) as InputStream['readline'],
    async *[Symbol.asyncIterator]() {
      yield value as Uint8Array;
    },
  };
}

export const EMPTY = Buffer.alloc(0);
