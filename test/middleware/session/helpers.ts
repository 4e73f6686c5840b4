import type { App } from '../../../src/gateway/index.js';
import type { SessionStore } from '../../../src/middleware/session/index.js';
import { MemoryStore, sessions, type SessionOptions } from '../../../src/middleware/session/index.js';

export const SECRET = 'test secret, long enough to sign cookies 0123456789';
export const OLD_SECRET = 'the previous secret, also long enough 9876543210';

/** The article's myapp2 as a function app: counts visits in the session. */
export const counterApp: App = (environ, startResponse) => {
  const sessionObject = environ['tsgi.session']!;
  const count = Number(sessionObject.get('count') ?? 0) + 1;
  sessionObject.set('count', count);
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return [`You have been here ${count} times!\n`];
};

export function counter(options: Partial<SessionOptions> = {}, store?: SessionStore): App {
  return sessions(counterApp, { secrets: [SECRET], ...(store === undefined ? {} : { store }), ...options });
}

/** A store that counts calls and can be made to fail. */
export class SpyStore implements SessionStore {
  readonly calls: string[] = [];
  failGet = false;
  failSet = false;
  readonly #records = new Map<string, string>();

  get(id: string) {
    this.calls.push(`get ${id}`);
    if (this.failGet) return Promise.reject(new Error('store down (get)'));
    const text = this.#records.get(id);
    return Promise.resolve(text === undefined ? undefined : JSON.parse(text));
  }

  set(id: string, record: Parameters<SessionStore['set']>[1], ttl: number) {
    this.calls.push(`set ${id} ${ttl > 0 ? 'ttl>0' : 'ttl<=0'}`);
    if (this.failSet) return Promise.reject(new Error('store down (set)'));
    this.#records.set(id, JSON.stringify(record));
    return Promise.resolve();
  }

  destroy(id: string) {
    this.calls.push(`destroy ${id}`);
    this.#records.delete(id);
    return Promise.resolve();
  }

  has(id: string): boolean {
    return this.#records.has(id);
  }

  get size(): number {
    return this.#records.size;
  }
}

/** A MemoryStore whose writes take `delay` ms, as a store across a network would. */
export class SlowStore implements SessionStore {
  readonly #inner = new MemoryStore();
  constructor(readonly delay: number) {}
  get(id: string) {
    return this.#inner.get(id);
  }
  async set(id: string, record: Parameters<SessionStore['set']>[1], ttl: number) {
    await new Promise((resolve) => setTimeout(resolve, this.delay));
    await this.#inner.set(id, record, ttl);
  }
  destroy(id: string) {
    return this.#inner.destroy(id);
  }
}
