/**
 * Request bodies: the `body`, `form` and `json` options turned into the
 * `tsgi.input` stream and the framing a server would report for them
 * (`CONTENT_LENGTH`, `CONTENT_TYPE`, chunked or not). A declared
 * `Content-Length` bounds what the app can read, as on a real connection.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { ChunkInput, emptyInput } from '../gateway/input.js';
import type { Chunk, InputStream } from '../gateway/types.js';
import { TestClientError, type FormFields, type FormValue, type RequestOptions } from './request.js';

/**
 * A request body, ready to become `tsgi.input`.
 *
 * @example
 * ```ts
 * const { length, chunked, contentType, input } = prepareBody({ json: { a: 1 } }, undefined);
 * // length 7, chunked false, contentType 'application/json'
 * ```
 */
export interface PreparedBody {
  /** The `CONTENT_LENGTH` to send, if any. */
  length: number | undefined;
  /** Whether it is sent with chunked transfer coding. */
  chunked: boolean;
  /** The content type implied by `form` or `json`. */
  contentType: string | undefined;
  /** The stream to install as `tsgi.input`. */
  input: InputStream;
}

/**
 * Encodes the body options. `declared` is a Content-Length header the test
 * gave: it is sent as is, and the input then ends after that many bytes, as a
 * server framing the body by Content-Length reads no further.
 *
 * @throws {@link TestClientError} when more than one of `body`, `form` and
 *   `json` is given, a `body` or `json` value cannot be sent, or the options
 *   contradict `chunked` or `declared`.
 * @example
 * ```ts
 * prepareBody({ body: 'hello' }, undefined).length;         // 5
 * prepareBody({ body: 'hello', chunked: true }, undefined); // length undefined, chunked true
 * prepareBody({ body: 'hello' }, 2).length;                 // 2, and the input yields 'he'
 * ```
 */
export function prepareBody(options: RequestOptions, declared: number | undefined): PreparedBody {
  const given = (['body', 'form', 'json'] as const).filter((key) => options[key] !== undefined);
  if (given.length > 1) {
    throw new TestClientError(`pass only one of body, form and json, got ${given.join(' and ')}`);
  }
  let bytes: Uint8Array | undefined;
  let contentType: string | undefined;
  let chunks: (() => AsyncIterable<Uint8Array>) | undefined;
  if (options.json !== undefined) {
    const text = JSON.stringify(options.json) as string | undefined;
    if (text === undefined) throw new TestClientError(`json ${typeof options.json} has no JSON form`);
    bytes = Buffer.from(text, 'utf8');
    contentType = 'application/json';
  } else if (options.form !== undefined) {
    bytes = Buffer.from(encodeForm(options.form), 'utf8');
    contentType = 'application/x-www-form-urlencoded';
  } else if (typeof options.body === 'string') {
    bytes = Buffer.from(options.body, 'utf8');
  } else if (options.body instanceof Uint8Array) {
    bytes = Buffer.from(options.body);
  } else if (options.body !== undefined) {
    const body = options.body;
    if (!isIterable(body)) {
      throw new TestClientError(`body must be a string, a Uint8Array or an iterable of chunks, got ${typeof body}`);
    }
    if (options.chunked === false && declared === undefined) {
      throw new TestClientError(
        'an iterable body has no length, so it is sent chunked; drop chunked: false, pass the bytes, or give a Content-Length header',
      );
    }
    chunks = () => byteChunks(body);
  }
  if (bytes !== undefined) {
    const data = bytes;
    chunks = () => byteChunks([data]);
  }

  if (declared !== undefined) {
    if (options.chunked === true) {
      throw new TestClientError('chunked: true and a Content-Length header contradict each other; pick one');
    }
    const source = chunks;
    const input = source === undefined ? emptyInput() : new ChunkInput(() => limited(source(), declared));
    return { length: declared, chunked: false, contentType, input };
  }
  const input = chunks === undefined ? emptyInput() : new ChunkInput(chunks);
  if (options.chunked === true || bytes === undefined) {
    return { length: undefined, chunked: options.chunked === true || chunks !== undefined, contentType, input };
  }
  return { length: bytes.length, chunked: false, contentType, input };
}

async function* limited(source: AsyncIterable<Uint8Array>, limit: number): AsyncGenerator<Uint8Array> {
  if (limit === 0) return;
  let left = limit;
  for await (const chunk of source) {
    if (chunk.length >= left) {
      yield chunk.subarray(0, left);
      return;
    }
    left -= chunk.length;
    yield chunk;
  }
}

function encodeForm(form: FormFields): string {
  if (form instanceof URLSearchParams) return form.toString();
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(form as Readonly<Record<string, FormValue>>)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value as ReadonlyArray<string | number | boolean>) params.append(name, String(item));
    else params.append(name, String(value));
  }
  return params.toString();
}

function isIterable(value: unknown): value is Iterable<Chunk> | AsyncIterable<Chunk> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
  const candidate = value as Partial<Record<symbol, unknown>>;
  return typeof candidate[Symbol.asyncIterator] === 'function' || typeof candidate[Symbol.iterator] === 'function';
}

async function* byteChunks(body: Iterable<Chunk> | AsyncIterable<Chunk>): AsyncGenerator<Uint8Array> {
  for await (const chunk of body as AsyncIterable<unknown>) {
    if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
    else if (chunk instanceof Uint8Array) yield chunk;
    else throw new TestClientError(`request body chunks must be strings or Uint8Arrays, got ${typeof chunk}`);
  }
}
