/**
 * Parts of the server that most servers never use (the WebSocket side, the
 * HTTP/2 side) are loaded on their first use, so a plain HTTP/1.1 server
 * does not hold their code in memory.
 *
 * @module
 */
import type { Duplex } from 'node:stream';
import type { ServerContext } from './environ.js';

/**
 * A value made by an asynchronous loader at most once: by the first
 * {@link OnDemand.load}, after which {@link OnDemand.value} has it.
 *
 * @example
 * ```ts
 * const sessions = new OnDemand(async () => new (await import('./http2/sessions.js')).Http2Sessions(app, context, limits, 5_000));
 * sessions.value?.close(); // only if it was ever loaded
 * ```
 */
export class OnDemand<T> {
  readonly #make: () => Promise<T>;
  #value: T | undefined;
  #loading: Promise<T> | undefined;

  constructor(make: () => Promise<T>) {
    this.#make = make;
  }

  /** The value once loaded, else `undefined`. */
  get value(): T | undefined {
    return this.#value;
  }

  /** Loads the value, once; a failed load is tried again by the next call. */
  load(): Promise<T> {
    this.#loading ??= this.#make().then(
      (value) => (this.#value = value),
      (error: unknown) => {
        this.#loading = undefined;
        throw error;
      },
    );
    return this.#loading;
  }

  /**
   * Hands `socket` to `use` with the value: at once when loaded, else once
   * the load is done. An error on the socket destroys it; while the load
   * runs, what the client sends waits in the socket's buffer (nobody reads
   * it), and a socket gone by then is dropped. A load that fails is logged
   * and the socket destroyed.
   */
  withSocket(socket: Duplex, context: ServerContext, use: (value: T) => void): void {
    // Node stops watching a socket it hands over (an upgrade, a TLS connection
    // routed to HTTP/2), and an error nobody hears would end the process.
    if (socket.listenerCount('error') === 0) socket.on('error', () => socket.destroy());
    const value = this.#value;
    if (value !== undefined) {
      use(value);
      return;
    }
    this.load().then(
      (loaded) => {
        if (!socket.destroyed) use(loaded);
      },
      (error: unknown) => {
        context.errors.write(`tsgi: could not load a part of the server: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
        socket.destroy();
      },
    );
  }
}
