/**
 * Driving a response body: pulling chunks as fast as the client takes them
 * and never faster, choosing the framing, and closing the body whatever
 * happens.
 *
 * @module
 */
import { chunkLength, isBody, openBody, type BodyReader } from '../gateway/body.js';
import { GatewayError } from '../gateway/spec.js';
import type { Chunk } from '../gateway/types.js';
import { checkChunk } from './checks.js';
import { CONTINUE, DRAIN, STOP, type Exchange, type Step } from './exchange.js';

// A sync body that ends within this many bytes is sent with a Content-Length
// instead of chunked; gathering it costs no syscalls, only memory.
const GATHER_LIMIT = 64 * 1024;
const ARRAY_ITERATOR = Array.prototype[Symbol.iterator];

/**
 * Sends what the app returned as the response body, then closes it.
 *
 * @example
 * ```ts
 * runBody(exchange, app(environ, exchange.startResponse));
 * ```
 */
export function runBody(exchange: Exchange, body: unknown): void {
  if (!isBody(body)) {
    exchange.fail(new GatewayError('body-type', `the app must return an iterable of chunks (not a string), got ${describe(body)}`));
    return;
  }
  // Plain arrays need no iterator (and so have no return() to call): their
  // length is known up front.
  if (Array.isArray(body) && (body as unknown[])[Symbol.iterator] === ARRAY_ITERATOR) {
    sendArray(exchange, body as unknown[]);
    return;
  }
  let reader: BodyReader;
  try {
    reader = openBody(body);
  } catch (error) {
    exchange.fail(error);
    return;
  }
  exchange.reader = reader;
  if (reader.isAsync) void pumpAsync(exchange, reader);
  else startSync(exchange, reader);
}

function sendArray(exchange: Exchange, chunks: readonly unknown[]): void {
  try {
    if (exchange.code === 0) {
      throw new GatewayError('start-response-missing', 'the app returned its body before calling startResponse');
    }
    if (exchange.ended || exchange.disconnected()) return;
    const count = chunks.length;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const chunk = chunks[i];
      checkChunk(chunk);
      total += chunkLength(chunk);
    }
    sendGathered(exchange, chunks as readonly Chunk[], total, true);
  } catch (error) {
    exchange.fail(error);
  }
}

/**
 * Sends chunks already in memory. When they are the whole body and nothing
 * has gone out yet, they get a Content-Length and, for one chunk, a single
 * `end()`; otherwise they go through the streaming path.
 */
function sendGathered(exchange: Exchange, chunks: readonly Chunk[], total: number, complete: boolean): Step {
  const res = exchange.res;
  if (complete && exchange.remaining < 0 && !res.headersSent) {
    if (!exchange.sendsBody) {
      exchange.finish(-1);
      return STOP;
    }
    exchange.writeHead(total);
    const last = chunks.length - 1;
    for (let i = 0; i < last; i++) res.write(chunks[i] as Chunk);
    exchange.end(last >= 0 ? chunks[last] : undefined);
    return STOP;
  }
  let step: Step = CONTINUE;
  for (let i = 0; i < chunks.length; i++) {
    const sent = exchange.send(chunks[i] as Chunk);
    if (sent === STOP) return STOP;
    if (sent === DRAIN) step = DRAIN;
  }
  if (!complete) return step;
  exchange.finish(res.headersSent ? -1 : total);
  return STOP;
}

function startSync(exchange: Exchange, reader: BodyReader): void {
  try {
    if (exchange.code !== 0 && !exchange.sendsBody) {
      exchange.finish(-1);
      exchange.closeBody();
      return;
    }
    if (exchange.remaining < 0 && !exchange.res.headersSent) {
      const parts: Chunk[] = [];
      let total = 0;
      let complete = false;
      for (;;) {
        const result = reader.next() as IteratorResult<unknown>;
        if (exchange.code === 0) {
          throw new GatewayError('start-response-missing', 'the body produced output (or ended) before startResponse was called');
        }
        if (result.done === true) {
          complete = true;
          break;
        }
        const chunk = result.value;
        checkChunk(chunk);
        if (!exchange.sendsBody) break;
        const length = chunkLength(chunk);
        if (length === 0) continue;
        parts.push(chunk);
        total += length;
        if (total > GATHER_LIMIT) break;
      }
      if (!exchange.sendsBody) {
        exchange.finish(complete ? total : -1);
        exchange.closeBody();
        return;
      }
      const step = sendGathered(exchange, parts, total, complete);
      if (step === STOP) {
        exchange.closeBody();
        return;
      }
      if (step === DRAIN) {
        void exchange.waitDrain().then(() => pumpSync(exchange, reader));
        return;
      }
    }
    pumpSync(exchange, reader);
  } catch (error) {
    exchange.fail(error);
  }
}

// Sync bodies are pulled in a plain loop: a promise only when the socket is full.
function pumpSync(exchange: Exchange, reader: BodyReader): void {
  try {
    for (;;) {
      if (exchange.disconnected()) break;
      const step = exchange.take(reader.next() as IteratorResult<unknown>);
      if (step === STOP) break;
      if (step === DRAIN) {
        void exchange.waitDrain().then(() => pumpSync(exchange, reader));
        return;
      }
    }
    exchange.closeBody();
  } catch (error) {
    exchange.fail(error);
  }
}

async function pumpAsync(exchange: Exchange, reader: BodyReader): Promise<void> {
  try {
    if (exchange.code !== 0 && !exchange.sendsBody) {
      exchange.finish(-1);
      return;
    }
    for (;;) {
      if (exchange.disconnected()) return;
      const result = await reader.next();
      // The client may have gone while the body was producing this chunk.
      if (exchange.disconnected()) return;
      const step = exchange.take(result);
      if (step === STOP) return;
      if (step === DRAIN) await exchange.waitDrain();
    }
  } catch (error) {
    exchange.fail(error);
  } finally {
    exchange.closeBody();
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value;
}
