/**
 * The Fetch API hosts: an App behind `(Request) => Response` for Deno, Bun
 * and Workers, and a Fetch handler as an App. Loads no node:http, so a
 * Worker bundle can import it alone.
 *
 * @module tsgi/fetch
 */
export { toFetchHandler, type FetchHandler, type FetchHandlerOptions } from './fetch-handler.js';
export { fromFetchHandler } from './from-fetch.js';
