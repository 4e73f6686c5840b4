/**
 * The HTTP/2 side of one request: the {@link Transport} that puts a
 * response on a Node `ServerHttp2Stream`, and the source of `tsgi.input`.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { constants, type OutgoingHttpHeaders, type ServerHttp2Stream } from 'node:http2';
import { chunkLength } from '../../gateway/body.js';
import { logError } from '../../gateway/errors.js';
import type { BodyOutcome } from '../../gateway/response/body-proxy.js';
import type { ResponseHead } from '../../gateway/response/head.js';
import type { Transport } from '../../gateway/response/transport.js';
import type { Chunk } from '../../gateway/types.js';
import { ClientGoneError, formatSize, isClientAbort } from '../client-abort.js';
import type { ServerContext } from '../environ.js';
import type { Limits } from '../limits.js';
import { http2Headers } from './response-headers.js';
import { StreamBody } from './stream-body.js';

const RESOLVED: Promise<void> = Promise.resolve();
const BODY_TIMEOUT_TEXT = 'Request Timeout: the request body stopped arriving\n';
const { NGHTTP2_NO_ERROR, NGHTTP2_CANCEL, NGHTTP2_INTERNAL_ERROR } = constants;

function ignore(): void {}

/** Which wait the stream's timer is measuring: the client's body, or its taking of the response. */
type Clock = 'none' | 'body' | 'send';

/**
 * One request on an HTTP/2 stream, from the host's side. The stream's own
 * idle timer carries the body and send timeouts: Node refreshes it on every
 * DATA frame read or written, so only a client that stops is cut.
 *
 * @example
 * ```ts
 * const transport = new StreamTransport(stream, context, limits, 'GET', '/', false);
 * runResponse(app, environ, transport);
 * ```
 */
export class StreamTransport implements Transport, AsyncIterable<Uint8Array> {
  readonly #stream: ServerHttp2Stream;
  readonly #context: ServerContext;
  readonly #limits: Limits;
  readonly #what: string;
  readonly #expectContinue: boolean;
  #bodyPending = false;
  #inputOpened = false;
  #body: StreamBody | undefined;
  #headSent = false;
  #ended = false;
  #timedOut = false;
  #clock: Clock = 'none';
  #reason: string | undefined;
  #sent = 0;
  #goneLogged = false;

  /**
   * @param what The method and path, naming the request in log lines.
   * @param expectContinue Whether the client sent `Expect: 100-continue`
   *   and waits for a `100` before the body.
   */
  constructor(stream: ServerHttp2Stream, context: ServerContext, limits: Limits, what: string, expectContinue: boolean) {
    this.#stream = stream;
    this.#context = context;
    this.#limits = limits;
    this.#what = what;
    this.#expectContinue = expectContinue;
    stream.on('timeout', () => this.#onTimeout());
    // A reset surfaces as an error on the stream, and an unheard one would
    // take the process down; what it means is read from rstCode instead.
    stream.on('error', ignore);
  }

  /** Whether the request has a body still to come; set once the environ is known. */
  get bodyPending(): boolean {
    return this.#bodyPending;
  }

  set bodyPending(pending: boolean) {
    this.#bodyPending = pending;
    if (pending && !this.#expectContinue) this.#watchBody();
  }

  /** Opens the request body for `tsgi.input`: only now is `100 Continue` sent. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#inputOpened = true;
    if (this.#expectContinue && !this.#headSent && !this.gone()) {
      this.#stream.additionalHeaders({ ':status': 100 });
      if (this.#bodyPending) this.#watchBody();
    }
    this.#body = new StreamBody(this.#stream);
    return this.#body;
  }

  gone(): boolean {
    return this.#timedOut || this.#stream.destroyed || this.#stream.closed;
  }

  head(head: ResponseHead, length: number): void {
    if (this.gone()) return;
    const fields = http2Headers(head.code, head.headers, length, (name) => this.#droppedHeader(name));
    this.#respond(fields, !head.sendsBody);
  }

  send(chunk: Chunk): boolean {
    if (this.gone() || this.#stream.writableEnded) return true;
    this.#sent += chunkLength(chunk);
    const flowing = this.#stream.write(chunk);
    if (!flowing) this.#startClock('send');
    return flowing;
  }

  end(last: Chunk | undefined): void {
    this.#ended = true;
    const stream = this.#stream;
    if (this.gone() || stream.writableEnded) {
      this.#afterEnd();
      return;
    }
    if (last === undefined) {
      stream.end();
    } else {
      this.#sent += chunkLength(last);
      stream.end(last);
    }
    if (stream.writableLength > stream.writableHighWaterMark) this.#startClock('send');
    this.#afterEnd();
  }

  abort(): void {
    this.#ended = true;
    if (!this.gone()) this.#stream.close(NGHTTP2_INTERNAL_ERROR);
  }

  drained(): Promise<void> {
    if (this.gone()) return RESOLVED;
    const stream = this.#stream;
    return new Promise((resolve) => {
      const done = (): void => {
        stream.off('drain', done);
        stream.off('close', done);
        resolve();
      };
      stream.on('drain', done);
      stream.on('close', done);
    });
  }

  finished(outcome: BodyOutcome, _error: unknown): void {
    this.#stopClock();
    if (outcome === 'gone') this.#logGone();
  }

  log(error: unknown, what: string): void {
    // What the app made of a client that left is that one event, not a failure of the app.
    if (this.gone() && isClientAbort(error)) {
      this.#logGone();
      return;
    }
    try {
      logError(this.#context.errors, error, `${this.#what}${what === '' ? '' : ` ${what}`}`);
    } catch {
      // A broken error stream must not stop the server from answering.
    }
  }

  /** Answers with a response of the server's own, before any app runs: plain text, or nothing for 204. */
  reply(code: number, text: string): void {
    if (this.#headSent || this.gone()) return;
    const fields: OutgoingHttpHeaders =
      text === ''
        ? { ':status': code }
        : { ':status': code, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) };
    this.#respond(fields, text === '');
    this.end(text === '' ? undefined : text);
  }

  #respond(fields: OutgoingHttpHeaders, endStream: boolean): void {
    this.#headSent = true;
    this.#stream.respond(fields, { endStream });
    if (endStream) this.#ended = true;
  }

  /**
   * A body the app left unread (or that the server refused) is not drained:
   * once the response is out, RST_STREAM with NO_ERROR tells the client to
   * stop sending it (RFC 9113 §8.1).
   */
  #afterEnd(): void {
    if (!this.#bodyPending || this.#bodyWhole()) {
      if (this.#clock === 'body') this.#stopClock();
      return;
    }
    const stream = this.#stream;
    const release = (): void => {
      if (!stream.closed && !stream.destroyed && !stream.readableEnded) stream.close(NGHTTP2_NO_ERROR);
    };
    if (stream.writableFinished) release();
    else stream.once('finish', release);
  }

  #bodyWhole(): boolean {
    return this.#stream.readableEnded || this.#body?.whole === true;
  }

  /** The body phase starts once the head's own frame has been handled: a body sent with it is complete by then. */
  #watchBody(): void {
    if (this.#limits.bodyTimeout === 0) return;
    void RESOLVED.then(() => {
      if (!this.#bodyWhole() && !this.#ended && this.#clock === 'none') this.#startClock('body');
    });
  }

  #startClock(clock: Exclude<Clock, 'none'>): void {
    if (this.#clock === clock) return;
    const ms = clock === 'body' ? this.#limits.bodyTimeout : this.#limits.sendTimeout;
    if (ms === 0) return;
    this.#clock = clock;
    this.#stream.setTimeout(ms);
  }

  #stopClock(): void {
    if (this.#clock === 'none') return;
    this.#clock = 'none';
    if (!this.#stream.destroyed) this.#stream.setTimeout(0);
  }

  /** The stream saw no DATA either way for a whole period of its clock. */
  #onTimeout(): void {
    const stream = this.#stream;
    if (this.gone()) return;
    if (this.#clock === 'send') {
      // Node fires only when no byte went out for the whole period. With
      // nothing waiting, the client took it all and the app is between
      // chunks (an event stream idling): the next backpressure rearms.
      if (stream.writableLength > 0) {
        this.#drop('send timeout');
        return;
      }
      this.#stopClock();
      return;
    }
    if (this.#clock !== 'body' || this.#bodyWhole()) {
      this.#stopClock();
      return;
    }
    // Bytes the app has not read yet mean the app is behind, not the client.
    if (stream.readableLength > 0) {
      stream.setTimeout(this.#limits.bodyTimeout);
      return;
    }
    this.#bodyStalled();
  }

  #bodyStalled(): void {
    this.#reason = 'body timeout';
    if (this.#headSent) {
      this.#drop('body timeout');
      return;
    }
    // The app may still answer later; nothing of that can go out now.
    this.#respond(
      { ':status': 408, 'content-type': 'text/plain; charset=utf-8', 'content-length': String(Buffer.byteLength(BODY_TIMEOUT_TEXT)) },
      false,
    );
    this.#stream.end(BODY_TIMEOUT_TEXT);
    this.#timedOut = true;
    this.#ended = true;
    this.#body?.fail(new ClientGoneError('the request body timed out'));
    this.#stopClock();
    this.#afterEnd();
  }

  #drop(reason: string): void {
    this.#reason = reason;
    this.#logGone();
    this.#stream.close(NGHTTP2_CANCEL);
  }

  #droppedHeader(name: string): void {
    try {
      this.#context.errors.write(
        `[${new Date().toISOString()}] ${this.#what}: header ${name} dropped: HTTP/2 has no connection-specific fields (RFC 9113 §8.2.2)\n`,
      );
    } catch {
      // A broken error stream must not stop the server from answering.
    }
  }

  /**
   * One short line when the client went away for a reason worth knowing: a
   * timeout, or a reset other than the NO_ERROR or CANCEL a client sends
   * when it merely stops wanting the response.
   */
  #logGone(): void {
    if (this.#goneLogged) return;
    const code = this.#stream.rstCode;
    const reason = this.#reason ?? (code !== undefined && code !== NGHTTP2_NO_ERROR && code !== NGHTTP2_CANCEL ? `RST_STREAM ${code}` : undefined);
    if (reason === undefined) return;
    this.#goneLogged = true;
    const sent = this.#timedOut ? '; answered 408' : this.#headSent ? ` after ${formatSize(this.#sent)} of the response` : ' before the response';
    try {
      this.#context.errors.write(`[${new Date().toISOString()}] ${this.#what}: client went away (${reason})${sent}\n`);
    } catch {
      // A broken error stream must not stop the server from answering.
    }
  }
}
