import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createSecureServer, request as secureRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { MemoryErrors } from '../../src/gateway/errors.js';
import type { App } from '../../src/gateway/types.js';
import { BaseHandler } from '../../src/handler/index.js';
import { toNodeListener } from '../../src/server/node-listener.js';
import { makeServer } from '../../src/server/server.js';
import { waitFor } from './helpers.js';

/** Reports what the app saw, as JSON. */
const environApp: App = async (environ, startResponse) => {
  const body = Buffer.from(await environ['tsgi.input'].read()).toString();
  startResponse('200 OK', [['Content-Type', 'application/json']]);
  const seen = {
    method: environ.REQUEST_METHOD,
    scriptName: environ.SCRIPT_NAME,
    pathInfo: environ.PATH_INFO,
    query: environ.QUERY_STRING,
    requestUri: environ.REQUEST_URI,
    scheme: environ['tsgi.url_scheme'],
    serverName: environ.SERVER_NAME,
    serverPort: environ.SERVER_PORT,
    remoteAddr: environ.REMOTE_ADDR,
    host: environ.HTTP_HOST,
    body,
  };
  return [JSON.stringify(seen)];
};

/** The kind of legacy handler one mounts inside a newer Express site. */
class NotesHandler extends BaseHandler {
  static notes = new Map<string, string>([['1', 'first note']]);

  doGETALL(): string {
    return `notes at ${this.environ.SCRIPT_NAME}: ${[...NotesHandler.notes.keys()].join(',')}\n`;
  }

  doGET(): string {
    const id = this.pathInfo.slice(1);
    const note = NotesHandler.notes.get(id);
    if (note === undefined) {
      this.statusOverride = '404 Not Found';
      return `no note ${id}\n`;
    }
    return `${note}\n`;
  }

  async doPUT(): Promise<string> {
    const text = Buffer.from(await this.environ['tsgi.input'].read()).toString();
    NotesHandler.notes.set(this.pathInfo.slice(1), text);
    this.statusOverride = '201 Created';
    return 'stored\n';
  }
}

const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((server) => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    }),
  );
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('toNodeListener on node:http', () => {
  it('builds the environ from the request and its socket', async () => {
    const address = await listen(createServer(toNodeListener(environApp)));
    const response = await fetch(`http://${address}/a%20b/c?x=1`, { method: 'POST', body: 'payload' });
    expect(response.status).toBe(200);
    const port = address.split(':')[1];
    expect(await response.json()).toEqual({
      method: 'POST', scriptName: '', pathInfo: '/a b/c', query: 'x=1', requestUri: '/a%20b/c?x=1', scheme: 'http',
      serverName: '127.0.0.1', serverPort: port, remoteAddr: '127.0.0.1', host: address, body: 'payload',
    });
  });

  it('keeps the server\'s rules: a bad path is 400, a failing app 500 logged, a prefix 404 outside it', async () => {
    const errors = new MemoryErrors();
    const failing: App = () => {
      throw new Error('boom');
    };
    const address = await listen(createServer(toNodeListener(failing, { errors, scriptName: '/app' })));
    const failed = await fetch(`http://${address}/app/x`);
    expect([failed.status, await failed.text()]).toEqual([500, expect.stringMatching(/^Internal Server Error \(reference [0-9a-f]{8}\)\n$/)]);
    expect(errors.text).toContain('Error: boom');
    expect((await fetch(`http://${address}/elsewhere`)).status).toBe(404);
    expect((await fetch(`http://${address}/app/%zz`)).status).toBe(400);
  });

  it('streams and calls return() when the client goes away', async () => {
    let closed = false;
    const ticking: App = (_environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return (async function* () {
        try {
          for (let i = 0; i < 1000; i++) {
            yield `tick ${i}\n`;
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        } finally {
          closed = true;
        }
      })();
    };
    const address = await listen(createServer(toNodeListener(ticking)));
    const controller = new AbortController();
    const response = await fetch(`http://${address}/`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toMatch(/^tick 0\n/);
    controller.abort();
    await waitFor(() => closed, 'the body to be closed');
  });
});

describe('toNodeListener in Express 5', () => {
  function site(): express.Express {
    const app = express();
    app.get('/', (_req, res) => {
      res.send('express home');
    });
    app.use('/legacy', toNodeListener(NotesHandler));
    const api = express.Router();
    api.use('/env', toNodeListener(environApp));
    app.use('/api/v1', api);
    return app;
  }

  it('mounts a BaseHandler under /legacy: SCRIPT_NAME is the mount path, PATH_INFO the rest', async () => {
    const address = await listen(createServer(site()));
    const base = `http://${address}`;
    expect(await (await fetch(`${base}/`)).text()).toBe('express home');
    expect(await (await fetch(`${base}/legacy`)).text()).toBe('notes at /legacy: 1\n');
    expect(await (await fetch(`${base}/legacy/1`)).text()).toBe('first note\n');
    const put = await fetch(`${base}/legacy/2`, { method: 'PUT', body: 'second note' });
    expect([put.status, await put.text()]).toEqual([201, 'stored\n']);
    expect(await (await fetch(`${base}/legacy/2`)).text()).toBe('second note\n');
    const missing = await fetch(`${base}/legacy/9`);
    expect([missing.status, await missing.text()]).toEqual([404, 'no note 9\n']);
    const refused = await fetch(`${base}/legacy/1`, { method: 'DELETE' });
    expect(refused.status).toBe(405);
    expect(refused.headers.get('allow')).toContain('GET');
  });

  it('tells /mount from /mount/, keeps the query and the original REQUEST_URI, through nested routers', async () => {
    const address = await listen(createServer(site()));
    const base = `http://${address}`;
    const bare = (await (await fetch(`${base}/api/v1/env?q=1`)).json()) as Record<string, string>;
    expect(bare).toMatchObject({ scriptName: '/api/v1/env', pathInfo: '', query: 'q=1', requestUri: '/api/v1/env?q=1' });
    const slash = (await (await fetch(`${base}/api/v1/env/`)).json()) as Record<string, string>;
    expect(slash).toMatchObject({ scriptName: '/api/v1/env', pathInfo: '/' });
    const deep = (await (await fetch(`${base}/api/v1/env/caf%C3%A9/x`, { method: 'POST', body: 'b' })).json()) as Record<string, string>;
    expect(deep).toMatchObject({ scriptName: '/api/v1/env', pathInfo: '/café/x', body: 'b', requestUri: '/api/v1/env/caf%C3%A9/x' });
  });
});

describe('toNodeListener on node:https', () => {
  // A self-signed certificate for 127.0.0.1, made for the tests only.
  const dir = join(dirname(fileURLToPath(import.meta.url)), '../cli/fixtures');
  const certFile = join(dir, 'tls-cert.pem');
  const keyFile = join(dir, 'tls-key.pem');

  it('makeServer serves HTTPS with the tls option, reporting an https URL and scheme', async () => {
    const cert = readFileSync(certFile);
    const server = makeServer('127.0.0.1', 0, environApp, { log: null, tls: { cert, key: readFileSync(keyFile) } });
    try {
      const { url } = await server.listen();
      expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/);
      const text = await new Promise<string>((resolve, reject) => {
        secureRequest(`${url}t`, { ca: cert, agent: false }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (data: string) => (body += data));
          res.on('end', () => resolve(body));
        })
          .on('error', reject)
          .end();
      });
      expect(JSON.parse(text)).toMatchObject({ scheme: 'https', pathInfo: '/t' });
    } finally {
      await server.close();
    }
  });

  it('reports https as the URL scheme on a TLS connection', async () => {
    const cert = readFileSync(certFile);
    const server = createSecureServer({ cert, key: readFileSync(keyFile) }, toNodeListener(environApp));
    const address = await listen(server as unknown as Server);
    const text = await new Promise<string>((resolve, reject) => {
      secureRequest(`https://${address}/s`, { ca: cert, agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (data: string) => (body += data));
        res.on('end', () => resolve(body));
      })
        .on('error', reject)
        .end();
    });
    expect(JSON.parse(text)).toMatchObject({ scheme: 'https', pathInfo: '/s' });
  });
});
