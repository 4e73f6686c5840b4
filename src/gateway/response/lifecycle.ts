/**
 * The response lifecycle: from the app's call to the body's `return()`,
 * the same on every host. {@link ResponseCycle} holds the rules; this
 * module pulls the body into it, as fast as the host takes it and no
 * faster, with a plain loop for sync bodies and one await per chunk only
 * for async ones.
 *
 * @module
 */
import { chunkLength, isBody, openBody, type BodyReader } from '../body.js';
import { GatewayError } from '../spec.js';
import { isThenable } from '../thenable.js';
import type { App, Chunk, Environ } from '../types.js';
import { isEmptyChunk, ResponseCycle, Step, unstarted } from './cycle.js';
import { checkChunk } from './head.js';
import type { Transport } from './transport.js';

// A sync body that ends within this many bytes is sent with a Content-Length
// instead of chunked; gathering it costs memory, never a syscall.
const GATHER_LIMIT = 64 * 1024;
const ARRAY_ITERATOR = Array.prototype[Symbol.iterator];

/**
 * Runs `app` for one request over `transport`: calls it, sends what it
 * answers under the gateway's rules, and closes its body. An error before
 * any output becomes a `500` whose body and log line carry the same short
 * reference; an error after output cuts the response short. The transport
 * hears how it ended through `finished`, once, after the body's `return()`.
 *
 * @example
 * ```ts
 * runResponse(app, environ, transport);
 * ```
 *
 * @category Response lifecycle
 */
export function runResponse(app: App, environ: Environ, transport: Transport): void {
  const cycle = new ResponseCycle(transport, environ.REQUEST_METHOD === 'HEAD');
  let result: unknown;
  try {
    result = app(environ, cycle.startResponse);
  } catch (error) {
    cycle.fail(error);
    return;
  }
  if (isThenable(result)) {
    Promise.resolve(result).then(
      (body) => sendBody(cycle, body),
      (error: unknown) => cycle.fail(error),
    );
  } else {
    sendBody(cycle, result);
  }
}

/** Sends what the app returned, then closes it. */
function sendBody(cycle: ResponseCycle, body: unknown): void {
  if (!isBody(body)) {
    cycle.fail(new GatewayError('body-type', `the app must return an iterable of chunks (not a string), got ${describe(body)}`));
    return;
  }
  // Plain arrays need no iterator (and have no return() to call): their
  // length is known up front.
  if (Array.isArray(body) && (body as unknown[])[Symbol.iterator] === ARRAY_ITERATOR) {
    sendArray(cycle, body as unknown[]);
    return;
  }
  let reader: BodyReader;
  try {
    reader = openBody(body);
  } catch (error) {
    cycle.fail(error);
    return;
  }
  cycle.reader = reader;
  if (reader.isAsync) void pumpAsync(cycle, reader);
  else startSync(cycle, reader);
}

function sendArray(cycle: ResponseCycle, chunks: readonly unknown[]): void {
  try {
    if (!cycle.gone() && !cycle.ended) {
      let total = 0;
      for (let i = 0; i < chunks.length; i++) {
        const chunk = chunks[i];
        checkChunk(chunk);
        total += chunkLength(chunk);
      }
      cycle.sendGathered(chunks as readonly Chunk[], total, true);
    }
    cycle.close();
  } catch (error) {
    cycle.fail(error);
  }
}

/**
 * Starts a sync body. Unless its head says otherwise, it gathers the first
 * chunks: a body that ends within the limit goes out whole, under a
 * Content-Length, on every host alike.
 */
function startSync(cycle: ResponseCycle, reader: BodyReader): void {
  try {
    const head = cycle.head;
    if (head !== undefined && head.bodyLimit === 0) {
      cycle.finish(-1);
      cycle.close();
      return;
    }
    if (head === undefined || (head.declared < 0 && !cycle.committed)) {
      const parts: Chunk[] = [];
      let total = 0;
      let complete = false;
      for (;;) {
        const result = reader.next() as IteratorResult<unknown>;
        const started = cycle.head;
        if (started === undefined) {
          if (isEmptyChunk(result)) continue;
          throw unstarted(result);
        }
        if (result.done === true) {
          complete = true;
          break;
        }
        checkChunk(result.value);
        const length = chunkLength(result.value);
        if (started.bodyLimit === 0 || started.declared >= 0 || cycle.committed) {
          // No gathering after all: send what was gathered, then this.
          parts.push(result.value);
          total += length;
          break;
        }
        if (length === 0) continue;
        parts.push(result.value);
        total += length;
        if (total > GATHER_LIMIT) break;
      }
      const step = cycle.sendGathered(parts, total, complete);
      if (step === Step.Stop || cycle.ended) {
        cycle.close();
        return;
      }
      if (step === Step.Drain) {
        void cycle.drained().then(() => pumpSync(cycle, reader));
        return;
      }
    }
    pumpSync(cycle, reader);
  } catch (error) {
    cycle.fail(error);
  }
}

// Sync bodies are pulled in a plain loop: a promise only when the host is full.
function pumpSync(cycle: ResponseCycle, reader: BodyReader): void {
  try {
    while (!cycle.gone()) {
      const step = cycle.take(reader.next() as IteratorResult<unknown>);
      if (step === Step.Stop) break;
      if (step === Step.Drain) {
        void cycle.drained().then(() => pumpSync(cycle, reader));
        return;
      }
    }
    cycle.close();
  } catch (error) {
    cycle.fail(error);
  }
}

async function pumpAsync(cycle: ResponseCycle, reader: BodyReader): Promise<void> {
  try {
    const head = cycle.head;
    if (head !== undefined && head.bodyLimit === 0) {
      cycle.finish(-1);
    } else {
      while (!cycle.gone()) {
        const result = await reader.next();
        // The client may have gone while the body was producing this chunk.
        if (cycle.gone()) break;
        const step = cycle.take(result);
        if (step === Step.Stop) break;
        if (step === Step.Drain) await cycle.drained();
      }
    }
  } catch (error) {
    cycle.fail(error);
    return;
  }
  cycle.close();
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (value instanceof Uint8Array) return 'a Uint8Array';
  return typeof value;
}
