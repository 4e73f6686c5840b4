/**
 * Streaming `multipart/form-data` through busboy: parts in order, file data
 * as streams with backpressure, every limit answered with 413.
 *
 * @module
 */
import type { Readable } from 'node:stream';
import type { Busboy, BusboyConfig, FieldInfo, FileInfo } from 'busboy';
import { HttpError } from '../gateway/http-error.js';
import type { Environ } from '../gateway/types.js';
import { refuseEncodedBody } from './content-encoding.js';
import { MULTIPART, multipartBoundary, type MultipartField, type MultipartFile, type MultipartIterator, type MultipartPart } from './multipart-parts.js';
import { limitExceeded, resolveMultipartLimits, type MultipartOptions, type ResolvedMultipartLimits } from './multipart-limits.js';
import { PartHeaderGuard } from './part-header-guard.js';
import { PartTextCheck } from './part-text.js';
import { bodyTooLarge, declaredLength } from './read.js';

const PARSER_BUFFER = 256 * 1024;
// RFC 2046 §5.1.1: 1 to 70 characters from this set, not ending in a space.
const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

function noop(): void {}

/**
 * Streams the parts of a `multipart/form-data` body, in order, through
 * busboy. Fields come whole; files come as streams, which must be consumed
 * (or are drained when the loop moves on). Leaving the loop early, by
 * `break`, `return` or an exception, stops reading the body and releases the
 * parser. Limits are in {@link MultipartLimits}; the whole body is capped by
 * `options.limit`, by default as large as the limits allow.
 *
 * @throws {@link tsgi!HttpError} (from the iteration, and into a file stream being
 *   read) 415 for another type or a body still in a content coding; 400 for a missing boundary, bad framing,
 *   a field name, file name or text field that is not UTF-8 (naming the field), a
 *   truncated body or a client that went away; 413 naming the limit passed.
 * @example
 * ```ts
 * for await (const part of multipart(environ, { limits: { files: 1, fileSize: 5_000_000 } })) {
 *   if (part.kind === 'field') console.log(part.name, part.value);
 *   else await pipeline(part.stream, createWriteStream(join(dir, randomUUID())));
 * }
 * ```
 *
 * @category Multipart and uploads
 */
export function multipart(environ: Environ, options: MultipartOptions = {}): MultipartIterator {
  return new MultipartReader(environ, options);
}

class MultipartReader implements MultipartIterator {
  readonly #environ: Environ;
  readonly #options: MultipartOptions;
  #limits: ResolvedMultipartLimits | undefined;
  #parser: Busboy | undefined;
  #starting: Promise<void> | undefined;
  #input: AsyncIterator<Uint8Array> | undefined;
  readonly #queue: MultipartPart[] = [];
  /** The newest file stream, which the parser may still be filling. */
  #active: Readable | undefined;
  /** The file stream handed out last, drained when the consumer moves on. */
  #handedOut: Readable | undefined;
  /** Whether the parser is inside a file's data (its stream not yet ended). */
  #fileOpen = false;
  /** Whether the parser reached a delimiter or a header's end during the current write. */
  #framingSeen = false;
  #error: unknown;
  #failed = false;
  #finished = false;
  #closed = false;
  #wake: (() => void) | undefined;
  #drained: (() => void) | undefined;

  constructor(environ: Environ, options: MultipartOptions) {
    this.#environ = environ;
    this.#options = options;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<MultipartPart> {
    return this;
  }

  async next(): Promise<IteratorResult<MultipartPart>> {
    if (this.#closed) return DONE;
    if (this.#parser === undefined) {
      try {
        await (this.#starting ??= this.#start());
      } catch (error) {
        this.#close();
        throw error;
      }
    }
    const previous = this.#handedOut;
    this.#handedOut = undefined;
    if (previous !== undefined && !previous.readableEnded && !previous.destroyed) previous.resume();
    for (;;) {
      if (this.#failed) {
        const error = this.#error;
        this.#close();
        throw error;
      }
      const part = this.#queue.shift();
      if (part !== undefined) {
        if (part.kind === 'file') this.#handedOut = part.stream;
        return { done: false, value: part };
      }
      if (this.#finished) {
        this.#close();
        return DONE;
      }
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
  }

  async return(): Promise<IteratorResult<MultipartPart>> {
    this.#close();
    return DONE;
  }

  async throw(error?: unknown): Promise<IteratorResult<MultipartPart>> {
    this.#close();
    throw error;
  }

  async #start(): Promise<void> {
    const environ = this.#environ;
    const boundary = multipartBoundary(environ);
    refuseEncodedBody(environ);
    const limits = resolveMultipartLimits(this.#options);
    this.#limits = limits;
    const declared = declaredLength(environ);
    if (declared !== undefined && declared > limits.limit) throw bodyTooLarge(limits.limit, `${declared} bytes`);
    const parser = startParser(await loadBusboy(), {
      // Rebuilt from the boundary vetted above, quoted, so that busboy's
      // stricter reading of the header can never disagree with it.
      headers: { 'content-type': `${MULTIPART}; boundary="${boundary}"` },
      // Browsers send non-ASCII file names as raw UTF-8 in `filename="…"`.
      defParamCharset: 'utf8',
      // Room for a few socket reads, so a parser keeping up never makes the
      // pump wait for 'drain'; a stalled file stream still stops the body.
      highWaterMark: PARSER_BUFFER,
      // One byte more than allowed: busboy flags a value that merely reaches
      // its limit, and an exactly-sized value is lawful.
      limits: { fileSize: limits.fileSize + 1, files: limits.files, fields: limits.fields, fieldSize: limits.fieldSize + 1 },
    });
    this.#parser = parser;
    parser.on('field', (name: string, value: string, info: FieldInfo) => this.#onField(name, value, info));
    parser.on('file', (name: string, stream: Readable, info: FileInfo) => this.#onFile(name, stream, info));
    parser.on('filesLimit', () => this.#fail(limitExceeded('files', limits.files, 'Too many files in the multipart body')));
    parser.on('fieldsLimit', () => this.#fail(limitExceeded('fields', limits.fields, 'Too many fields in the multipart body')));
    parser.on('error', (error: unknown) => this.#fail(malformed(error)));
    parser.on('drain', () => this.#resumePump());
    parser.on('close', () => {
      if (!this.#failed) this.#finished = true;
      this.#resumePump();
      this.#wakeConsumer();
    });
    // The parser would decode bytes that are not UTF-8 to U+FFFD; the check
    // sees the same bytes first-hand and refuses them instead.
    const guard = new PartHeaderGuard(boundary, limits, new PartTextCheck());
    void this.#pump(parser, guard, limits.limit);
  }

  async #pump(parser: Busboy, guard: PartHeaderGuard, limit: number): Promise<void> {
    const input = this.#environ['tsgi.input'][Symbol.asyncIterator]();
    this.#input = input;
    let total = 0;
    try {
      for (;;) {
        let result: IteratorResult<Uint8Array>;
        try {
          result = await input.next();
        } catch (error) {
          throw new HttpError(400, 'The client closed the connection before the multipart body was complete', { cause: error });
        }
        if (this.#failed || this.#closed) return;
        if (result.done === true) break;
        const chunk = result.value;
        total += chunk.length;
        if (total > limit) throw bodyTooLarge(limit, 'more');
        // Scanning file data for delimiters twice would halve throughput, so
        // the guard skips a chunk that lay wholly inside one file: the
        // parser's own signals say whether any part began or ended in it.
        // They can be trusted only when the parser takes the chunk at once,
        // not queued behind a stalled one.
        const atOnce = parser.writableLength === 0;
        const inFile = this.#fileOpen;
        this.#framingSeen = false;
        const ready = parser.write(chunk);
        if (atOnce && inFile && !this.#framingSeen) guard.skip(chunk);
        else guard.push(chunk);
        if (!ready) {
          await new Promise<void>((resolve) => {
            this.#drained = resolve;
          });
          if (this.#failed || this.#closed) return;
        }
      }
      // Said here rather than left to the parser, so that a file stream
      // being read fails with this HttpError and not the parser's own error.
      if (!guard.complete) throw truncated();
      parser.end();
    } catch (error) {
      this.#fail(error);
    }
  }

  #onField(name: string | undefined, value: string, info: FieldInfo): void {
    const limits = this.#limits as ResolvedMultipartLimits;
    if (info.valueTruncated) {
      const label = JSON.stringify((name ?? '').slice(0, 100));
      this.#fail(limitExceeded('fieldSize', limits.fieldSize, `Field ${label} is too large`));
      return;
    }
    this.#framingSeen = true;
    this.#queue.push({ kind: 'field', name: name ?? '', value });
    this.#wakeConsumer();
  }

  #onFile(name: string | undefined, stream: Readable, info: FileInfo): void {
    const limits = this.#limits as ResolvedMultipartLimits;
    this.#active = stream;
    this.#framingSeen = true;
    this.#fileOpen = true;
    // busboy ends a file's stream with push(null) the moment it meets the
    // delimiter, inside write(); the 'end' event would come only later.
    const push = stream.push;
    stream.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (chunk === null) {
        this.#fileOpen = false;
        this.#framingSeen = true;
      }
      return push.call(stream, chunk, encoding);
    };
    // Errors reach whoever reads the stream, and the iteration; an unread
    // stream must not crash the process with an unhandled 'error'.
    stream.on('error', noop);
    stream.once('limit', () => {
      const label = JSON.stringify((info.filename ?? name ?? '').slice(0, 100));
      this.#fail(limitExceeded('fileSize', limits.fileSize, `File ${label} is too large`));
    });
    stream.once('close', () => {
      // Destroyed before its end by the consumer: the parser would wait for
      // that end forever, so the body is abandoned.
      if (stream.readableEnded || this.#failed || this.#closed) return;
      const cause = stream.errored;
      this.#fail(
        isParserError(cause)
          ? malformed(cause)
          : new HttpError(400, 'A file stream was destroyed before the multipart body was read', { cause }),
      );
    });
    this.#queue.push({
      kind: 'file',
      name: name ?? '',
      filename: info.filename ?? '',
      mimeType: info.mimeType,
      encoding: info.encoding,
      stream,
    });
    this.#wakeConsumer();
  }

  #fail(error: unknown): void {
    if (this.#failed || this.#closed) return;
    this.#failed = true;
    this.#error = error;
    this.#release(error);
    this.#wakeConsumer();
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#queue.length = 0;
    if (!this.#finished) this.#release(this.#failed ? this.#error : new Error('multipart reading stopped'));
  }

  /** Stops the parser, any file stream it is filling, and reading the body. */
  #release(error: unknown): void {
    for (const stream of [this.#active, this.#handedOut]) {
      if (stream !== undefined && !stream.readableEnded && !stream.destroyed) stream.destroy(error as Error);
    }
    this.#parser?.destroy();
    this.#resumePump();
    const input = this.#input;
    this.#input = undefined;
    // The server closes a connection whose body was left unread.
    input?.return?.().catch(noop);
  }

  #resumePump(): void {
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  }

  #wakeConsumer(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}

function isParserError(error: unknown): boolean {
  return error instanceof Error && !(error instanceof HttpError) && /^(?:Unexpected end of|Malformed part header)/.test(error.message);
}

function truncated(): HttpError {
  return new HttpError(400, 'Malformed multipart/form-data body: the body ended before the closing boundary');
}

function malformed(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const reason = /end of (?:form|file)/i.test(message)
    ? 'the body ended before the closing boundary'
    : /header/i.test(message)
      ? 'a part has a malformed header'
      : message;
  return new HttpError(400, `Malformed multipart/form-data body: ${reason}`, { cause: error });
}

type BusboyFactory = (config: BusboyConfig) => Busboy;
let busboyLoading: Promise<BusboyFactory> | undefined;

/**
 * busboy, imported on the first multipart body rather than with the module:
 * apps that never take uploads (and every importer of the handler layer)
 * skip its load and memory, and a Worker bundle never evaluates its
 * require('stream') unless it parses multipart.
 */
function loadBusboy(): Promise<BusboyFactory> {
  return (busboyLoading ??= import('busboy').then((loaded) => loaded.default));
}

/** busboy, with a refusal of its own turned into the client's 400 rather than a 500. */
function startParser(busboy: BusboyFactory, config: BusboyConfig): Busboy {
  try {
    return busboy(config);
  } catch (error) {
    throw new HttpError(400, `Malformed ${MULTIPART} request: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export { multipartBoundary, type MultipartField, type MultipartFile, type MultipartIterator, type MultipartPart } from './multipart-parts.js';
