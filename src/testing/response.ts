/**
 * The fully collected response a {@link TestClient} hands back.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import { HeaderList } from '../gateway/header-list.js';
import type { ResponseHeaders } from '../gateway/types.js';

/**
 * What a {@link TestResponse} is made from.
 *
 * @example
 * ```ts
 * const init: TestResponseInit = { status: '200 OK', headers: [['Content-Type', 'text/plain']], body: Buffer.from('ok'), errors: '' };
 * ```
 *
 * @category Responses
 */
export interface TestResponseInit {
  /** The status line, e.g. `'200 OK'`. */
  readonly status: string;
  /** The response headers, in order. */
  readonly headers: ResponseHeaders;
  /** The body bytes (empty for HEAD). */
  readonly body: Uint8Array;
  /** The text written to `tsgi.errors`. */
  readonly errors: string;
}

/**
 * A response as a test sees it. The body is fully collected before the
 * request promise resolves, so `text()`, `json()` and `bytes()` are
 * synchronous (unlike fetch's `Response`) and may be called any number of
 * times.
 *
 * @example
 * ```ts
 * const res = await client.get('/entries/1');
 * res.status;                       // 200
 * res.statusText;                   // 'OK'
 * res.headers.get('content-type');  // 'application/json'
 * res.json<{ id: number }>().id;    // 1
 * res.errors;                       // what the app wrote to tsgi.errors
 * ```
 *
 * @category Responses
 */
export class TestResponse {
  /** The status code, e.g. `404`. */
  readonly status: number;
  /** The reason phrase, e.g. `'Not Found'`. */
  readonly statusText: string;
  /** The whole status line the app sent, e.g. `'404 Not Found'`. */
  readonly statusLine: string;
  /** The headers, by case-insensitive name; `headers.list` is the raw list. */
  readonly headers: HeaderList;
  /** Everything written to `tsgi.errors` during the request. */
  readonly errors: string;
  readonly #body: Buffer;

  constructor(init: TestResponseInit) {
    this.statusLine = init.status;
    this.status = Number(init.status.slice(0, 3));
    this.statusText = init.status.slice(4);
    this.headers = new HeaderList(init.headers.map(([name, value]): [string, string] => [name, value]));
    this.errors = init.errors;
    this.#body = Buffer.from(init.body);
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** A copy of the body bytes (a `Buffer`). */
  bytes(): Uint8Array {
    return Buffer.from(this.#body);
  }

  /** The body decoded as UTF-8 (malformed bytes become U+FFFD). */
  text(): string {
    return this.#body.toString('utf8');
  }

  /**
   * The body parsed as JSON. The type parameter is not checked.
   *
   * @throws SyntaxError naming the status and the start of the body when it
   *   is not JSON.
   */
  json<T = unknown>(): T {
    const text = this.text();
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      const start = text.length > 200 ? `${text.slice(0, 200)}…` : text;
      throw new SyntaxError(
        `response body of ${this.statusLine} is not JSON (${(error as Error).message}): ${JSON.stringify(start)}`,
      );
    }
  }
}
