/**
 * Runs an example the same way for every `npm run example:<name>`: at the
 * root of http://localhost:8080, with `HOST` and `PORT` overriding that,
 * and `ALLOWED_HOSTS` (comma-separated, e.g. `example.com,*.example.com`)
 * naming the hosts it answers for beyond the bound one and loopback.
 */
import { makeServer } from '../src/server/index.js';
import { type AppLike } from '../src/gateway/index.js';

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
  const allowedHosts = allowedHostsFromEnv(process.env.ALLOWED_HOSTS);
  await makeServer(host, port, app, { ...(name === undefined ? {} : { name }), ...(allowedHosts === undefined ? {} : { allowedHosts }) }).serveForever();
}

/**
 * `ALLOWED_HOSTS` as the server's `allowedHosts`: the comma-separated
 * names, or undefined (the server's default) when unset or empty.
 */
export function allowedHostsFromEnv(value: string | undefined): string[] | undefined {
  const hosts = (value ?? '').split(',').map((host) => host.trim()).filter((host) => host !== '');
  return hosts.length === 0 ? undefined : hosts;
}
