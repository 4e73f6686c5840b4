import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, requireBuild, runCli, startedUrl, type Cli } from '../cli/helpers.js';
import { daemonsAvailable, NGINX, PROXY_HEADERS, REDIS, startNginx, startRedis, type Daemon } from './support.js';

describe.runIf(daemonsAvailable(NGINX, REDIS))('scale-out: two tsgi processes behind an nginx upstream, sessions in Redis', () => {
  let dir: string;
  let redis: Daemon;
  let nginx: Daemon;
  const servers: Cli[] = [];

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'tsgi-scale-'));
    redis = await startRedis(dir);
    const env = {
      SESSION_STORE: 'redis',
      REDIS_URL: `redis://127.0.0.1:${redis.port}`,
      // Every process must sign and check cookies with the same secret.
      SESSION_SECRET: randomBytes(32).toString('base64url'),
    };
    for (let i = 0; i < 2; i++) servers.push(runCli(['serve', 'test/deploy/fixtures/counter.js', '--port', '0', '--trust-proxy', '127.0.0.1'], env));
    const ports = (await Promise.all(servers.map(startedUrl))).map((url) => new URL(url).port);
    nginx = await startNginx(dir, (port) => `
  upstream tsgi_pool {
    server 127.0.0.1:${ports[0]};
    server 127.0.0.1:${ports[1]};
  }
  server {
    listen 127.0.0.1:${port};
    location / {
      proxy_pass http://tsgi_pool;${PROXY_HEADERS}
    }
  }`);
  });

  afterAll(async () => {
    await nginx?.stop();
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.exited));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts 1 to 10 without a gap while the requests alternate between the processes', async () => {
    let cookie: string | undefined;
    const seen: Array<{ count: string; pid: string }> = [];
    for (let i = 0; i < 10; i++) {
      const answer = await get(`http://127.0.0.1:${nginx.port}/`, cookie === undefined ? {} : { Cookie: cookie });
      expect(answer.status, answer.body).toBe(200);
      const setCookie = answer.headers['set-cookie'];
      if (setCookie !== undefined) cookie = [setCookie].flat().map((line) => line.split(';')[0]).join('; ');
      seen.push({ count: answer.body, pid: String(answer.headers['x-served-by']) });
    }
    expect(seen.map(({ count }) => count)).toEqual(Array.from({ length: 10 }, (_, i) => `You have been here ${i + 1} times!\n`));
    const pids = seen.map(({ pid }) => pid);
    expect(new Set(pids).size).toBe(2);
    for (let i = 1; i < pids.length; i++) expect(pids[i], `request ${i + 1} went to the same process as the one before`).not.toBe(pids[i - 1]);
    const workerPids = servers.map((server) => String(server.child.pid));
    expect([...new Set(pids)].sort()).toEqual(workerPids.sort());
  });
});
