import { readdirSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild, runCli, startedUrl, type Cli } from '../cli/helpers.js';
import { tempDir } from './blog-support.js';

// The real CLI with two workers, each with its own FileEntryStore over one
// directory: only a lock both processes see can keep a conditional write's
// check and its write together.
const FIXTURE = 'test/examples/fixtures/blog-served-by.js';
const RUNS = 10;
const WRITERS = 100;

interface Answer {
  status: number;
  pid: string;
  etag: string | undefined;
  retryAfter: string | undefined;
}

describe('the blog under tsgi serve --workers 2', { timeout: 60_000 }, () => {
  let cli: Cli;
  let url: string;
  let dir: string;
  let remove: () => void;
  // Several kept-alive connections: the round-robin of the cluster spreads
  // them over both workers, and the requests overlap on each.
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const pids = new Set<string>();

  beforeAll(async () => {
    requireBuild();
    ({ dir, remove } = tempDir('workers'));
    cli = runCli(['serve', FIXTURE, '--port', '0', '--workers', '2'], { BLOG_DIR: dir });
    url = await startedUrl(cli);
  });

  afterAll(async () => {
    agent.destroy();
    if (cli !== undefined) {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
    remove?.();
  });

  function send(method: string, name: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      // A worker that died says why on the CLI's stderr.
      const fail = (error: Error): void => reject(new Error(`${method} /${name}: ${error.message}\n${cli.stderr()}`));
      const req = request(`${url}${name}`, { method, agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          const answer = {
            status: res.statusCode ?? 0,
            pid: String(res.headers['x-served-by']),
            etag: res.headers.etag,
            retryAfter: res.headers['retry-after'],
          };
          pids.add(answer.pid);
          resolve(answer);
        });
        res.on('error', fail);
      });
      req.on('error', fail);
      req.end(body);
    });
  }

  const stored = (name: string): string => readFileSync(join(dir, `${name}.txt`), 'utf8');
  const body = (run: number, i: number): string => `run ${run}, writer ${i}\n`;
  const tally = (answers: Answer[]): Record<number, number> => {
    const counts: Record<number, number> = {};
    for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
    return counts;
  };

  it(`lets exactly one of ${WRITERS} PUTs with the same If-Match win, in each of ${RUNS} runs`, async () => {
    const started = Date.now();
    const winners: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const name = `if-match-${run}`;
      const created = await send('PUT', name, {}, 'the original\n');
      expect(created.status).toBe(201);
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) => send('PUT', name, { 'If-Match': created.etag! }, body(run, i))),
      );
      expect(tally(answers), `run ${run}`).toEqual({ 200: 1, 412: WRITERS - 1 });
      // Both workers took part in this very race.
      expect(new Set(answers.map((answer) => answer.pid)).size, `run ${run}`).toBe(2);
      const winner = answers.findIndex((answer) => answer.status === 200);
      expect(stored(name), `run ${run}`).toBe(body(run, winner));
      winners.push(winner);
    }
    expect(winners).toHaveLength(RUNS);
    // Both workers answered, so the writes really came from two processes.
    expect(pids.size).toBe(2);
    expect(pids.has(String(cli.child.pid))).toBe(false);
    expect(Date.now() - started).toBeLessThan(45_000);
  });

  it(`creates an entry once when ${WRITERS} PUTs with If-None-Match: * race, in each of ${RUNS} runs`, async () => {
    for (let run = 0; run < RUNS; run++) {
      const name = `create-${run}`;
      const answers = await Promise.all(
        Array.from({ length: WRITERS }, (_, i) => send('PUT', name, { 'If-None-Match': '*' }, body(run, i))),
      );
      expect(tally(answers), `run ${run}`).toEqual({ 201: 1, 412: WRITERS - 1 });
      expect(new Set(answers.map((answer) => answer.pid)).size, `run ${run}`).toBe(2);
      expect(stored(name), `run ${run}`).toBe(body(run, answers.findIndex((answer) => answer.status === 201)));
    }
    expect(pids.size).toBe(2);
  });

  it('deletes an entry once when DELETEs with the same If-Match race', async () => {
    for (let run = 0; run < 3; run++) {
      const name = `delete-${run}`;
      const created = await send('PUT', name, {}, 'to be deleted\n');
      const answers = await Promise.all(Array.from({ length: WRITERS }, () => send('DELETE', name, { 'If-Match': created.etag! })));
      const counts = tally(answers);
      expect(counts[204], `run ${run}`).toBe(1);
      // Every loser's If-Match fails, the entry being gone (RFC 9110 §13.1.1).
      expect(counts[412] ?? 0, `run ${run}`).toBe(WRITERS - 1);
    }
  });

  it('leaves no lock file behind once the writes are done', () => {
    expect(readdirSync(dir).filter((file) => file.startsWith('.') && file !== '.blog-id')).toEqual([]);
  });
});
