/**
 * The hosts under comparison, each behind one interface: send a request for
 * a corpus case and get back the raw response and the host's error log.
 *
 * Every host serves one dispatcher app that picks the case's app by the
 * `X-Conformance-Case` header, so one server per host serves the corpus.
 * The dispatcher returns whatever the case's app returns (or throws), so it
 * is invisible to the host.
 */
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeServer, toNodeListener } from '../../src/server/index.js';
import { toFetchHandler } from '../../src/server/fetch.js';
import { MemoryErrors, toApp, type App, type Environ, type StartResponse } from '../../src/gateway/index.js';
import { TestClient } from '../../src/testing/index.js';
import { validate } from '../../src/gateway/validator/index.js';
import type { Case, CaseRequest } from './case.js';
import { probeOf } from './probe.js';

/** What came over the wire (or out of the client), before normalising. */
export interface RawResponse {
  status: number | undefined;
  headers: Array<[string, string]>;
  body: Buffer;
  aborted: boolean;
  /** The host's own failure: a rejection, a socket error. */
  failure?: string;
  /** Extra error text only this request saw (TestClient's per-response log). */
  errors?: string;
}

/** A request ready to send: the case's, plus the routing and run headers. */
export interface Prepared {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Uint8Array | undefined;
}

/** One host. */
export interface Host {
  readonly name: HostName;
  start(): Promise<void>;
  stop(): Promise<void>;
  send(request: Prepared): Promise<RawResponse>;
  /** Everything the host has written to its error stream so far. */
  errorsText(): string;
}

export type HostName = 'server' | 'testclient' | 'listener' | 'fetch' | 'validate' | 'testclient-defaults';

/** The hosts compared with each other, the reference (makeServer) first. */
export const COMPARED: readonly HostName[] = ['server', 'testclient', 'listener', 'fetch', 'validate'];

const CASE_HEADER = 'x-conformance-case';
/** The case name of the liveness probe sent after each broken case. */
export const ALIVE = 'alive';
const TIMEOUT_MS = 3000;

const aliveApp: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return ['alive'];
};

/** The dispatcher serving every case, optionally each under `validate()`. */
export function dispatcher(cases: readonly Case[], validated: boolean): App {
  const apps = new Map<string, App>();
  for (const entry of cases) {
    apps.set(
      entry.name,
      validated ? validate(entry.app, { onViolation: (error, environ) => void probeOf(environ).violations.push(error.rule) }) : toApp(entry.app),
    );
  }
  apps.set(ALIVE, aliveApp);
  return (environ: Environ, startResponse: StartResponse) => {
    const name = environ.HTTP_X_CONFORMANCE_CASE;
    const app = name === undefined ? undefined : apps.get(name);
    if (app === undefined) throw new Error(`no corpus case ${String(name)}`);
    return app(environ, startResponse);
  };
}

/** Builds the request for a case. */
export function prepare(entry: CaseRequest | undefined, caseName: string, runId: string): Prepared {
  return {
    method: entry?.method ?? 'GET',
    path: entry?.path ?? '/',
    headers: { ...entry?.headers, [CASE_HEADER]: caseName, 'x-conformance-run': runId },
    body: entry?.body,
  };
}

/** Sends over a fresh connection with node:http, so raw status, headers and a cut body are all visible. */
function sendHttp(port: number, prepared: Prepared): Promise<RawResponse> {
  return new Promise((resolve) => {
    let done = false;
    let status: number | undefined;
    let headers: Array<[string, string]> = [];
    const chunks: Buffer[] = [];
    const finish = (aborted: boolean, failure?: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ status, headers, body: Buffer.concat(chunks), aborted, ...(failure === undefined ? {} : { failure }) });
    };
    const req = request({ host: '127.0.0.1', port, method: prepared.method, path: prepared.path, headers: prepared.headers, agent: false });
    const timer = setTimeout(() => {
      finish(true, 'timeout');
      req.destroy();
    }, TIMEOUT_MS);
    req.on('response', (res) => {
      status = res.statusCode;
      headers = pairs(res.rawHeaders);
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', () => {});
      res.on('close', () => finish(!res.complete));
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish(true, error.code ?? error.message));
    if (prepared.body !== undefined) req.end(prepared.body);
    else req.end();
  });
}

function pairs(raw: string[]): Array<[string, string]> {
  const result: Array<[string, string]> = [];
  for (let i = 0; i + 1 < raw.length; i += 2) result.push([raw[i] as string, raw[i + 1] as string]);
  return result;
}

function listening(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** `makeServer` over a real socket; with `validated`, every case runs under `validate()`. */
export function serverHost(cases: readonly Case[], validated: boolean): Host {
  const errors = new MemoryErrors();
  const server = makeServer('127.0.0.1', 0, dispatcher(cases, validated), { errors, log: null, handleSignals: false });
  return {
    name: validated ? 'validate' : 'server',
    start: async () => void (await server.listen()),
    stop: () => server.close(),
    send: (prepared) => sendHttp(server.port, prepared),
    errorsText: () => errors.text,
  };
}

/** `toNodeListener` inside a plain `http.createServer`. */
export function listenerHost(cases: readonly Case[]): Host {
  const errors = new MemoryErrors();
  const server = createServer(toNodeListener(dispatcher(cases, false), { errors }));
  let port = 0;
  return {
    name: 'listener',
    start: async () => {
      port = await listening(server);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    send: (prepared) => sendHttp(port, prepared),
    errorsText: () => errors.text,
  };
}

/** `toFetchHandler` called with a real `Request`, its Response body read to the end. */
export function fetchHost(cases: readonly Case[]): Host {
  const errors = new MemoryErrors();
  // A Request has no peer address; give it the one the socket hosts see.
  const handler = toFetchHandler(dispatcher(cases, false), { errors, remoteAddress: () => '127.0.0.1' });
  return {
    name: 'fetch',
    start: async () => {},
    stop: async () => {},
    async send(prepared) {
      const init: RequestInit & { duplex?: 'half' } = { method: prepared.method, headers: prepared.headers };
      if (prepared.body !== undefined) {
        init.body = prepared.body;
        init.duplex = 'half';
      }
      let response: Response;
      try {
        response = await withTimeout(handler(new Request(`http://127.0.0.1${prepared.path}`, init)));
      } catch (error) {
        return { status: undefined, headers: [], body: Buffer.alloc(0), aborted: true, failure: messageOf(error) };
      }
      const headers: Array<[string, string]> = [...response.headers];
      const chunks: Uint8Array[] = [];
      let aborted = false;
      let failure: string | undefined;
      if (response.body !== null) {
        const reader = response.body.getReader();
        try {
          for (;;) {
            const { done, value } = await withTimeout(reader.read());
            if (done) break;
            chunks.push(value);
          }
        } catch (error) {
          aborted = true;
          failure = messageOf(error);
          void reader.cancel().catch(() => {});
        }
      }
      return { status: response.status, headers, body: Buffer.concat(chunks), aborted, ...(failure === undefined ? {} : { failure }) };
    },
    errorsText: () => errors.text,
  };
}

/**
 * `TestClient`: with `{ validate: false, catchErrors: true }`, or with its
 * defaults. Its per-response log comes back on the response; the app's own
 * writes after the response resolved go to a shared stream installed as
 * `tsgi.errors`, so nothing the app logs is lost.
 */
export function testClientHost(cases: readonly Case[], defaults: boolean): Host {
  const errors = new MemoryErrors();
  const options = defaults ? {} : { validate: false, catchErrors: true };
  const client = new TestClient(dispatcher(cases, false), { ...options, cookies: false, environ: { 'tsgi.errors': errors } });
  return {
    name: defaults ? 'testclient-defaults' : 'testclient',
    start: async () => {},
    stop: async () => {},
    async send(prepared) {
      try {
        const response = await withTimeout(client.request(prepared.method, prepared.path, { headers: prepared.headers, body: prepared.body }));
        return {
          status: response.status,
          headers: response.headers.list.map(([name, value]): [string, string] => [name, value]),
          body: Buffer.from(response.bytes()),
          aborted: false,
          errors: response.errors,
        };
      } catch (error) {
        return { status: undefined, headers: [], body: Buffer.alloc(0), aborted: true, failure: messageOf(error) };
      }
    },
    errorsText: () => errors.text,
  };
}

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), TIMEOUT_MS);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
