/**
 * The wire format of Server-Sent Events (the `text/event-stream` of the
 * WHATWG HTML standard, §9.2): one event as the lines a browser's
 * `EventSource` parses back into the same event.
 *
 * @module
 */

/**
 * One Server-Sent Event. `data` is what the browser's `message` (or named)
 * event carries; it may hold line breaks (CR, LF or CRLF), which arrive as
 * `\n`. An event without `data` is not dispatched by `EventSource`, but its
 * `id` and `retry` still take effect.
 *
 * @example
 * ```ts
 * const tick: ServerEvent = { event: 'tick', id: '42', data: JSON.stringify({ at: Date.now() }) };
 * ```
 *
 * @category Streams
 */
export interface ServerEvent {
  /** The payload; several lines become several `data:` lines. */
  data?: string;
  /** The event type the browser dispatches (`addEventListener(type, …)`); `message` when absent. No line breaks. */
  event?: string;
  /**
   * The id the browser sends back as `Last-Event-ID` when it reconnects.
   * No NUL and no line breaks (the browser would ignore the field or
   * misread the stream); `''` clears the browser's last id.
   */
  id?: string;
  /** The reconnection delay, in milliseconds, the browser uses from now on: a non-negative integer. */
  retry?: number;
  /** A comment line, which `EventSource` ignores: for proxies, logs or humans reading the stream. */
  comment?: string;
}

/**
 * What an event source yields: a {@link ServerEvent}, or a string, which is
 * short for `{ data: string }`.
 *
 * @example
 * ```ts
 * const events: EventLike[] = ['plain message', { event: 'tick', data: '1' }];
 * ```
 *
 * @category Streams
 */
export type EventLike = ServerEvent | string;

/**
 * The comment a stream sends while it has nothing else to say, so that
 * proxies and clients keep an idle connection open.
 *
 * @example
 * ```ts
 * HEARTBEAT; // ':\n\n'
 * ```
 *
 * @category Streams
 */
export const HEARTBEAT = ':\n\n';

const LINE_BREAK = /\r\n|\r|\n/;
const BREAK_OR_NUL = /[\r\n\0]/;

/**
 * Frames one event as `text/event-stream` lines ending in the blank line
 * that dispatches it. Multi-line `data` and comments become one field per
 * line. Refuses, with a `TypeError` or `RangeError` naming the field, what
 * the format cannot carry: an `id` with NUL or a line break, an `event`
 * with a line break, a `retry` that is not a non-negative integer, a
 * field that is not a string, and an event with no field at all.
 *
 * @example
 * ```ts
 * formatEvent({ event: 'greeting', id: '7', data: 'hello\nworld' });
 * // 'event: greeting\nid: 7\ndata: hello\ndata: world\n\n'
 * formatEvent('hi'); // 'data: hi\n\n'
 * ```
 *
 * @category Streams
 */
export function formatEvent(event: EventLike): string {
  if (typeof event === 'string') return dataLines(event) + '\n';
  if (event === null || typeof event !== 'object') {
    throw new TypeError(`an event must be a string or an object with data, event, id, retry or comment; got ${event === null ? 'null' : typeof event}`);
  }
  let text = '';
  if (event.comment !== undefined) {
    for (const line of stringField(event.comment, 'comment').split(LINE_BREAK)) text += line === '' ? ':\n' : `: ${line}\n`;
  }
  if (event.event !== undefined) {
    const type = stringField(event.event, 'event');
    if (/[\r\n]/.test(type)) throw new TypeError(`event type ${JSON.stringify(type)} contains a line break, which would end the field early`);
    text += `event: ${type}\n`;
  }
  if (event.id !== undefined) {
    const id = stringField(event.id, 'id');
    if (BREAK_OR_NUL.test(id)) {
      throw new TypeError(`event id ${JSON.stringify(id)} contains NUL or a line break; EventSource would ignore or misread it`);
    }
    text += `id: ${id}\n`;
  }
  if (event.retry !== undefined) text += `retry: ${checkRetry(event.retry)}\n`;
  if (event.data !== undefined) text += dataLines(stringField(event.data, 'data'));
  if (text === '') throw new TypeError('an event needs at least one of data, event, id, retry or comment');
  return text + '\n';
}

/**
 * Checks a reconnection delay: a non-negative safe integer of milliseconds,
 * since `EventSource` ignores a `retry` field that is not all digits.
 *
 * @example
 * ```ts
 * checkRetry(3000); // 3000
 * checkRetry(1.5);  // throws RangeError
 * ```
 *
 * @category Streams
 */
export function checkRetry(retry: number): number {
  if (typeof retry !== 'number' || !Number.isSafeInteger(retry) || retry < 0) {
    throw new RangeError(`retry must be a non-negative integer of milliseconds, got ${String(retry)}`);
  }
  return retry;
}

function dataLines(data: string): string {
  let text = '';
  // A space after the colon, because the parser strips exactly one: data
  // that itself starts with a space keeps it.
  for (const line of data.split(LINE_BREAK)) text += `data: ${line}\n`;
  return text;
}

function stringField(value: unknown, field: string): string {
  if (typeof value !== 'string') {
    throw new TypeError(`event ${field} must be a string, got ${value === null ? 'null' : typeof value}${field === 'data' ? ' (JSON.stringify objects first)' : ''}`);
  }
  return value;
}
