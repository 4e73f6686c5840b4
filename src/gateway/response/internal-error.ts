/**
 * The host's own `500 Internal Server Error`: the same few bytes on every
 * host, with a reference that the log line repeats.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { ResponseHead } from './head.js';

/**
 * A short random reference for one failure, eight hex digits: enough to
 * find a log line, too short to be mistaken for a secret.
 *
 * @example
 * ```ts
 * newReference(); // e.g. '1a2b3c4d'
 * ```
 */
export function newReference(): string {
  return randomBytes(4).toString('hex');
}

/**
 * The head and body of the host's 500 for the failure `reference` names.
 * The body says only that the server failed: details stay in the log.
 *
 * @example
 * ```ts
 * const { head, text } = internalError('1a2b3c4d', false);
 * text; // 'Internal Server Error (reference 1a2b3c4d)\n'
 * ```
 */
export function internalError(reference: string, isHead: boolean): { head: ResponseHead; text: string } {
  const text = `Internal Server Error (reference ${reference})\n`;
  const length = Buffer.byteLength(text);
  const head: ResponseHead = {
    status: '500 Internal Server Error',
    code: 500,
    reason: 'Internal Server Error',
    headers: [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(length)],
    ],
    declared: length,
    sendsBody: !isHead,
    bodyLimit: isHead ? 0 : length,
  };
  return { head, text };
}
