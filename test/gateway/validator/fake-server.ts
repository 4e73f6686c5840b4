// A minimal in-test server for driving validate(): it builds an environ,
// answers startResponse as PEP 3333 asks, pulls the body through one
// iterator and always closes it. Tests that need a broken server build their
// own from these parts.
import { Buffer } from 'node:buffer';
import { openBody } from '../../../src/gateway/body.js';
import { MemoryErrors } from '../../../src/gateway/errors.js';
import { ChunkInput, emptyInput } from '../../../src/gateway/input.js';
import type { AppLike, Chunk, Environ, ResponseHeaders, StartResponse } from '../../../src/gateway/types.js';
import { validate, ValidationError, type ViolationHandler } from '../../../src/gateway/validator/index.js';

/** Marks an environ key to delete rather than set. */
export const REMOVE: unique symbol = Symbol('remove');

export type EnvironOverrides = Record<string, unknown>;

export function makeEnviron(overrides: EnvironOverrides = {}, input?: Array<string | Uint8Array>): Environ {
  const environ: Record<string, unknown> = {
    REQUEST_METHOD: 'GET',
    SCRIPT_NAME: '',
    PATH_INFO: '/',
    QUERY_STRING: '',
    SERVER_NAME: 'localhost',
    SERVER_PORT: '80',
    SERVER_PROTOCOL: 'HTTP/1.1',
    REMOTE_ADDR: '127.0.0.1',
    REQUEST_URI: '/',
    'tsgi.version': [1, 0],
    'tsgi.url_scheme': 'http',
    'tsgi.input': input === undefined ? emptyInput() : new ChunkInput(fromArray(input)),
    'tsgi.errors': new MemoryErrors(),
    'tsgi.multithread': false,
    'tsgi.multiprocess': false,
    'tsgi.run_once': false,
    'tsgi.input_terminated': true,
  };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === REMOVE) delete environ[key];
    else environ[key] = value;
  }
  return environ as Environ;
}

async function* fromArray(parts: Array<string | Uint8Array>): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? Buffer.from(part) : part;
}

/** What a fake server saw of a response. */
export interface Recording {
  status: string | undefined;
  headers: ResponseHeaders | undefined;
  chunks: Chunk[];
  sent: boolean;
  calls: number;
}

export function newRecording(): Recording {
  return { status: undefined, headers: undefined, chunks: [], sent: false, calls: 0 };
}

export function record(recording: Recording, chunk: Chunk): void {
  recording.chunks.push(chunk);
  if (chunk.length > 0) recording.sent = true;
}

export function bodyText(recording: Recording): string {
  return Buffer.concat(recording.chunks.map((chunk) => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk))).toString();
}

/** A correct startResponse that records what it is given. */
export function recordingStartResponse(recording: Recording): StartResponse {
  return (status, headers, excInfo?) => {
    recording.calls++;
    if (excInfo !== undefined) {
      if (recording.sent) throw excInfo;
    } else if (recording.status !== undefined) {
      throw new Error('startResponse called twice');
    }
    recording.status = status;
    recording.headers = headers;
    return async (chunk) => {
      record(recording, chunk);
    };
  };
}

export interface ServeOptions {
  environ?: EnvironOverrides;
  input?: Array<string | Uint8Array>;
  onViolation?: ViolationHandler;
}

export interface Served extends Recording {
  environ: Environ;
  errors: MemoryErrors;
  violations: ValidationError[];
  text: string;
}

/** Runs `app` under validate() through a correct fake server. */
export async function serve(app: AppLike, options: ServeOptions = {}): Promise<Served> {
  const violations: ValidationError[] = [];
  const onViolation: ViolationHandler = (error, environ) => {
    violations.push(error);
    options.onViolation?.(error, environ);
  };
  const environ = makeEnviron(options.environ, options.input);
  const errors = environ['tsgi.errors'] as MemoryErrors;
  const recording = newRecording();
  const body = await validate(app, { onViolation })(environ, recordingStartResponse(recording));
  const reader = openBody(body);
  try {
    for (;;) {
      const result = await reader.next();
      if (result.done === true) break;
      record(recording, result.value);
    }
  } finally {
    const closeError = await reader.close();
    if (closeError !== undefined) throw closeError;
  }
  await turn();
  return { ...recording, environ, errors, violations, text: bodyText(recording) };
}

/** Lets deferred checks (setImmediate) run. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs a scenario and returns the violation it produced, whether thrown or
 * reported later through onViolation.
 */
export async function violationOf(run: (onViolation: ViolationHandler) => unknown): Promise<ValidationError> {
  const reported: ValidationError[] = [];
  try {
    await run((error) => reported.push(error));
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  await turn();
  await turn();
  const [first] = reported;
  if (first === undefined) throw new Error('expected a violation, but there was none');
  return first;
}

export const TEXT: ResponseHeaders = [['Content-Type', 'text/plain']];
