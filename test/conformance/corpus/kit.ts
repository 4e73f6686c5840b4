/**
 * Small app builders the corpus files share.
 */
import type { App, Environ, ResponseHeaders, StartResponse } from '../../../src/gateway/index.js';
import { asyncBody, probeOf, syncBody } from '../probe.js';

/** Calls startResponse with anything (broken values included), then returns a counted sync body of `chunks`. */
export function answer(status: unknown, headers: unknown, chunks: readonly unknown[] = ['ok']): App {
  return (environ: Environ, startResponse: StartResponse) => {
    startResponse(status as string, headers as ResponseHeaders);
    return syncBody(probeOf(environ), () => chunks[Symbol.iterator]());
  };
}

/** Like {@link answer}, but startResponse is called inside the body's first `next()`. */
export function answerInBody(status: unknown, headers: unknown, chunks: readonly unknown[] = ['ok']): App {
  return (environ: Environ, startResponse: StartResponse) =>
    syncBody(probeOf(environ), function* () {
      startResponse(status as string, headers as ResponseHeaders);
      yield* chunks;
    });
}

/** An async-generator body of `chunks` after startResponse inside it. */
export function answerAsync(status: unknown, headers: unknown, chunks: readonly unknown[] = ['ok']): App {
  return (environ: Environ, startResponse: StartResponse) =>
    asyncBody(probeOf(environ), async function* () {
      startResponse(status as string, headers as ResponseHeaders);
      for (const chunk of chunks) {
        await Promise.resolve();
        yield chunk;
      }
    });
}

/** Runs `work` after a macrotask and makes the harness wait for it. */
export function later(environ: Environ, work: () => Promise<void> | void): void {
  const probe = probeOf(environ);
  probe.pending.push(new Promise<void>((resolve) => setTimeout(() => void Promise.resolve().then(work).catch(() => {}).finally(resolve), 5)));
}

/** The message of a caught error, for the app to write to tsgi.errors. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
