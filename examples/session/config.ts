/**
 * Session settings for the examples, from the environment:
 *
 * - `SESSION_SECRET`: the signing secret, 32+ characters; several may be
 *   given separated by commas, newest first, to rotate keys. Without it a
 *   random secret is made for this run, with a warning.
 * - `SESSION_STORE`: `cookie` (default: each session sealed in its own
 *   cookie, nothing kept on the server), `memory`, `file` or `redis`.
 * - `SESSION_DIR`: the FileStore's directory (default `./sessions`).
 * - `SESSION_MAX`: the most sessions the memory or file store keeps
 *   (default 10000).
 * - `REDIS_URL`: the RedisStore's server (default `redis://127.0.0.1:6379`).
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { CookieStore, FileStore, MemoryStore, RedisStore, type SessionOptions } from '../../src/middleware/session/index.js';

/** Options for `sessions(...)`, and how to release what they hold. */
export interface SessionSetup {
  readonly options: SessionOptions;
  /** A line saying which store is in use. */
  readonly description: string;
  /** Stops the store's timers and closes its client. */
  close(): Promise<void>;
}

/** Reads the environment; throws with a readable message for bad settings. */
export function sessionSetupFromEnv(env: NodeJS.ProcessEnv = process.env): SessionSetup {
  const secrets = secretsFromEnv(env);
  const kind = (env.SESSION_STORE ?? 'cookie').toLowerCase();
  if (kind === 'cookie') {
    return {
      options: { secrets, store: new CookieStore() },
      description: 'sessions sealed in their cookies (AES-256-GCM; nothing kept on the server)',
      close: () => Promise.resolve(),
    };
  }
  const maxSessions = maxSessionsFromEnv(env);
  if (kind === 'memory') {
    const store = new MemoryStore({ maxSessions });
    return { options: { secrets, store }, description: 'sessions in memory (this process only)', close: () => store.close() };
  }
  if (kind === 'file') {
    const dir = env.SESSION_DIR ?? './sessions';
    const store = new FileStore({ dir, maxSessions });
    return { options: { secrets, store }, description: `sessions in files under ${dir}`, close: () => store.close() };
  }
  if (kind === 'redis') {
    const url = env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const client = new Redis(url, { maxRetriesPerRequest: 1 });
    // ioredis reconnects by itself; meanwhile requests get 503, and the
    // error is logged once per failure rather than crashing the process.
    client.on('error', (error: Error) => console.error(`redis: ${error.message}`));
    const store = new RedisStore({ client });
    return {
      options: { secrets, store },
      description: `sessions in Redis at ${url}`,
      close: async () => {
        await client.quit().catch(() => client.disconnect());
      },
    };
  }
  throw new Error(`SESSION_STORE must be cookie, memory, file or redis, got ${JSON.stringify(env.SESSION_STORE)}`);
}

function maxSessionsFromEnv(env: NodeJS.ProcessEnv): number {
  const given = env.SESSION_MAX;
  if (given === undefined || given === '') return 10_000;
  const max = Number(given);
  if (!Number.isSafeInteger(max) || max < 1) throw new Error(`SESSION_MAX must be a positive whole number, got ${JSON.stringify(given)}`);
  return max;
}

function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const given = env.SESSION_SECRET;
  if (given === undefined || given === '') {
    console.warn(
      'WARNING: SESSION_SECRET is not set, so a random secret was made for this run. Sessions will not ' +
        'survive a restart and other processes cannot read them. Set SESSION_SECRET (32+ characters) in production.',
    );
    return [randomBytes(32).toString('base64url')];
  }
  const secrets = given.split(',').map((secret) => secret.trim()).filter((secret) => secret !== '');
  for (const secret of secrets) {
    if (secret.length < 32) throw new Error('each secret in SESSION_SECRET must be at least 32 characters long');
  }
  return secrets;
}
