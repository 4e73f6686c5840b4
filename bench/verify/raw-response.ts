/**
 * Reading responses off a raw socket, so the check sees the exact bytes each
 * server wrote (fetch would normalise header case and order).
 *
 * @module
 */
import { connect } from 'node:net';
import type { BenchRequest } from '../scenarios.js';

/** One HTTP/1.1 response as it arrived, its body unframed (chunked decoded). */
export interface RawResponse {
  /** E.g. `HTTP/1.1 200 OK`. */
  statusLine: string;
  /** `[name, value]` in wire order and case. */
  headers: Array<[name: string, value: string]>;
  body: Buffer;
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

/**
 * The bytes of `request` as wrk sends them: Host first, then the scenario's
 * headers, Content-Length for a body.
 */
export function requestBytes(request: BenchRequest, port: number): string {
  const lines = [`${request.method} ${request.path} HTTP/1.1`, `Host: 127.0.0.1:${port}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`${name}: ${value}`);
  if (request.body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(request.body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${request.body ?? ''}`;
}

/**
 * Sends `request` `count` times, one after another, over one keep-alive
 * connection and resolves to the responses. Fails if the connection closes
 * early, a response is unframed, or it all takes over `timeoutMs`.
 */
export function fetchRawResponses(port: number, request: BenchRequest, count: number, timeoutMs = 5_000): Promise<RawResponse[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const responses: RawResponse[] = [];
    let buffered = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error(`no complete response within ${timeoutMs} ms`)), timeoutMs);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      socket.destroy();
      reject(error);
    };
    const send = (): boolean => socket.write(requestBytes(request, port));
    socket.on('connect', send);
    socket.on('error', fail);
    socket.on('close', () => fail(new Error(`connection closed after ${responses.length} of ${count} responses`)));
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      try {
        const parsed = parseResponse(buffered);
        if (parsed === undefined) return;
        responses.push(parsed.response);
        buffered = buffered.subarray(parsed.consumed);
        if (responses.length < count) return void send();
        clearTimeout(timer);
        socket.removeAllListeners('close');
        socket.end();
        resolve(responses);
      } catch (error) {
        fail(error as Error);
      }
    });
  });
}

function header(headers: RawResponse['headers'], name: string): string | undefined {
  return headers.find(([candidate]) => candidate.toLowerCase() === name)?.[1];
}

/** One complete response from the front of `data`, or undefined while more bytes are needed. */
function parseResponse(data: Buffer): { response: RawResponse; consumed: number } | undefined {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd === -1) return undefined;
  const [statusLine = '', ...lines] = data.subarray(0, headEnd).toString('latin1').split('\r\n');
  const headers = lines.map((line): [string, string] => {
    const colon = line.indexOf(':');
    return [line.slice(0, colon), line.slice(colon + 1).trim()];
  });
  const start = headEnd + HEAD_END.length;
  const length = header(headers, 'content-length');
  if (length !== undefined) {
    const end = start + Number(length);
    if (data.length < end) return undefined;
    return { response: { statusLine, headers, body: Buffer.from(data.subarray(start, end)) }, consumed: end };
  }
  if (!/chunked/i.test(header(headers, 'transfer-encoding') ?? '')) {
    throw new Error(`response is framed by neither Content-Length nor chunked:\n${statusLine}\n${lines.join('\n')}`);
  }
  const chunks: Buffer[] = [];
  for (let at = start; ; ) {
    const sizeEnd = data.indexOf(CRLF, at);
    if (sizeEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(at, sizeEnd).toString('latin1'), 16);
    const next = sizeEnd + 2 + size + 2;
    if (data.length < next) return undefined;
    // Trailers are not expected from any server here; a last chunk ends the body.
    if (size === 0) return { response: { statusLine, headers, body: Buffer.concat(chunks) }, consumed: next };
    chunks.push(data.subarray(sizeEnd + 2, sizeEnd + 2 + size));
    at = next;
  }
}
