/**
 * Request bodies in a content coding, decoded for the app.
 *
 * @module
 */
import { DEFAULT_BODY_LIMIT } from '../../body/read.js';
import { toApp, wrapApp } from '../../gateway/app.js';
import { renderError } from '../../gateway/error-page.js';
import { HttpError } from '../../gateway/http-error.js';
import { ChunkInput } from '../../gateway/input.js';
import { hasRequestBody } from '../../gateway/request-body.js';
import type { App, AppLike, Body, Environ, StartResponse } from '../../gateway/types.js';
import { decodeBody, type RequestCoding } from './decoder.js';

/**
 * Options for {@link decompress}.
 *
 * @example
 * ```ts
 * const options: DecompressOptions = { limit: 4 * 1024 * 1024, encodings: ['gzip', 'br'] };
 * ```
 *
 * @category Middleware
 */
export interface DecompressOptions {
  /**
   * The most bytes of a body, both as sent and once decoded; past it, reading
   * the body fails with 413. Default 1 MiB, the body readers' own default.
   */
  limit?: number;
  /** The codings to decode; a body in any other gets 415. Default `['gzip', 'deflate', 'br']`. */
  encodings?: readonly RequestCoding[];
}

const ALL: readonly RequestCoding[] = ['gzip', 'deflate', 'br'];
// One layer is usual and two are seen; beyond that a body is more likely an
// attempt to multiply work than anything a client needs.
const MAX_LAYERS = 2;

/**
 * Decodes request bodies sent with `Content-Encoding: gzip`, `deflate` (zlib-
 * wrapped, as RFC 9110 §8.4.1.2 defines it, or raw) or `br`, for any app.
 * The app reads the decoded bytes from `tsgi.input`, which decodes only as
 * it is read; `HTTP_CONTENT_ENCODING` and `CONTENT_LENGTH` are removed, since
 * they described the bytes as sent, and `HTTP_TRANSFER_ENCODING: 'chunked'`
 * stands in for the length, which is known only at the end, so that the body
 * readers still see a body of unknown length ending with the input
 * (`tsgi.input_terminated`). Stacked codings (`gzip, br`) are undone in
 * reverse order, up to two.
 *
 * Answers, as the body readers give theirs:
 *
 * | case | answer |
 * |---|---|
 * | a coding not offered, or more than two | 415 before the app runs, with `Accept-Encoding` listing the offered codings |
 * | more than `limit` bytes sent or decoded | 413, thrown from the read (a gzip bomb stops at the cap) |
 * | data not in the coding it claims, or cut short | 400, thrown from the read |
 *
 * Errors thrown from a read are {@link HttpError}s: a `BaseHandler` or the
 * `httpErrors` middleware answers them.
 *
 * @example
 * ```ts
 * const app = decompress(EntryHandler, { limit: 2 * 1024 * 1024 });
 * // curl --data-binary @entry.json.gz -H 'Content-Encoding: gzip' -H 'Content-Type: application/json' …
 * ```
 *
 * @category Middleware
 */
export function decompress(app: AppLike, options: DecompressOptions = {}): App {
  const inner = toApp(app);
  const limit = options.limit ?? DEFAULT_BODY_LIMIT;
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`decompress limit must be a non-negative integer, got ${limit}`);
  const offered = new Set<string>(options.encodings ?? ALL);
  for (const coding of offered) {
    if (!ALL.includes(coding as RequestCoding)) throw new TypeError(`decompress cannot decode ${JSON.stringify(coding)}; it offers ${ALL.join(', ')}`);
  }
  const acceptEncoding = [...offered].join(', ') || 'identity';

  return wrapApp(app, function decompressed(environ: Environ, startResponse: StartResponse): Body | Promise<Body> {
    const codings = listCodings(environ.HTTP_CONTENT_ENCODING);
    if (codings.length === 0 || !hasRequestBody(environ)) return inner(environ, startResponse);
    const refused = codings.find((coding) => !offered.has(coding));
    if (refused !== undefined || codings.length > MAX_LAYERS) {
      const detail =
        refused !== undefined
          ? `request bodies encoded with ${JSON.stringify(refused.slice(0, 40))} are not accepted here; send ${acceptEncoding}`
          : `request bodies with more than ${MAX_LAYERS} content codings are not accepted here`;
      return refuse(environ, startResponse, new HttpError(415, detail, { headers: [['Accept-Encoding', acceptEncoding]] }));
    }
    // A body with neither a length nor a terminated input cannot be read to
    // its end, so there would be nothing sound to decode: left as it came,
    // the body readers refuse it.
    if ((environ.CONTENT_LENGTH ?? '') === '' && environ['tsgi.input_terminated'] !== true) return inner(environ, startResponse);
    const source = environ['tsgi.input'];
    environ['tsgi.input'] = new ChunkInput(() => decodeBody(source, codings as RequestCoding[], limit));
    environ['tsgi.input_terminated'] = true;
    environ.HTTP_TRANSFER_ENCODING = 'chunked';
    delete environ.HTTP_CONTENT_ENCODING;
    delete environ.CONTENT_LENGTH;
    return inner(environ, startResponse);
  });
}

/** The codings of a `Content-Encoding`, in the order applied, `x-gzip` as `gzip` (RFC 9110 §8.4.1.3). */
function listCodings(header: string | undefined): string[] {
  if (header === undefined) return [];
  const codings: string[] = [];
  for (const item of header.split(',')) {
    const coding = item.trim().toLowerCase();
    if (coding === '' || coding === 'identity') continue;
    codings.push(coding === 'x-gzip' ? 'gzip' : coding);
  }
  return codings;
}

function refuse(environ: Environ, startResponse: StartResponse, error: HttpError): string[] {
  const page = renderError(error, environ.HTTP_ACCEPT);
  startResponse(page.status, page.headers);
  return environ.REQUEST_METHOD === 'HEAD' ? [] : [page.body];
}
