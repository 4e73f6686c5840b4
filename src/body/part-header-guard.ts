/**
 * Counting the parts of a multipart body and the size of each part's header
 * block, which the multipart parser itself does not bound as configured.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { limitExceeded } from './multipart-limits.js';

const EMPTY = Buffer.alloc(0);
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
 * Sees every chunk of a multipart body before the parser does and throws a
 * 413 as soon as a part is one too many or a header block is too large. It
 * finds delimiters with `Buffer#indexOf` and looks at bytes one by one only
 * inside header blocks, so part data costs one native scan.
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
  // The body is read as if it began with CRLF, so the first boundary matches
  // the same delimiter as the others, as the parser does.
  #carry: Buffer = Buffer.from('\r\n');
  #state = SEARCH;
  #firstAfter = -1;
  #parts = 0;
  #headerBytes = 0;
  #headerLines = 0;
  #lineLength = 0;

  constructor(boundary: string, limits: PartHeaderLimits) {
    this.#delimiter = Buffer.from(`\r\n--${boundary}`, 'latin1');
    this.#limits = limits;
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
   * @throws {@link HttpError} 413 naming `parts`, `headerPairs` or `headerSize`.
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

  #search(bytes: Buffer, from: number): number {
    const delimiter = this.#delimiter;
    const keep = delimiter.length - 1;
    if (this.#carry.length > 0) {
      const joined = Buffer.concat([this.#carry, bytes.subarray(from, from + keep)]);
      const found = joined.indexOf(delimiter);
      if (found !== -1) {
        const end = from + found + delimiter.length - this.#carry.length;
        this.#carry = EMPTY;
        this.#state = AFTER_DELIMITER;
        return end;
      }
    }
    const found = bytes.indexOf(delimiter, from);
    if (found === -1) {
      const rest = bytes.subarray(from);
      this.#carry = Buffer.from(rest.length >= keep ? rest.subarray(rest.length - keep) : Buffer.concat([this.#carry, rest]).subarray(-keep));
      return bytes.length;
    }
    this.#carry = EMPTY;
    this.#state = AFTER_DELIMITER;
    return found + delimiter.length;
  }

  #afterDelimiter(bytes: Buffer, pos: number): number {
    const byte = bytes[pos] as number;
    if (this.#firstAfter === -1) {
      if (byte === DASH || byte === CR) {
        this.#firstAfter = byte;
        return pos + 1;
      }
      this.#state = SEARCH;
      return pos;
    }
    const first = this.#firstAfter;
    this.#firstAfter = -1;
    if (first === DASH && byte === DASH) {
      this.#state = EPILOGUE;
      return bytes.length;
    }
    if (first === CR && byte === LF) {
      this.#beginPart();
      return pos + 1;
    }
    // Not a boundary after all: the bytes were part data.
    this.#state = SEARCH;
    return pos;
  }

  #beginPart(): void {
    if (++this.#parts > this.#limits.parts) throw limitExceeded('parts', this.#limits.parts, 'Too many parts in the multipart body');
    this.#state = HEADERS;
    this.#headerBytes = 0;
    this.#headerLines = 0;
    this.#lineLength = 0;
  }

  #headers(bytes: Buffer, from: number): number {
    const { headerSize, headerPairs } = this.#limits;
    for (let pos = from; pos < bytes.length; pos++) {
      if (++this.#headerBytes > headerSize) {
        throw limitExceeded('headerSize', headerSize, 'A part header block is too large');
      }
      const byte = bytes[pos];
      if (byte !== LF) {
        if (byte !== CR) this.#lineLength++;
        continue;
      }
      if (this.#lineLength === 0) {
        this.#state = SEARCH;
        return pos + 1;
      }
      if (++this.#headerLines > headerPairs) {
        throw limitExceeded('headerPairs', headerPairs, 'A part has too many header lines');
      }
      this.#lineLength = 0;
    }
    return bytes.length;
  }
}
