/**
 * Wrappers for `tsgi.input` and `tsgi.errors` that check both the app's calls
 * and the server's answers, passing values through unchanged.
 *
 * @module
 */
import type { ErrorStream, InputStream } from '../types.js';
import { describe } from './describe.js';
import { ValidationError } from './validation-error.js';
import type { RequestTracker } from './tracker.js';

const LF = 0x0a;

/**
 * A checked view of a server's input stream. The app's arguments are checked
 * before the call (a bad one throws at once); the server's results are
 * checked as they arrive.
 *
 * @example
 * ```ts
 * environ['tsgi.input'] = new ValidatedInput(environ['tsgi.input'], tracker);
 * ```
 */
export class ValidatedInput implements InputStream {
  readonly #inner: InputStream;
  readonly #tracker: RequestTracker;
  // Set once the stream has signalled end of input (a short read, a read to
  // the end, an unterminated line, or the end of iteration): any later bytes
  // mean a short read was not really the end.
  #atEnd = false;

  constructor(inner: InputStream, tracker: RequestTracker) {
    this.#inner = inner;
    this.#tracker = tracker;
  }

  /** Checks `size`, reads, and checks the bytes read. */
  read(...args: [size?: number]): Promise<Uint8Array> {
    const size = args[0];
    this.#checkOpen('read');
    checkSize(size, 'read(size)');
    return this.#promised(this.#inner.read(...args), 'read()').then((bytes) => {
      this.#checkBytes(bytes, 'read()');
      if (size !== undefined && bytes.byteLength > size) {
        throw new ValidationError('input-read-length', `read(${size}) resolved with ${bytes.byteLength} bytes`);
      }
      if (size === undefined || bytes.byteLength < size) this.#atEnd = true;
      return bytes;
    });
  }

  /** Checks `limit`, reads a line, and checks it. */
  readline(...args: [limit?: number]): Promise<Uint8Array> {
    const limit = args[0];
    this.#checkOpen('readline');
    checkSize(limit, 'readline(limit)');
    return this.#promised(this.#inner.readline(...args), 'readline()').then((line) => {
      this.#checkBytes(line, 'readline()');
      const newline = line.indexOf(LF);
      if (limit !== undefined && line.byteLength > limit) {
        throw new ValidationError('input-read-length', `readline(${limit}) resolved with ${line.byteLength} bytes`);
      }
      if (newline !== -1 && newline !== line.byteLength - 1) {
        throw new ValidationError('input-read-length', 'readline() resolved with bytes past the first LF');
      }
      if (newline === -1 && (limit === undefined || line.byteLength < limit)) this.#atEnd = true;
      return line;
    });
  }

  /** Iterates the server's stream, checking each chunk. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const inner = this.#inner[Symbol.asyncIterator]();
    const iterator: AsyncIterator<Uint8Array> = {
      next: () => {
        this.#checkOpen('iterate');
        return this.#promised(inner.next(), 'iteration').then((result) => {
          if (result.done === true) {
            this.#atEnd = true;
          } else {
            this.#checkBytes(result.value, 'iteration');
          }
          return result;
        });
      },
    };
    if (typeof inner.return === 'function') {
      const innerReturn = inner.return.bind(inner);
      iterator.return = (value?: unknown) => innerReturn(value);
    }
    return iterator;
  }

  #promised<T>(pending: Promise<T>, source: string): Promise<T> {
    if (typeof (pending as Partial<Promise<T>> | undefined)?.then !== 'function') {
      throw new ValidationError('input-result', `tsgi.input ${source} must return a promise, got ${describe(pending)}`);
    }
    return pending;
  }

  #checkOpen(operation: string): void {
    if (this.#tracker.closed) {
      throw new ValidationError(
        'input-after-close',
        `the app tried to ${operation} tsgi.input after the server had closed the body with return()`,
      );
    }
  }

  #checkBytes(bytes: unknown, source: string): void {
    if (!(bytes instanceof Uint8Array)) {
      throw new ValidationError('input-result', `tsgi.input ${source} must give a Uint8Array, got ${describe(bytes)}`);
    }
    if (this.#atEnd && bytes.byteLength > 0) {
      throw new ValidationError(
        'input-read-length',
        `tsgi.input ${source} gave ${bytes.byteLength} bytes after it had signalled end of input with a short read`,
      );
    }
  }
}

/**
 * A checked view of a server's error stream: the app may write strings only.
 *
 * @example
 * ```ts
 * environ['tsgi.errors'] = new ValidatedErrors(environ['tsgi.errors']);
 * ```
 */
export class ValidatedErrors implements ErrorStream {
  readonly #inner: ErrorStream;

  constructor(inner: ErrorStream) {
    this.#inner = inner;
  }

  /** Checks that `text` is a string, then writes it. */
  write(text: string): void {
    checkText(text, 'write()');
    this.#inner.write(text);
  }

  /** Checks that every line is a string, then writes them all. */
  writelines(lines: Iterable<string>): void {
    if (typeof lines === 'string' || typeof (lines as Partial<Iterable<string>>)?.[Symbol.iterator] !== 'function') {
      throw new ValidationError('errors-write', `writelines() takes an iterable of strings, got ${describe(lines)}`);
    }
    // Collected first so that nothing is written when a later line is bad,
    // and so a one-shot iterable can still be passed on.
    const list = [...lines];
    for (const line of list) checkText(line, 'writelines()');
    this.#inner.writelines(list);
  }

  /** Flushes the server's stream. */
  flush(): void {
    this.#inner.flush();
  }
}

function checkSize(size: unknown, call: string): void {
  if (size !== undefined && (!Number.isInteger(size) || (size as number) < 0)) {
    throw new ValidationError('input-read-size', `${call} takes undefined or a non-negative integer, got ${describe(size)}`);
  }
}

function checkText(text: unknown, call: string): void {
  if (typeof text !== 'string') {
    throw new ValidationError('errors-write', `tsgi.errors ${call} takes strings only, got ${describe(text)}`);
  }
}
