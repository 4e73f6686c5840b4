/**
 * Counting the parts of a multipart body and the size of each part's header
 * block, which the multipart parser itself does not bound as configured.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { limitExceeded } from './multipart-limits.js';
import type { PartTextCheck } from './part-text.js';

const CR = 0x0d;
const LF = 0x0a;
const DASH = 0x2d;

const SEARCH = 0; // in a preamble or a part's data, looking for the delimiter
const AFTER_DELIMITER = 1; // just past a delimiter: "--" ends the body, CRLF starts a part
const HEADERS = 2; // inside a part's header block
const EPILOGUE = 3; // after the closing delimiter

/**
 * The header limits {@link PartHeaderGuard} enforces.
 *
 * @example
 * ```ts
 * const limits: PartHeaderLimits = { parts: 20, headerPairs: 16, headerSize: 8192 };
 * ```
 */
export interface PartHeaderLimits {
  /** The most parts. */
  parts: number;
  /** The most header lines per part. */
  headerPairs: number;
  /** The most bytes per header block. */
  headerSize: number;
}

/**
 * Follows the framing of a multipart body chunk by chunk and throws a 413
 * as soon as a part is one too many or a header block is too large. It finds
 * delimiters with `Buffer#indexOf` and looks at bytes one by one only inside
 * header blocks; file data the parser has already searched can be passed to
 * {@link PartHeaderGuard.skip}, which costs nothing per byte.
 *
 * @example
 * ```ts
 * const guard = new PartHeaderGuard('----boundary', { parts: 10, headerPairs: 16, headerSize: 8192 });
 * for await (const chunk of environ['tsgi.input']) {
 *   guard.push(chunk); // throws HttpError 413
 *   parser.write(chunk);
 * }
 * ```
 */
export class PartHeaderGuard {
  readonly #delimiter: Buffer;
  readonly #limits: PartHeaderLimits;
  /** The tail of the previous chunk, where a delimiter may begin: `#carryLength` bytes. */
  readonly #carry: Buffer;
  #carryLength: number;
  /** Room to join the tail with the next chunk's head, reused to spare allocations. */
  readonly #joined: Buffer;
  #state = SEARCH;
  #firstAfter = -1;
  #parts = 0;
  #headerBytes = 0;
  #headerLines = 0;
  #lineLength = 0;
  /** Whether the header bytes so far end in CR, for a CRLF split across chunks. */
  #endsInCR = false;
  /** Told each part's header block and data, when given. */
  readonly #text: PartTextCheck | undefined;
  /** The current header block's bytes, kept only for {@link PartTextCheck}. */
  #headerChunks: Buffer[] = [];

  /**
   * @param text Told each part's header block and every byte of its data, so
   *   that it can hold text to UTF-8; its errors are thrown from {@link push}.
   */
  constructor(boundary: string, limits: PartHeaderLimits, text?: PartTextCheck) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.#limits = limits;
    this.#text = text;
    const keep = this.#delimiter.length - 1;
    this.#carry = Buffer.alloc(keep);
    this.#joined = Buffer.alloc(2 * keep);
    // The body is read as if it began with CRLF, so the first boundary
    // matches the same delimiter as the others, as the parser does.
    this.#carryLength = this.#carry.write('\r\n', 'latin1');
  }

  /** Whether the closing delimiter has been seen: a body that ends before it is truncated. */
  get complete(): boolean {
    return this.#state === EPILOGUE;
  }

  /** The parts begun so far. */
  get parts(): number {
    return this.#parts;
  }

  /**
   * Takes the next chunk of the body.
   *
   * @throws {@link tsgi!HttpError} 413 naming `parts`, `headerPairs` or `headerSize`.
   */
  push(chunk: Uint8Array): void {
    const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    let pos = 0;
    while (pos < bytes.length) {
      switch (this.#state) {
        case SEARCH:
          pos = this.#search(bytes, pos);
          break;
        case AFTER_DELIMITER:
          pos = this.#afterDelimiter(bytes, pos);
          break;
        case HEADERS:
          pos = this.#headers(bytes, pos);
          break;
        default:
          return;
      }
    }
  }

  /**
   * Takes a chunk the caller knows holds no delimiter ending in it: file
   * data that the parser has already searched. Only the chunk's tail is
   * kept, for a delimiter that begins here and ends in the next chunk. In
   * any state but searching, this is {@link push}.
   */
  skip(chunk: Uint8Array): void {
    if (this.#state !== SEARCH) {
      this.push(chunk);
      return;
    }
    this.#keepTail(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length), 0);
  }

  #search(bytes: Buffer, from: number): number {
    const delimiter = this.#delimiter;
    const keep = delimiter.length - 1;
    const carried = this.#carryLength;
    if (carried > 0) {
      // A delimiter that began in the previous chunk ends within `keep` bytes.
      const head = Math.min(keep, bytes.length - from);
      this.#carry.copy(this.#joined, 0, 0, carried);
      bytes.copy(this.#joined, carried, from, from + head);
      const found = this.#joined.subarray(0, carried + head).indexOf(delimiter);
      if (found !== -1) {
        this.#text?.data(this.#joined.subarray(0, found));
        this.#carryLength = 0;
        this.#state = AFTER_DELIMITER;
        return from + found + delimiter.length - carried;
      }
    }
    const found = bytes.indexOf(delimiter, from);
    if (found === -1) {
      this.#keepTail(bytes, from);
      return bytes.length;
    }
    if (this.#text !== undefined) {
      this.#text.data(this.#carry.subarray(0, carried));
      this.#text.data(bytes.subarray(from, found));
    }
    this.#carryLength = 0;
    this.#state = AFTER_DELIMITER;
    return found + delimiter.length;
  }

  /** Keeps the last `keep` bytes seen (of the old tail and `bytes` from `from`). */
  #keepTail(bytes: Buffer, from: number): void {
    const keep = this.#carry.length;
    const rest = bytes.length - from;
    // Bytes pushed out of the tail can no longer begin a delimiter: they are data.
    if (rest >= keep) {
      if (this.#text !== undefined) {
        this.#text.data(this.#carry.subarray(0, this.#carryLength));
        this.#text.data(bytes.subarray(from, bytes.length - keep));
      }
      bytes.copy(this.#carry, 0, bytes.length - keep);
      this.#carryLength = keep;
      return;
    }
    const old = Math.min(this.#carryLength, keep - rest);
    this.#text?.data(this.#carry.subarray(0, this.#carryLength - old));
    this.#carry.copy(this.#carry, 0, this.#carryLength - old, this.#carryLength);
    bytes.copy(this.#carry, old, from);
    this.#carryLength = old + rest;
  }

  #afterDelimiter(bytes: Buffer, pos: number): number {
    const byte = bytes[pos] as number;
    if (this.#firstAfter === -1) {
      if (byte === DASH || byte === CR) {
        this.#firstAfter = byte;
        return pos + 1;
      }
      this.#text?.data(this.#delimiter);
      this.#state = SEARCH;
      return pos;
    }
    const first = this.#firstAfter;
    this.#firstAfter = -1;
    if (first === DASH && byte === DASH) {
      this.#text?.end();
      this.#state = EPILOGUE;
      return bytes.length;
    }
    if (first === CR && byte === LF) {
      this.#text?.end();
      this.#beginPart();
      return pos + 1;
    }
    // Not a boundary after all: the bytes were part data.
    if (this.#text !== undefined) {
      this.#text.data(this.#delimiter);
      this.#text.data(Buffer.of(first));
    }
    this.#state = SEARCH;
    return pos;
  }

  #beginPart(): void {
    if (++this.#parts > this.#limits.parts) throw limitExceeded('parts', this.#limits.parts, 'Too many parts in the multipart body');
    this.#state = HEADERS;
    this.#headerBytes = 0;
    this.#headerLines = 0;
    this.#lineLength = 0;
    this.#endsInCR = false;
    this.#headerChunks = [];
  }

  #headers(bytes: Buffer, from: number): number {
    const { headerSize, headerPairs } = this.#limits;
    let pos = from;
    while (pos < bytes.length) {
      const lf = bytes.indexOf(LF, pos);
      const end = lf === -1 ? bytes.length : lf + 1;
      this.#headerBytes += end - pos;
      if (this.#headerBytes > headerSize) {
        throw limitExceeded('headerSize', headerSize, 'A part header block is too large');
      }
      if (lf === -1) {
        this.#lineLength += end - pos;
        this.#endsInCR = bytes[end - 1] === CR;
        this.#keepHeaderPiece(bytes, from, end);
        return end;
      }
      const crBefore = lf > pos ? bytes[lf - 1] === CR : this.#endsInCR;
      const content = this.#lineLength + (lf - pos) - (crBefore ? 1 : 0);
      this.#lineLength = 0;
      this.#endsInCR = false;
      if (content === 0) {
        this.#state = SEARCH;
        if (this.#text !== undefined) {
          // Most blocks lie within one chunk: read in place, no copy.
          const here = bytes.subarray(from, end);
          this.#text.header(this.#headerChunks.length === 0 ? here : Buffer.concat([...this.#headerChunks, here]));
        }
        this.#headerChunks = [];
        return end;
      }
      if (++this.#headerLines > headerPairs) {
        throw limitExceeded('headerPairs', headerPairs, 'A part has too many header lines');
      }
      pos = end;
    }
    this.#keepHeaderPiece(bytes, from, pos);
    return pos;
  }

  /** The block goes on in the next chunk: this chunk's piece is copied, as the parser may reuse the chunk. */
  #keepHeaderPiece(bytes: Buffer, from: number, end: number): void {
    if (this.#text !== undefined && end > from) this.#headerChunks.push(Buffer.from(bytes.subarray(from, end)));
  }
}
