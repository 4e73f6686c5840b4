/**
 * A raw HTTP/1.1 client for hostile requests: sends bytes exactly as given
 * (in pieces, with pauses, or cut off by a reset), and splits whatever
 * comes back into responses, however the connection ends.
 */
import { Buffer } from 'node:buffer';
import { connect, type Socket } from 'node:net';

/** One step of what the client does on the connection. */
export type Piece =
  | string
  | Buffer
  /** Waits this many milliseconds. */
  | { readonly pause: number }
  /** Destroys the connection with a TCP reset (RST), as a client that crashed. */
  | { readonly reset: true }
  /** Waits until this many complete responses arrived (or the connection ended). */
  | { readonly awaitResponses: number }
  /** Stops reading (the kernel's buffers fill, then the server's writes stall), or reads again. */
  | { readonly reading: boolean }
  /** Half-closes: sends FIN, as a client that finished sending (or gave up) but still reads. */
  | { readonly finish: true };

/** One parsed response. */
export interface RawResponse {
  readonly status: number;
  readonly statusLine: string;
  /** Header lines exactly as received, without the status line. */
  readonly headerLines: readonly string[];
  /** Lower-cased names; repeated fields joined with `, ` (`set-cookie` with `\n`). */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  /** Whether the body arrived in full (by its length or last chunk). */
  readonly complete: boolean;
}

/** What happened on the connection. */
export interface Exchange {
  readonly bytes: Buffer;
  /** Final responses, in order; 1xx interim responses are in {@link interim}. */
  readonly responses: readonly RawResponse[];
  readonly interim: readonly RawResponse[];
  /** How the connection ended: closed by the server (FIN or RST), cut by the client, or still open at the deadline. */
  readonly end: 'server-closed' | 'client-reset' | 'open';
  readonly error: string | undefined;
  readonly ms: number;
}

/** Options of {@link exchange}. */
export interface ExchangeOptions {
  /** Local address to connect from (127.0.0.x), so per-client limits see distinct clients. */
  readonly localAddress?: string;
  /** Stop reading once this many final responses arrived and the server did not close within `graceMs`. */
  readonly responses?: number;
  /** How long to wait for more after the expected responses (default 100 ms). */
  readonly graceMs?: number;
  /** The whole exchange's deadline (default 4 s). */
  readonly timeoutMs?: number;
  /** Responses to these requests (by position) have no body: HEAD. */
  readonly headless?: readonly number[];
}

/** Sends `pieces` to 127.0.0.1:`port` and gathers what comes back. */
export async function exchange(port: number, pieces: readonly Piece[], options: ExchangeOptions = {}): Promise<Exchange> {
  const started = Date.now();
  const socket = await open(port, options.localAddress);
  const parts: Buffer[] = [];
  let error: string | undefined;
  let end: Exchange['end'] | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    wake?.();
    wake = undefined;
  };
  socket.on('data', (data: Buffer) => {
    parts.push(data);
    notify();
  });
  socket.on('error', (e: NodeJS.ErrnoException) => {
    error = e.code ?? e.message;
  });
  socket.on('close', () => {
    end ??= 'server-closed';
    notify();
  });
  const deadline = started + (options.timeoutMs ?? 4_000);
  const waitFor = async (done: () => boolean, until: number): Promise<void> => {
    while (!done() && end === undefined && Date.now() < until) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, until - Date.now()));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  };
  const parsed = () => parseResponses(Buffer.concat(parts), options.headless ?? []);
  for (const piece of pieces) {
    if (end !== undefined) break;
    if (typeof piece === 'string' || Buffer.isBuffer(piece)) {
      await new Promise<void>((resolve) => socket.write(typeof piece === 'string' ? Buffer.from(piece, 'latin1') : piece, () => resolve()));
    } else if ('pause' in piece) {
      await waitFor(() => false, Math.min(deadline, Date.now() + piece.pause));
    } else if ('awaitResponses' in piece) {
      await waitFor(() => parsed().responses.length >= piece.awaitResponses, deadline);
    } else if ('reading' in piece) {
      if (piece.reading) socket.resume();
      else socket.pause();
    } else if ('finish' in piece) {
      socket.end();
    } else {
      end = 'client-reset';
      socket.resetAndDestroy();
    }
  }
  if (options.responses !== undefined) {
    await waitFor(() => parsed().responses.filter((r) => r.complete).length >= options.responses!, deadline);
    await waitFor(() => false, Math.min(deadline, Date.now() + (options.graceMs ?? 100)));
  } else {
    await waitFor(() => false, deadline);
  }
  if (end === undefined) {
    end = 'open';
    socket.destroy();
  }
  const { responses, interim } = parsed();
  return { bytes: Buffer.concat(parts), responses, interim, end, error, ms: Date.now() - started };
}

function open(port: number, localAddress: string | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, ...(localAddress === undefined ? {} : { localAddress }) }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Splits a connection's bytes into responses; a last one cut short is kept with `complete: false`. */
export function parseResponses(bytes: Buffer, headless: readonly number[] = []): { responses: RawResponse[]; interim: RawResponse[] } {
  const responses: RawResponse[] = [];
  const interim: RawResponse[] = [];
  let at = 0;
  while (at < bytes.length) {
    const headEnd = bytes.indexOf('\r\n\r\n', at);
    if (headEnd === -1) break;
    const [statusLine = '', ...headerLines] = bytes.subarray(at, headEnd).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/\d\.\d (\d{3})/.exec(statusLine)?.[1] ?? NaN);
    const headers: Record<string, string> = {};
    for (const line of headerLines) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).toLowerCase();
      const value = line.slice(colon + 1).trim();
      const joiner = name === 'set-cookie' ? '\n' : ', ';
      headers[name] = headers[name] === undefined ? value : `${headers[name]}${joiner}${value}`;
    }
    at = headEnd + 4;
    if (status >= 100 && status < 200) {
      interim.push({ status, statusLine, headerLines, headers, body: Buffer.alloc(0), complete: true });
      continue;
    }
    let body: Buffer;
    let complete = true;
    if (headless.includes(responses.length) || status === 204 || status === 304) {
      body = Buffer.alloc(0);
    } else if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const chunks: Buffer[] = [];
      complete = false;
      for (;;) {
        const lineEnd = bytes.indexOf('\r\n', at);
        if (lineEnd === -1) break;
        const size = parseInt(bytes.subarray(at, lineEnd).toString('latin1'), 16);
        if (!Number.isFinite(size) || lineEnd + 2 + size + 2 > bytes.length) break;
        chunks.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
        at = lineEnd + 2 + size + 2;
        if (size === 0) {
          complete = true;
          break;
        }
      }
      if (!complete) at = bytes.length;
      body = Buffer.concat(chunks);
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      body = bytes.subarray(at, at + length);
      complete = body.length === length;
      at += body.length;
    } else {
      body = bytes.subarray(at);
      at = bytes.length;
    }
    responses.push({ status, statusLine, headerLines, headers, body, complete });
  }
  return { responses, interim };
}
