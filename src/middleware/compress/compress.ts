/**
 * Response compression: gzip, deflate or Brotli, negotiated per request and
 * streamed.
 *
 * @module
 */
import { toApp, wrapApp } from '../../gateway/app.js';
import { chunkBytes, chunkLength } from '../../gateway/body.js';
import { HeaderList } from '../../gateway/header-list.js';
import { proxyBody, type BodyHooks } from '../../gateway/response/body-proxy.js';
import type { ResponseHead } from '../../gateway/response/head.js';
import { HeldResponse } from '../../gateway/response/start.js';
import { statusAllowsBody } from '../../gateway/spec.js';
import type { App, AppLike, Body, Chunk, Environ, ResponseHeaders, StartResponse, Write } from '../../gateway/types.js';
import { addVary, forbidsTransform, isCompressible, isEventStream, weakenEtag } from './compressible.js';
import { Encoder, encodeWhole, type CompressionLevels } from './encoder.js';
import { negotiateEncoding, type Encoding, type EncodingChoice } from './negotiate.js';

/**
 * Options for {@link compress}.
 *
 * @example
 * ```ts
 * const options: CompressOptions = { threshold: 2048, encodings: ['gzip'], levels: { gzip: 4 } };
 * ```
 *
 * @category Middleware
 */
export interface CompressOptions {
  /** Bodies of known length below this many bytes are sent as they are. Default 1024. */
  threshold?: number;
  /** The codings offered, in the server's order of preference for ties. Default `['br', 'gzip', 'deflate']`. */
  encodings?: readonly Encoding[];
  /** Compression levels; see {@link CompressionLevels}. */
  levels?: CompressionLevels;
}

const DEFAULT_ENCODINGS: readonly Encoding[] = ['br', 'gzip', 'deflate'];

/**
 * Compresses responses with the coding the client prefers in
 * `Accept-Encoding` (q-values, `*` and `identity;q=0` honoured; ties go to
 * Brotli, then gzip, then deflate). A client that accepts none of them gets
 * the response as it is.
 *
 * It streams: each chunk goes through `node:zlib` as the server pulls it, so
 * memory stays at one chunk however long the body, and backpressure reaches
 * the app. Chunks of an async body (and each `write()`) are flushed to the
 * client at once (`Z_SYNC_FLUSH`, Brotli's flush), so streamed output is not
 * held back; a sync body is compressed as one run, except a
 * `text/event-stream`, flushed per chunk like an async one: each chunk of an
 * event stream is an event due now. Empty chunks are passed on, so the
 * server can still notice a client gone while a stream is quiet. An array
 * body of at most 128 KiB, already whole in memory, is compressed in one
 * call instead and sent with its `Content-Length`: cheaper than a stream for
 * the pages most apps send.
 *
 * A HEAD response gets the headers its GET would get (judged by the same
 * rules, its size from a declared `Content-Length`) and no body. It leaves
 * the response alone for statuses without content (1xx, 204, 304), 206
 * partial content, a response that already has a
 * `Content-Encoding`, a type that does not compress (images, audio, video,
 * archives, `application/octet-stream`; see `isCompressible`),
 * `Cache-Control: no-transform`, and a body known to be shorter than
 * `threshold` (from `Content-Length`, or an array body), unless the client
 * refused `identity`.
 *
 * Whenever the type is compressible it adds `Accept-Encoding` to `Vary`,
 * compressed or not, so caches keep the variants apart; a 304 gets it too,
 * as its 200 would have. Compressing removes
 * `Content-Length` and `Accept-Ranges` and weakens a strong `ETag`.
 *
 * @example
 * ```ts
 * const site = compress(app);                            // defaults
 * const gzipOnly = compress(app, { encodings: ['gzip'] });
 * ```
 *
 * @category Middleware
 */
export function compress(app: AppLike, options: CompressOptions = {}): App {
  const inner = toApp(app);
  const offered = options.encodings ?? DEFAULT_ENCODINGS;
  const settings: Settings = { threshold: options.threshold ?? 1024, levels: options.levels ?? {} };

  // Clients send few distinct Accept-Encoding values, so the parse is cached.
  const choices = new Map<string, Negotiated>();
  const choose = (header: string): Negotiated => {
    let negotiated = choices.get(header);
    if (negotiated === undefined) {
      negotiated = { choice: negotiateEncoding(header, offered), identityRefused: negotiateEncoding(header, []) !== 'identity' };
      if (choices.size >= 256) choices.clear();
      choices.set(header, negotiated);
    }
    return negotiated;
  };

  return wrapApp(app, function compressed(environ: Environ, startResponse: StartResponse) {
    const header = environ.HTTP_ACCEPT_ENCODING;
    const negotiated = header === undefined ? undefined : choose(header);
    const choice = negotiated?.choice;
    if (negotiated === undefined || choice === 'identity' || choice === 'refused' || choice === undefined) {
      return inner(environ, (status, headers, excInfo) => startResponse(status, withVary(status, headers), excInfo));
    }
    // HEAD gets the headers GET would get (RFC 9110 §9.3.2), with nothing to encode.
    const isHead = environ.REQUEST_METHOD === 'HEAD';
    const exchange = new CompressingExchange(startResponse, choice, settings, negotiated.identityRefused, isHead);
    const body = inner(environ, exchange.startResponse);
    return body instanceof Promise ? body.then((resolved) => exchange.wrap(resolved)) : exchange.wrap(body);
  });
}

// An array body up to this size is compressed in one call to zlib (one trip
// to the thread pool, and a Content-Length); larger ones stream, so that
// memory stays at one chunk.
const WHOLE_LIMIT = 128 * 1024;

interface Negotiated {
  choice: EncodingChoice;
  /** Whether the client refused identity, so even small bodies are compressed. */
  identityRefused: boolean;
}

interface Settings {
  threshold: number;
  levels: CompressionLevels;
}

/**
 * The headers with `Accept-Encoding` added to `Vary` (in a copy) when the
 * type could have been compressed, and on a 304, which carries no type but
 * must repeat the Vary its 200 would have had (RFC 9110 §15.4.5).
 */
function withVary(status: string, headers: ResponseHeaders): ResponseHeaders {
  // A malformed call is the next startResponse's to refuse, under its own rule.
  if (typeof status !== 'string' || !Array.isArray(headers)) return headers;
  if (!status.startsWith('304') && !isCompressible(new HeaderList(headers).get('Content-Type'))) return headers;
  const list = new HeaderList([...headers]);
  addVary(list, 'Accept-Encoding');
  return list.list;
}

/**
 * One request's compression: holds the app's head back until the body's
 * size may be known, decides the coding as the head is passed on, and
 * encodes the body and every `write()` on the way through.
 */
class CompressingExchange implements BodyHooks {
  readonly #held: HeldResponse;
  readonly #encoding: Encoding;
  readonly #settings: Settings;
  readonly #identityRefused: boolean;
  readonly #isHead: boolean;
  encoder: Encoder | undefined;
  /** Whether any byte has reached the server, after which nothing can be changed. */
  sent = false;
  /** An array body's size, known as the head is passed on. */
  #knownLength: number | undefined;
  /** An array body small enough to compress in one call, compressed. */
  #wholeOutput: Buffer | undefined;
  /** Whether the app's body is async: then each chunk is flushed to the client. */
  #flushEach = false;
  /** Whether the response is a `text/event-stream`: then each chunk is flushed, whatever the body. */
  #eventStream = false;
  // Made on first use: most responses never write() nor compress a chunk.
  #lock: Promise<unknown> | undefined;

  constructor(startResponse: StartResponse, encoding: Encoding, settings: Settings, identityRefused: boolean, isHead: boolean) {
    this.#held = new HeldResponse(startResponse, isHead, (head) => this.#decide(head));
    this.#isHead = isHead;
    this.#encoding = encoding;
    this.#settings = settings;
    this.#identityRefused = identityRefused;
  }

  readonly startResponse: StartResponse = (status, headers, excInfo) => {
    this.#held.startResponse(status, headers, excInfo);
    return this.#appWrite;
  };

  /** Passes the app's head on (deciding the coding), once it has given one. */
  #release(): Write | undefined {
    return this.#held.head === undefined ? undefined : this.#held.release();
  }

  /** The coding decision, made as the head is passed on: the headers to send. */
  #decide(head: ResponseHead): ResponseHeaders {
    // Too late for a replacement: the next startResponse rethrows excInfo.
    if (this.sent) return head.headers;
    // A replacement made with excInfo is decided afresh.
    this.encoder?.destroy();
    this.encoder = undefined;
    const list = new HeaderList([...head.headers]);
    const contentType = list.get('Content-Type');
    const compressible = isCompressible(contentType);
    this.#eventStream = isEventStream(contentType);
    if (compressible || head.code === 304) addVary(list, 'Accept-Encoding');
    if (!this.#leavesAlone(head, list, compressible)) {
      list.delete('Content-Length');
      list.delete('Accept-Ranges');
      list.set('Content-Encoding', this.#encoding);
      weakenEtag(list);
      if (this.#wholeOutput !== undefined) list.set('Content-Length', String(this.#wholeOutput.length));
      else if (!this.#isHead) this.encoder = new Encoder(this.#encoding, this.#settings.levels);
    }
    return list.list;
  }

  /** Whether the response goes out uncompressed; `list` holds its headers. */
  #leavesAlone(head: ResponseHead, list: HeaderList, compressible = isCompressible(list.get('Content-Type'))): boolean {
    const length = head.declared >= 0 ? head.declared : this.#knownLength;
    const encoded = list.get('Content-Encoding');
    return (
      !compressible ||
      !statusAllowsBody(head.code) ||
      head.code === 206 ||
      list.has('Content-Range') ||
      (encoded !== undefined && encoded.trim().toLowerCase() !== 'identity') ||
      forbidsTransform(list) ||
      (length !== undefined && length < this.#settings.threshold && !this.#identityRefused)
    );
  }

  /** Runs `task` after every earlier encoder operation, so output keeps its order. */
  serial<T>(task: () => Promise<T>): Promise<T> {
    const run = (this.#lock ?? Promise.resolve()).then(task);
    this.#lock = run.catch(() => undefined);
    return run;
  }

  readonly #appWrite: Write = (chunk) =>
    this.serial(async () => {
      const write = this.#held.release();
      this.sent = true;
      if (this.encoder === undefined) return write(chunk);
      for (const piece of await this.encoder.push(chunkBytes(chunk), true)) await write(piece);
    });

  wrap(body: Body): Body | Promise<Body> {
    if (!this.#held.released && this.#held.head !== undefined) {
      // A HEAD body is empty whatever the GET's size; only a declared
      // Content-Length tells that, so an array's length does not count.
      if (Array.isArray(body) && !this.#isHead) {
        let length = 0;
        let chunks = true;
        for (const chunk of body as unknown[]) {
          if (typeof chunk === 'string' || chunk instanceof Uint8Array) length += chunkLength(chunk);
          else chunks = false;
        }
        this.#knownLength = length;
        const head = this.#held.head;
        if (chunks && length <= WHOLE_LIMIT && !this.#leavesAlone(head, new HeaderList(head.headers))) return this.#wrapWhole(body as Chunk[]);
      }
      // Decided now rather than at the first chunk (the answer is the same:
      // only an array's length is ever known), so a body left uncompressed
      // reaches the server as it is and keeps its framing: a sync one is
      // still gathered under a Content-Length rather than streamed chunked.
      this.#held.release();
      this.#knownLength = undefined;
    }
    if (this.#held.released && this.encoder === undefined) return body;
    this.#flushEach = typeof (body as Partial<AsyncIterable<Chunk>>)[Symbol.asyncIterator] === 'function';
    return proxyBody(body, this, { async: true });
  }

  /** A small array body, compressed in one call to zlib, then sent with its length. */
  async #wrapWhole(body: Chunk[]): Promise<Body> {
    const input = body.length === 1 ? chunkBytes(body[0]!) : Buffer.concat(body.map(chunkBytes));
    this.#wholeOutput = await encodeWhole(this.#encoding, input, this.#settings.levels);
    this.#held.release();
    this.#knownLength = undefined;
    this.sent = true;
    return [this.#wholeOutput];
  }

  /** Each chunk of the app's body, compressed (once the coding is decided). */
  async chunk(chunk: Chunk): Promise<Chunk | readonly Chunk[]> {
    this.#release();
    // Not a chunk: passed on as it is, for the server to refuse by its rule.
    if (typeof chunk !== 'string' && !(chunk instanceof Uint8Array)) return chunk;
    const encoder = this.encoder;
    if (encoder === undefined) {
      // Not compressing after all (decided once startResponse was called).
      if (chunkLength(chunk) > 0) this.sent = true;
      return chunk;
    }
    // Passed on rather than dropped: an empty chunk sends nothing, but it is
    // when the server looks whether the client is still there (an event
    // stream yields one each second while it is quiet).
    if (chunkLength(chunk) === 0) return chunk;
    const bytes = chunkBytes(chunk);
    const output = await this.serial(() => encoder.push(bytes, this.#flushEach || this.#eventStream));
    if (output.length > 0) this.sent = true;
    return output;
  }

  /** The encoder's last output, once the app's body is exhausted. */
  async flush(): Promise<readonly Chunk[] | undefined> {
    this.#release();
    const encoder = this.encoder;
    if (encoder === undefined) return undefined;
    const output = await this.serial(() => encoder.end());
    if (output.length > 0) this.sent = true;
    return output;
  }

  end(): void {
    // Frees zlib's memory at once, however the body ended.
    this.encoder?.destroy();
  }
}
