import { createServer } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, get, MULTI, requireBuild, runCli, startedUrl, waitFor } from './helpers.js';

beforeAll(requireBuild);

/** GETs `url` on fresh connections until `count` different pids have answered (bounded). */
async function pidsServing(url: string, count: number): Promise<Set<string>> {
  const pids = new Set<string>();
  for (let i = 0; i < 40 && pids.size < count; i++) {
    const answer = await get(url);
    expect(answer.status).toBe(200);
    pids.add(String(answer.headers['x-served-by']));
  }
  return pids;
}

// One at a time: each test starts several processes, and the machine may be shared.
describe('tsgi serve --workers', { timeout: 60_000 }, () => {
  it('serves from every worker, restarts one that is killed, and stops on SIGTERM with exit 0', async () => {
    const cli = runCli(['serve', `${MULTI}:where_app`, '--port', '0', '--workers', '2']);
    const url = await startedUrl(cli);
    expect(cli.stdout()).toMatch(/^tsgi: serving where_app on http:\/\/127\.0\.0\.1:\d+\/ with 2 workers \(pid \d+; Ctrl-C to stop\)\n$/);
    const pids = await pidsServing(url, 2);
    expect(pids.size).toBe(2);
    expect(pids.has(String(cli.child.pid))).toBe(false);

    const [victim, survivor] = [...pids];
    process.kill(Number(victim), 'SIGKILL');
    await waitFor(() => /worker \d+ is serving/.test(cli.stderr()), 'the restarted worker', 3000);
    expect(cli.stderr()).toContain(`tsgi: worker ${victim} died (signal SIGKILL); restarting it in 100 ms\n`);
    const after = await pidsServing(url, 2);
    expect(after.size).toBe(2);
    expect(after.has(victim!)).toBe(false);
    expect(after.has(survivor!)).toBe(true);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    expect(cli.stdout()).toMatch(/tsgi: stopped\n$/);
    for (const pid of after) expect(() => process.kill(Number(pid), 0)).toThrow(/ESRCH/);
  });

  it('lets each worker finish its request in flight on SIGTERM', async () => {
    const cli = runCli(['serve', `${FIXTURES}/slow.js`, '--port', '0', '--workers', '2']);
    const url = await startedUrl(cli);
    const slow = get(`${url}slow?ms=800`);
    await waitFor(() => cli.stderr().includes('request started: /slow'), 'the slow request to reach a worker');
    cli.child.kill('SIGTERM');
    const answer = await slow;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatch(/^done after 800 ms/);
    expect((await cli.exited).code).toBe(0);
    await expect(get(url)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('stops at once on SIGTERM while the workers are still starting', async () => {
    const cli = runCli(['serve', `${FIXTURES}/slow-start.js`, '--port', '0', '--workers', '2']);
    await waitFor(() => cli.stderr().includes('tsgi: starting 2 workers'), 'the primary to start');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const signalled = Date.now();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toEqual({ code: 0, signal: null });
    // Well before the 10 s graceful timeout (plus 5 s) that a lost message would cost.
    expect(Date.now() - signalled).toBeLessThan(8000);
    expect(cli.stdout()).toBe('tsgi: stopped\n');
  });

  it('gives up on a crash loop with a clear message and exit code 1', async () => {
    const cli = runCli(['serve', `${FIXTURES}/crash.js`, '--port', '0', '--workers', '2']);
    const { code } = await cli.exited;
    expect(code).toBe(1);
    expect(cli.stderr()).toMatch(/restarting it in 100 ms\n/);
    expect(cli.stderr()).toMatch(/restarting it in 800 ms\n/);
    expect(cli.stderr()).toMatch(/workers keep dying within 10 s of starting \(4 restarts in a row\), so this looks like a crash loop: giving up\n/);
  });

  it('stops with a clear message when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const cli = runCli(['serve', MULTI, '--port', String(port), '--workers', '2']);
      expect((await cli.exited).code).toBe(78);
      expect(cli.stderr()).toContain(`tsgi: cannot listen on 127.0.0.1:${port}: the address is already in use`);
      expect(cli.stderr()).toMatch(/tsgi: worker \d+ could not start; stopping\n/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('stops with the worker\'s message when the module cannot be served', async () => {
    const cli = runCli(['serve', `${MULTI}:nope`, '--port', '0', '--workers', '2']);
    const { code } = await cli.exited;
    expect(code).toBe(78);
    expect(cli.stderr()).toMatch(/tsgi: dist\/examples\/multi\/app.js has no export "nope"/);
    expect(cli.stderr()).toMatch(/tsgi: worker \d+ could not start; stopping\n/);
  });
});
