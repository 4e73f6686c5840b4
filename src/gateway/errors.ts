/**
 * {@link ErrorStream} implementations.
 *
 * @module
 */
import type { ErrorStream } from './types.js';

/**
 * An {@link ErrorStream} that writes to a Node writable stream, by default
 * `process.stderr`.
 *
 * @example
 * ```ts
 * import { createWriteStream } from 'node:fs';
 * const errors = streamErrors(createWriteStream('app-errors.log', { flags: 'a' }));
 * ```
 *
 * @category Streams
 */
export function streamErrors(stream: NodeJS.WritableStream = process.stderr): ErrorStream {
  return {
    write(text: string): void {
      stream.write(text);
    },
    writelines(lines: Iterable<string>): void {
      for (const line of lines) stream.write(line);
    },
    flush(): void {},
  };
}

/**
 * An {@link ErrorStream} that keeps what is written in memory, for tests and
 * for collecting an app's complaints.
 *
 * @example
 * ```ts
 * const errors = new MemoryErrors();
 * errors.write('boom\n');
 * errors.text; // 'boom\n'
 * ```
 *
 * @category Streams
 */
export class MemoryErrors implements ErrorStream {
  /** Everything written so far. */
  text = '';

  write(text: string): void {
    this.text += text;
  }

  writelines(lines: Iterable<string>): void {
    for (const line of lines) this.text += line;
  }

  flush(): void {}
}

/**
 * Writes an error with its stack to an error stream, prefixed by `context`.
 *
 * @example
 * ```ts
 * logError(environ['tsgi.errors'], err, 'GET /entries');
 * ```
 *
 * @category Streams
 */
export function logError(errors: ErrorStream, error: unknown, context: string): void {
  const detail = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  errors.write(`[${new Date().toISOString()}] ${context}: ${detail}\n`);
}
