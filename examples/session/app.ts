/**
 * The article's `myapp2`: an app class that counts a visitor's visits in
 * their session. The article's version reset the count to 1 on every visit
 * and printed a literal `n`; this one counts.
 */
import type { Chunk, Environ, StartResponse } from '../../src/gateway/index.js';

/**
 * Answers `You have been here N times!` at the root, counting per visitor.
 * Needs the `sessions` middleware around it (see main.ts and site.ts).
 */
export class VisitCounter implements Iterable<Chunk> {
  constructor(
    private readonly environ: Environ,
    private readonly start: StartResponse,
  ) {}

  *[Symbol.iterator](): Iterator<Chunk> {
    const { environ } = this;
    // Only the page itself counts: a browser's /favicon.ico is not a visit.
    if (environ.PATH_INFO !== '' && environ.PATH_INFO !== '/') {
      yield* this.#plain('404 Not Found', `Not Found: ${environ.PATH_INFO.slice(0, 200)}\n`);
      return;
    }
    if (environ.REQUEST_METHOD !== 'GET' && environ.REQUEST_METHOD !== 'HEAD') {
      yield* this.#plain('405 Method Not Allowed', 'Method Not Allowed: use GET\n', [['Allow', 'GET, HEAD']]);
      return;
    }
    const session = environ['tsgi.session'];
    if (session === undefined) throw new Error('VisitCounter needs the sessions middleware around it');
    const previous = session.get('count');
    let count = typeof previous === 'number' && Number.isSafeInteger(previous) ? previous : 0;
    // A HEAD request looks without visiting.
    if (environ.REQUEST_METHOD === 'GET') {
      count += 1;
      session.set('count', count);
    }
    yield* this.#plain('200 OK', `You have been here ${count} times!\n`);
  }

  *#plain(status: string, text: string, extra: Array<[string, string]> = []): Generator<Chunk> {
    this.start(status, [
      ['Content-Type', 'text/plain; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(text))],
      // Every reload must reach the app to be counted.
      ['Cache-Control', 'no-store'],
      ...extra,
    ]);
    if (this.environ.REQUEST_METHOD !== 'HEAD') yield text;
  }
}
