/**
 * Sending a fixed representation with its validator: 200, or 304 when the
 * client's copy is current; HEAD without the body.
 *
 * @module
 */
import type { Body, Environ, ResponseHeaders, StartResponse } from '../../gateway/types.js';

/** Bytes to send, with the headers that describe them. */
export interface Representation {
  readonly bytes: Buffer;
  readonly type: string;
  readonly etag: string;
  readonly cacheControl: string;
}

/** `Cache-Control` for a file whose URL changes whenever its content does. */
export const CACHE_FOR_GOOD = 'public, max-age=31536000, immutable';
/** `Cache-Control` for what may change under the same URL: caches keep it but ask first (the ETag makes that a 304). */
export const REVALIDATE = 'no-cache';

/** Whether `If-None-Match` names `etag` (weak comparison, RFC 9110 §13.1.2). */
function clientHasCurrent(environ: Environ, etag: string): boolean {
  const header = environ.HTTP_IF_NONE_MATCH;
  if (header === undefined) return false;
  return header.split(',').some((tag) => {
    const trimmed = tag.trim();
    return trimmed === '*' || (trimmed.startsWith('W/') ? trimmed.slice(2) : trimmed) === etag;
  });
}

/** Answers GET or HEAD with `representation`. */
export function sendRepresentation(environ: Environ, startResponse: StartResponse, representation: Representation): Body {
  const validators: ResponseHeaders = [
    ['ETag', representation.etag],
    ['Cache-Control', representation.cacheControl],
  ];
  if (clientHasCurrent(environ, representation.etag)) {
    startResponse('304 Not Modified', validators);
    return [];
  }
  startResponse('200 OK', [
    ['Content-Type', representation.type],
    ['Content-Length', String(representation.bytes.byteLength)],
    ...validators,
    ['X-Content-Type-Options', 'nosniff'],
  ]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [representation.bytes];
}

/** A short plain-text answer: 405 for a method these paths do not take, 500 when the document cannot be built. */
export function sendPlain(environ: Environ, startResponse: StartResponse, status: string, text: string, extra: ResponseHeaders = []): Body {
  startResponse(status, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(text))],
    ...extra,
  ]);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [text];
}
