/**
 * Server-Sent Events: an async iterable of events as a `text/event-stream`
 * response body, with heartbeats, the client's `Last-Event-ID`, and a
 * prompt `return()` of the events when the client goes away.
 *
 * @module
 */
import { checkRetry, formatEvent, HEARTBEAT, type EventLike } from './sse-frame.js';
import type { Chunk, Environ, ResponseHeaders } from './types.js';

/**
 * Options for {@link eventStream}.
 *
 * @example
 * ```ts
 * const options: EventStreamOptions = { heartbeat: 15_000, retry: 2_000 };
 * ```
 *
 * @category Streams
 */
export interface EventStreamOptions {
  /**
   * Milliseconds without an event after which a comment (`:\n\n`) is sent,
   * so that proxies and load balancers do not close an idle stream (nginx's
   * `proxy_read_timeout` is 60 s). Default 15 000; 0 sends none.
   */
  heartbeat?: number;
  /** A reconnection delay in milliseconds for the browser, sent first. Default: none (browsers wait about 3 s). */
  retry?: number;
  /**
   * Milliseconds between the stream's checks that the client is still
   * there while no event is due. A server only learns of a disconnect
   * between two chunks, so while the events are quiet the stream yields an
   * empty chunk (nothing is sent) this often, and the server then calls
   * `return()`. Default 1 000; 0 leaves it to the next event or heartbeat.
   */
  clientCheck?: number;
}

/**
 * What the events are made with: the client's last event id, to resume
 * after, and a signal that aborts once the stream ends, whether because
 * the client went away or the events ran out. Pass the signal to what the
 * events wait on (timers, queues, fetches) so that a `finally` runs at once.
 *
 * @example
 * ```ts
 * const producer: EventProducer = async function* ({ lastEventId, signal }) {
 *   let n = Number(lastEventId ?? 0);
 *   while (!signal.aborted) yield { id: String(++n), data: 'tick' };
 * };
 * ```
 *
 * @category Streams
 */
export interface EventContext {
  /** The request's `Last-Event-ID` header: the last id the client saw before it reconnected; undefined on a first connection. */
  readonly lastEventId: string | undefined;
  /** Aborts when the stream ends, for whatever reason. */
  readonly signal: AbortSignal;
}

/**
 * A function making the events of one response: usually an async
 * generator function.
 *
 * @example
 * ```ts
 * const ticks: EventProducer = async function* ({ signal }) {
 *   for (let i = 0; !signal.aborted; i++) {
 *     yield { id: String(i), data: new Date().toISOString() };
 *     await setTimeout(1000, undefined, { signal });
 *   }
 * };
 * ```
 *
 * @category Streams
 */
export type EventProducer = (context: EventContext) => AsyncIterable<EventLike> | Iterable<EventLike>;

/**
 * The headers an event stream starts with: its type, `Cache-Control:
 * no-cache` and `X-Accel-Buffering: no`, which tells nginx not to buffer
 * the response. A fresh array each call, to add headers to.
 *
 * @example
 * ```ts
 * startResponse('200 OK', [...eventStreamHeaders(), ['Access-Control-Allow-Origin', '*']]);
 * ```
 *
 * @category Streams
 */
export function eventStreamHeaders(): ResponseHeaders {
  return [
    ['Content-Type', 'text/event-stream; charset=utf-8'],
    ['Cache-Control', 'no-cache'],
    ['X-Accel-Buffering', 'no'],
  ];
}

/**
 * A `text/event-stream` response body: what {@link eventStream} returns.
 * Start the response with its {@link EventStream.headers}, then return it
 * as the body, from a function app or a handler method alike. It can be
 * iterated once.
 *
 * @example
 * ```ts
 * const stream = eventStream(environ, ticks);
 * startResponse('200 OK', stream.headers);
 * return stream;
 * ```
 *
 * @category Streams
 */
export class EventStream implements AsyncIterable<Chunk> {
  /** The headers to start the response with (see {@link eventStreamHeaders}); add to them freely. */
  readonly headers: ResponseHeaders = eventStreamHeaders();
  /** The request's `Last-Event-ID`, as the producer gets it. */
  readonly lastEventId: string | undefined;
  readonly #events: EventProducer | AsyncIterable<EventLike> | Iterable<EventLike>;
  readonly #settings: Required<EventStreamOptions>;
  #taken = false;

  /** Use {@link eventStream}. */
  constructor(environ: Environ, events: EventProducer | AsyncIterable<EventLike> | Iterable<EventLike>, options: EventStreamOptions = {}) {
    const lastEventId = environ.HTTP_LAST_EVENT_ID;
    this.lastEventId = lastEventId === '' ? undefined : lastEventId;
    this.#events = events;
    this.#settings = {
      heartbeat: interval('heartbeat', options.heartbeat ?? 15_000),
      retry: options.retry === undefined ? -1 : checkRetry(options.retry),
      clientCheck: interval('clientCheck', options.clientCheck ?? 1_000),
    };
  }

  /** The body's one iterator. */
  [Symbol.asyncIterator](): AsyncIterator<Chunk, undefined> {
    if (this.#taken) throw new TypeError('an EventStream is one response body and can be iterated only once');
    this.#taken = true;
    return new EventPump(this.#events, this.lastEventId, this.#settings);
  }
}

/**
 * Turns events into a `text/event-stream` body. `events` is an
 * {@link EventProducer} (called at the first pull, with the client's
 * `Last-Event-ID` and an abort signal) or any iterable of events. The
 * stream opens with a comment (or the `retry` field), so the headers go
 * out at once; then each event is one chunk, a heartbeat comment fills
 * every quiet `heartbeat` period, and the body ends when the events do.
 *
 * When the client goes away the server calls the body's `return()`: the
 * signal aborts and the events' `return()` is called, even while they are
 * still working on their next event, within about `clientCheck`. An event
 * the format cannot carry (see {@link formatEvent}) fails the response
 * loudly, as any error of a body does.
 *
 * @example
 * ```ts
 * import { setTimeout } from 'node:timers/promises';
 *
 * const clock: App = (environ, startResponse) => {
 *   const stream = eventStream(environ, async function* ({ lastEventId, signal }) {
 *     for (let id = Number(lastEventId ?? 0) + 1; ; id++) {
 *       yield { id: String(id), data: new Date().toISOString() };
 *       await setTimeout(1000, undefined, { signal });
 *     }
 *   }, { retry: 2000 });
 *   startResponse('200 OK', stream.headers);
 *   return stream;
 * };
 *
 * class Feed extends BaseHandler {
 *   doGET() {
 *     const stream = eventStream(this.environ, ticks);
 *     this.start('200 OK', stream.headers);
 *     return stream;
 *   }
 * }
 * ```
 *
 * @category Streams
 */
export function eventStream(
  environ: Environ,
  events: EventProducer | AsyncIterable<EventLike> | Iterable<EventLike>,
  options: EventStreamOptions = {},
): EventStream {
  return new EventStream(environ, events, options);
}

const DONE: IteratorResult<Chunk, undefined> = { done: true, value: undefined };

type Pulled = { ok: true; result: IteratorResult<EventLike> } | { ok: false; error: unknown };

/**
 * The iterator behind an {@link EventStream}. It keeps at most one `next()`
 * of the events in flight and waits on it alongside its timers, so that a
 * heartbeat or a client check never abandons an event, and `return()`
 * needs no pending `next()` to settle first.
 */
class EventPump implements AsyncIterator<Chunk, undefined> {
  readonly #events: EventProducer | AsyncIterable<EventLike> | Iterable<EventLike>;
  readonly #lastEventId: string | undefined;
  readonly #settings: Required<EventStreamOptions>;
  readonly #controller = new AbortController();
  #source: AsyncIterator<EventLike> | Iterator<EventLike> | undefined;
  #opened = false;
  #closed = false;
  #pulling = false;
  #pulled: Pulled | undefined;
  #wake: (() => void) | undefined;
  /** When the last bytes went out, for the heartbeat. */
  #lastOutput = 0;

  constructor(events: EventProducer | AsyncIterable<EventLike> | Iterable<EventLike>, lastEventId: string | undefined, settings: Required<EventStreamOptions>) {
    this.#events = events;
    this.#lastEventId = lastEventId;
    this.#settings = settings;
  }

  async next(): Promise<IteratorResult<Chunk, undefined>> {
    if (this.#closed) return DONE;
    if (!this.#opened) {
      this.#opened = true;
      this.#source = this.#open();
      this.#lastOutput = performance.now();
      const retry = this.#settings.retry;
      return { done: false, value: retry >= 0 ? `retry: ${retry}\n\n` : HEARTBEAT };
    }
    if (this.#pulled === undefined) {
      if (!this.#pulling) this.#pull();
      const heartbeatDue = await this.#wait();
      if (this.#closed) return DONE;
      if (this.#pulled === undefined) {
        if (!heartbeatDue) return { done: false, value: '' };
        this.#lastOutput = performance.now();
        return { done: false, value: HEARTBEAT };
      }
    }
    const pulled = this.#pulled!;
    this.#pulled = undefined;
    if (!pulled.ok) throw pulled.error;
    if (pulled.result.done === true) {
      this.#finish();
      return DONE;
    }
    const text = formatEvent(pulled.result.value);
    this.#lastOutput = performance.now();
    return { done: false, value: text };
  }

  async return(): Promise<IteratorResult<Chunk, undefined>> {
    if (this.#closed) return DONE;
    this.#finish();
    // The events may be mid-next(): a generator then runs its finally once
    // that settles, which the aborted signal hastens.
    await this.#source?.return?.();
    return DONE;
  }

  #finish(): void {
    this.#closed = true;
    this.#controller.abort();
    this.#wake?.();
  }

  #open(): AsyncIterator<EventLike> | Iterator<EventLike> {
    const events = this.#events;
    const iterable = typeof events === 'function' ? events({ lastEventId: this.#lastEventId, signal: this.#controller.signal }) : events;
    const asyncFactory = (iterable as Partial<AsyncIterable<EventLike>>)[Symbol.asyncIterator];
    if (typeof asyncFactory === 'function') return asyncFactory.call(iterable);
    const syncFactory = (iterable as Partial<Iterable<EventLike>>)[Symbol.iterator];
    if (typeof syncFactory === 'function' && typeof iterable !== 'string') return syncFactory.call(iterable);
    throw new TypeError('eventStream: the events must be an iterable or async iterable of events, or a function returning one');
  }

  /** Starts the one `next()` of the events in flight; its outcome lands in `#pulled`. */
  #pull(): void {
    this.#pulling = true;
    const source = this.#source!;
    const settle = (pulled: Pulled): void => {
      this.#pulling = false;
      this.#pulled = pulled;
      this.#wake?.();
    };
    Promise.resolve()
      .then(() => source.next())
      .then(
        (result) => settle({ ok: true, result }),
        (error: unknown) => settle({ ok: false, error }),
      );
  }

  /** Waits for the event, a heartbeat or a client check; resolves to whether a heartbeat is due. */
  #wait(): Promise<boolean> {
    const { heartbeat, clientCheck } = this.#settings;
    const heartbeatIn = heartbeat > 0 ? this.#lastOutput + heartbeat - performance.now() : Infinity;
    const wait = Math.max(0, Math.min(heartbeatIn, clientCheck > 0 ? clientCheck : Infinity));
    return new Promise<boolean>((resolve) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve(false);
      };
      if (wait !== Infinity) {
        timer = setTimeout(() => {
          this.#wake = undefined;
          // Timers may fire a millisecond early.
          resolve(heartbeat > 0 && performance.now() >= this.#lastOutput + heartbeat - 1);
        }, wait);
      }
    });
  }
}

function interval(name: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`eventStream: ${name} must be a non-negative number of milliseconds (0 turns it off), got ${String(value)}`);
  }
  return value;
}
