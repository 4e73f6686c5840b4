// Small apps shared by the test-client tests.
import type { App, Body, Environ } from '../../src/gateway/types.js';

/** What an app saw of one request: its environ and the body it read from tsgi.input. */
export interface Seen {
  environ: Environ;
  body: string;
}

/**
 * An app that records each request's environ and body, and answers
 * `200 OK` with `text/plain` "ok" (no body for HEAD, as the validator demands).
 */
export function recorder(): { app: App; seen: Seen[]; last(): Seen } {
  const seen: Seen[] = [];
  const app: App = async (environ, startResponse) => {
    const bytes = await environ['tsgi.input'].read();
    seen.push({ environ, body: Buffer.from(bytes).toString('utf8') });
    startResponse('200 OK', [['Content-Type', 'text/plain']]);
    return environ.REQUEST_METHOD === 'HEAD' ? [] : ['ok'];
  };
  return {
    app,
    seen,
    last(): Seen {
      const entry = seen.at(-1);
      if (entry === undefined) throw new Error('the app was not called');
      return entry;
    },
  };
}

/** An app answering with fixed status, headers and body. */
export function fixed(status: string, headers: Array<[string, string]>, body: Body): App {
  return (_environ, startResponse) => {
    startResponse(status, headers);
    return body;
  };
}

/** A body that records whether its iterator's return() was called. */
export function trackedBody(chunks: string[], failAt?: number): { body: AsyncIterable<string>; closed(): boolean } {
  let closed = false;
  async function* generate(): AsyncGenerator<string> {
    try {
      for (let i = 0; i < chunks.length; i++) {
        if (i === failAt) throw new Error(`body failed at chunk ${i}`);
        yield chunks[i]!;
      }
    } finally {
      closed = true;
    }
  }
  return { body: generate(), closed: () => closed };
}
