/**
 * Runs an example the same way for every `npm run example:<name>`: at the
 * root of http://localhost:8080, with `HOST` and `PORT` overriding that.
 */
import { makeServer, type AppLike } from '../src/index.js';

/**
 * Serves `app` until Ctrl-C or SIGTERM, then exits cleanly. `name` is shown
 * in the startup line, for apps whose function name says little (a
 * middleware's wrapper, say).
 */
export async function serveExample(app: AppLike, name?: string): Promise<void> {
  const host = process.env.HOST ?? 'localhost';
  const port = Number(process.env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`PORT must be a number from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
    process.exit(2);
  }
  await makeServer(host, port, app, name === undefined ? {} : { name }).serveForever();
}
