/**
 * A response head as HTTP/2 frames it: `:status` and lower-cased field
 * names, without the fields that only describe an HTTP/1.1 connection.
 *
 * @module
 */
import type { OutgoingHttpHeaders } from 'node:http2';
import type { ResponseHeaders } from '../../gateway/types.js';

/**
 * Fields RFC 9113 §8.2.2 forbids in HTTP/2, where they describe nothing:
 * the connection and its framing belong to the HTTP/2 layer. Node refuses
 * to send a response carrying one, so each is dropped instead.
 */
const CONNECTION_SPECIFIC = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/**
 * The fields of `headers` (plus `Content-Length` when `length` is 0 or
 * more) as Node's `stream.respond()` takes them. Repeated fields become
 * arrays, so `Set-Cookie` stays one field per cookie. Connection-specific
 * fields, and `TE` other than `trailers`, are dropped, each passed to
 * `dropped` by name as given. The gateway's header rules already refuse
 * them from apps (`hop-by-hop-header`); this guards what reaches the
 * transport by any other way.
 *
 * @example
 * ```ts
 * http2Headers(200, [['Content-Type', 'text/plain'], ['Connection', 'close']], 5, (name) => log(name));
 * // { ':status': 200, 'content-type': 'text/plain', 'content-length': '5' }, and log('Connection')
 * ```
 */
export function http2Headers(
  code: number,
  headers: ResponseHeaders,
  length: number,
  dropped: (name: string) => void,
): OutgoingHttpHeaders {
  const fields: OutgoingHttpHeaders = { ':status': code };
  for (let i = 0; i < headers.length; i++) {
    const [name, value] = headers[i] as [string, string];
    const lower = name.toLowerCase();
    if (CONNECTION_SPECIFIC.has(lower) || (lower === 'te' && value.trim().toLowerCase() !== 'trailers')) {
      dropped(name);
      continue;
    }
    const previous = fields[lower];
    if (previous === undefined) fields[lower] = value;
    else if (Array.isArray(previous)) previous.push(value);
    else fields[lower] = [String(previous), value];
  }
  if (length >= 0) fields['content-length'] = String(length);
  return fields;
}
