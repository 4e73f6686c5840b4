import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BaseHandler } from '../../src/handler/index.js';
import { cascade } from '../../src/middleware/cascade/index.js';
import { HttpError, type App, type Chunk } from '../../src/gateway/index.js';
import { staticFiles } from '../../src/middleware/static-files/index.js';
import { TestClient } from '../../src/testing/index.js';
import { urlMap } from '../../src/middleware/url-map/index.js';
import { serve, waitFor } from '../server/helpers.js';
import { curl, parseCurl, textApp } from './support.js';

function closingApp(status: string, text: string): { app: App; closed: () => boolean } {
  let closed = false;
  const app: App = (_environ, startResponse) => {
    startResponse(status, [['Content-Type', 'text/plain']]);
    // A hand-written iterator, since a generator closed before its first
    // next() never runs its finally block.
    let sent = false;
    const iterator: AsyncIterator<Chunk> & AsyncIterable<Chunk> = {
      [Symbol.asyncIterator]: () => iterator,
      next: async () => (sent ? { done: true, value: undefined } : ((sent = true), { done: false, value: text })),
      return: async () => {
        closed = true;
        return { done: true, value: undefined };
      },
    };
    return iterator;
  };
  return { app, closed: () => closed };
}

describe('cascade', () => {
  it('sends the first answer that is not 404 and closes the losers', async () => {
    const first = closingApp('404 Not Found', 'first\n');
    const second = closingApp('200 OK', 'second\n');
    const third = closingApp('200 OK', 'third\n');
    const response = await new TestClient(cascade([first.app, second.app, third.app])).get('/');
    expect(response.text()).toBe('second\n');
    expect(first.closed()).toBe(true);
    expect(second.closed()).toBe(true);
    expect(third.closed()).toBe(false); // never called
  });

  it("sends the last app's answer whatever it is", async () => {
    const response = await new TestClient(cascade([textApp('a', '404 Not Found'), textApp('b', '404 Not Found')])).get('/');
    expect(response.status).toBe(404);
    expect(response.text()).toBe('b');
  });

  it('catches the statuses it is told to', async () => {
    const app = cascade([textApp('a', '405 Method Not Allowed'), textApp('b')], { catch: [404, 405] });
    expect((await new TestClient(app).get('/')).text()).toBe('b');
    const strict = cascade([textApp('a', '405 Method Not Allowed'), textApp('b')]);
    expect((await new TestClient(strict).get('/')).status).toBe(405);
  });

  it('learns the status of handlers that start responding inside their body', async () => {
    class Nothing extends BaseHandler {
      doGET(): never {
        throw new HttpError(404, 'not mine');
      }
    }
    class Greeter extends BaseHandler {
      doGET(): string {
        return 'hi from a handler';
      }
    }
    const response = await new TestClient(cascade([Nothing, Greeter])).get('/');
    expect(response.status).toBe(200);
    expect(response.text()).toContain('hi from a handler');
  });

  it('over a socket, sends a late-starting winner whole and closes every body once', async () => {
    const returns: Record<string, number> = { loser: 0, winner: 0 };
    /** An app that calls startResponse only in its body's first next(). */
    const late = (name: string, status: string, chunks: string[]): App => (_environ, startResponse) => {
      let i = 0;
      const iterator: AsyncIterator<Chunk> & AsyncIterable<Chunk> = {
        [Symbol.asyncIterator]: () => iterator,
        next: async () => {
          if (i === 0) startResponse(status, [['Content-Type', 'text/plain']]);
          return i < chunks.length ? { done: false, value: chunks[i++]! } : { done: true, value: undefined };
        },
        return: async () => {
          returns[name]!++;
          return { done: true, value: undefined };
        },
      };
      return iterator;
    };
    const app = cascade([late('loser', '404 Not Found', ['no\n']), late('winner', '200 OK', ['one ', 'two ', 'three\n']), textApp('last')]);
    const { url } = await serve(app);
    const response = parseCurl((await curl(['-i', url])).stdout);
    expect(response.status).toBe(200);
    expect(response.body).toBe('one two three\n');
    await waitFor(() => returns.winner === 1, "the winner's return()");
    expect(returns).toEqual({ loser: 1, winner: 1 });
  });

  it('drops what a losing app wrote and gives each app the original environ', async () => {
    const writer: App = async (environ, startResponse) => {
      environ.PATH_INFO = '/changed';
      const write = startResponse('404 Not Found', [['Content-Type', 'text/plain']]);
      await write('lost');
      return [];
    };
    const echo: App = (environ, startResponse) => {
      startResponse('200 OK', [['Content-Type', 'text/plain']]);
      return [environ.PATH_INFO];
    };
    expect((await new TestClient(cascade([writer, urlMap({ '/x': echo }), echo])).get('/orig')).text()).toBe('/orig');
  });

  it('replays small request bodies to every app with bufferBody', async () => {
    const reader =
      (status: string): App =>
      async (environ, startResponse) => {
        const body = Buffer.from(await environ['tsgi.input'].read()).toString();
        startResponse(status, [['Content-Type', 'text/plain']]);
        return [`${status.slice(0, 3)} saw ${JSON.stringify(body)}`];
      };
    const buffered = new TestClient(cascade([reader('404 Not Found'), reader('200 OK')], { bufferBody: 1024 }));
    expect((await buffered.post('/', { body: 'name=ada' })).text()).toBe('200 saw "name=ada"');
    const unbuffered = new TestClient(cascade([reader('404 Not Found'), reader('200 OK')]));
    expect((await unbuffered.post('/', { body: 'name=ada' })).text()).toBe('200 saw ""');
    const tooLarge = new TestClient(cascade([reader('404 Not Found'), reader('200 OK')], { bufferBody: 4 }));
    expect((await tooLarge.post('/', { body: 'name=ada' })).text()).toBe('200 saw ""');
  });

  it('refuses an empty list', () => {
    expect(() => cascade([])).toThrow(TypeError);
  });

  describe('with staticFiles over a real server', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsgi-cascade-'));
    writeFileSync(join(dir, 'robots.txt'), 'User-agent: *\n');
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('serves files that exist and falls through to the app for the rest', async () => {
      const { url } = await serve(cascade([staticFiles(dir), textApp('from the app\n')]));
      expect((await curl([`${url}robots.txt`])).stdout).toBe('User-agent: *\n');
      expect((await curl([`${url}anything`])).stdout).toBe('from the app\n');
      const posted = parseCurl((await curl(['-i', '-X', 'POST', '-d', 'x=1', `${url}form`])).stdout);
      expect(posted.body).toBe('from the app\n');
    });
  });
});
