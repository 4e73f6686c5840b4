/**
 * Reading responses off a raw socket, so the comparison sees the exact bytes
 * each server wrote (fetch would normalise header case and order).
 *
 * @module
 */
import { connect } from 'node:net';

/**
 * One HTTP/1.1 response as it arrived.
 *
 * @example
 * ```ts
 * const [first] = await fetchRawResponses(port, 1);
 * console.log(first!.statusLine, first!.headers, first!.body.toString());
 * ```
 */
export interface RawResponse {
  /** E.g. `HTTP/1.1 200 OK`. */
  statusLine: string;
  /** `[name, value]` in wire order and case. */
  headers: Array<[name: string, value: string]>;
  body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Sends `count` GET / requests one after another over a single keep-alive
 * connection and returns the responses. Fails if the server closes the
 * connection early, omits Content-Length, or is slower than `timeoutMs`.
 *
 * @example
 * ```ts
 * const responses = await fetchRawResponses(41234, 2);
 * ```
 */
export function fetchRawResponses(port: number, count: number, timeoutMs = 5_000): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const responses: RawResponse[] = [];
    let buffered = Buffer.alloc(0);
    const fail = (error: Error): void => {
      socket.destroy();
      reject(error);
    };
    const timer = setTimeout(() => fail(new Error(`no complete response within ${timeoutMs} ms`)), timeoutMs);
    const request = (): void => {
      socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    };

    socket.on('connect', request);
    socket.on('error', (error) => {
      clearTimeout(timer);
      fail(error);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (responses.length < count) reject(new Error(`connection closed after ${responses.length} of ${count} responses`));
    });
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      try {
        const parsed = parseResponse(buffered);
        if (parsed === undefined) return;
        responses.push(parsed.response);
        buffered = buffered.subarray(parsed.consumed);
        if (responses.length === count) {
          clearTimeout(timer);
          socket.end();
          resolve(responses);
        } else {
          request();
        }
      } catch (error) {
        clearTimeout(timer);
        fail(error as Error);
      }
    });
  });
}

/** One complete response from the front of `data`, or undefined if more bytes are needed. */
function parseResponse(data: Buffer): { response: RawResponse; consumed: number } | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const length = headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1];
  // Every server here must frame the hello body with Content-Length; chunked
  // framing would already be a byte difference worth failing on.
  if (length === undefined) throw new Error(`response has no Content-Length:\n${statusLine}\n${lines.join('\n')}`);
  const bodyStart = headEnd + HEAD_END.length;
  const end = bodyStart + Number(length);
  if (data.length < end) return undefined;
  return { response: { statusLine, headers, body: Buffer.from(data.subarray(bodyStart, end)) }, consumed: end };
}
