/**
 * What the import-weight section loads: bare node:http and each framework's
 * smallest hello-world server, imported by package name so tsgi is measured
 * through its own `exports` map as users get it.
 *
 * @module
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A listening server: its port, and how to stop it. */
export interface Started {
  port: number;
  close(): Promise<void>;
}

async function listenNode(server: Server): Promise<Started> {
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  return { port: (server.address() as AddressInfo).port, close: () => new Promise((closed) => server.close(() => closed())) };
}

async function listenTsgi(server: { listen(): Promise<{ port: number }>; close(): Promise<void> }): Promise<Started> {
  const { port } = await server.listen();
  return { port, close: () => server.close() };
}

/** One measured setup. */
export interface ImportTarget {
  /** What the row says was imported. */
  label: string;
  /** Imports the framework and starts a server answering 200 at `/` on a loopback port. */
  load(): Promise<Started>;
}

const hello = 'Hello, world!\n';

/** Every setup, by id; `bare` is the baseline the others are measured against. */
export const IMPORT_TARGETS = {
  bare: {
    label: 'bare node:http',
    load: () => listenNode(createServer((_req, res) => res.end(hello))),
  },
  'tsgi-server': {
    label: "tsgi/server + a function app",
    load: async () => {
      const { makeServer } = await import('tsgi/server');
      return listenTsgi(
        makeServer('127.0.0.1', 0, (_environ, startResponse) => {
          startResponse('200 OK', [['Content-Type', 'text/plain']]);
          return [hello];
        }, { log: null }),
      );
    },
  },
  'tsgi-root': {
    label: "tsgi (root) + a BaseHandler class",
    load: async () => {
      const { makeServer, BaseHandler } = await import('tsgi');
      class Hello extends BaseHandler {
        doGET(): string {
          return hello;
        }
      }
      return listenTsgi(makeServer('127.0.0.1', 0, Hello, { log: null }));
    },
  },
  'tsgi-upload': {
    label: 'tsgi/server + tsgi/body saveFiles app',
    load: async () => {
      const [{ makeServer }, { saveFiles }] = await Promise.all([import('tsgi/server'), import('tsgi/body')]);
      const app = async (environ: import('tsgi').Environ, startResponse: import('tsgi').StartResponse): Promise<string[]> => {
        if (environ.REQUEST_METHOD === 'POST') await saveFiles(environ, '/tmp/tsgi-import-weight');
        startResponse('200 OK', [['Content-Type', 'text/plain']]);
        return [hello];
      };
      return listenTsgi(makeServer('127.0.0.1', 0, app, { log: null }));
    },
  },
  'busboy-bare': {
    label: 'bare node:http + busboy',
    load: async () => {
      const { default: busboy } = await import('busboy');
      return listenNode(
        createServer((req, res) => {
          if (req.method === 'POST') req.pipe(busboy({ headers: req.headers }));
          res.end(hello);
        }),
      );
    },
  },
  fastify: {
    label: 'fastify',
    load: async () => {
      const { default: fastify } = await import('fastify');
      const app = fastify();
      app.get('/', async () => hello);
      await app.listen({ host: '127.0.0.1', port: 0 });
      return { port: (app.server.address() as AddressInfo).port, close: () => app.close() };
    },
  },
  hono: {
    label: 'hono + @hono/node-server',
    load: async () => {
      const [{ Hono }, { createAdaptorServer }] = await Promise.all([import('hono'), import('@hono/node-server')]);
      const app = new Hono();
      app.get('/', (c) => c.text(hello));
      return listenNode(createAdaptorServer({ fetch: app.fetch }) as Server);
    },
  },
} satisfies Record<string, ImportTarget>;

/** An import target's id. */
export type ImportTargetId = keyof typeof IMPORT_TARGETS;

/** Whether `value` names an import target. */
export function isImportTargetId(value: string): value is ImportTargetId {
  return Object.hasOwn(IMPORT_TARGETS, value);
}
