import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, requireBuild, runCli, runToExit, startedUrl, waitFor, type Cli } from './helpers.js';

beforeAll(requireBuild);

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

/** A served directory: app.mjs answers with the word that lib/word.mjs exports. */
async function project(word: string): Promise<{ dir: string; app: string; setWord: (text: string) => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'tsgi-watch-'));
  dirs.push(dir);
  await mkdir(join(dir, 'lib'));
  await mkdir(join(dir, 'node_modules', 'dep'), { recursive: true });
  const app = join(dir, 'app.mjs');
  await writeFile(
    app,
    `import { word } from './lib/word.mjs';\n` +
      `export default function app(environ, startResponse) {\n` +
      `  startResponse('200 OK', [['Content-Type', 'text/plain'], ['X-Pid', String(process.pid)]]);\n` +
      `  return [word + '\\n'];\n}\n`,
  );
  const setWord = (text: string): Promise<void> => writeFile(join(dir, 'lib', 'word.mjs'), `export const word = ${JSON.stringify(text)};\n`);
  await setWord(word);
  return { dir, app, setWord };
}

const restarts = (cli: Cli): number => cli.stderr().match(/restarted: worker \d+ serves the new code\n/g)?.length ?? 0;

async function stop(cli: Cli): Promise<void> {
  cli.child.kill('SIGTERM');
  expect(await cli.exited).toEqual({ code: 0, signal: null });
  expect(cli.stdout()).toMatch(/tsgi: stopped\n$/);
}

// One at a time: each test restarts processes, and the machine may be shared.
describe('tsgi serve --watch', { timeout: 60_000 }, () => {
  it('restarts on a change below the module directory and answers anew on the same port, refusing no connection meanwhile', async () => {
    const { app, setWord } = await project('one');
    const cli = runCli(['serve', app, '--watch', '--port', '0']);
    const url = await startedUrl(cli);
    expect(cli.stdout()).toMatch(/^tsgi: serving app on http:\/\/127\.0\.0\.1:\d+\/ \(pid \d+; watching \S+; Ctrl-C to stop\)\n$/);
    const first = await get(url);
    expect(first.body).toBe('one\n');

    // Requests on fresh connections all through the restart: every one is answered.
    let polling = true;
    const answers: string[] = [];
    const poller = (async () => {
      while (polling) answers.push((await get(url).then((answer) => answer.body, (error: NodeJS.ErrnoException) => `failed: ${error.code}`)));
    })();
    await setWord('two');
    await waitFor(() => restarts(cli) === 1, 'the restart', 1000);
    await waitFor(() => answers.at(-1) === 'two\n', 'an answer from the new worker', 500);
    polling = false;
    await poller;
    expect(answers.filter((body) => body !== 'one\n' && body !== 'two\n')).toEqual([]);
    expect(cli.stderr()).toMatch(/tsgi: lib\/word\.mjs changed; restarting\n/);
    const second = await get(url);
    expect(second.body).toBe('two\n');
    expect(second.headers['x-pid']).not.toBe(first.headers['x-pid']);
    // The old worker has gone once the new one took over.
    await waitFor(() => !isAlive(Number(first.headers['x-pid'])), 'the old worker to exit', 500);
    await stop(cli);
    expect(isAlive(Number(second.headers['x-pid']))).toBe(false);
  });

  it('takes a burst of saves as one restart and ignores node_modules and dotfiles', async () => {
    const { dir, app, setWord } = await project('one');
    const cli = runCli(['serve', app, '--watch', '--port', '0']);
    const url = await startedUrl(cli);
    await writeFile(join(dir, 'node_modules', 'dep', 'index.js'), 'export {};\n');
    await writeFile(join(dir, '.app.mjs.swp'), 'swap');
    await mkdir(join(dir, '.cache'));
    await writeFile(join(dir, '.cache', 'x.js'), 'x');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(cli.stderr()).not.toContain('restarting');
    for (const word of ['a', 'b', 'c']) await setWord(word);
    await waitFor(() => restarts(cli) === 1, 'the restart', 1000);
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(cli.stderr().match(/restarting\n/g)).toHaveLength(1);
    expect((await get(url)).body).toBe('c\n');
    // A directory made after the start is a change, and is watched too.
    await mkdir(join(dir, 'lib', 'deeper'));
    await waitFor(() => restarts(cli) === 2, 'the restart for the new directory', 1000);
    await writeFile(join(dir, 'lib', 'deeper', 'note.txt'), 'x');
    await waitFor(() => restarts(cli) === 3, 'the restart for a file in it', 1000);
    expect(cli.stderr()).toMatch(/lib\/deeper\/note\.txt changed; restarting\n/);
    await stop(cli);
  });

  it('logs a syntax error with its file and line, keeps the previous version serving, and restarts on the next good save', async () => {
    const { dir, app, setWord } = await project('one');
    const cli = runCli(['serve', app, '--watch', '--port', '0']);
    const url = await startedUrl(cli);
    await writeFile(join(dir, 'lib', 'word.mjs'), `export const word = 'unterminated;\n`);
    await waitFor(() => cli.stderr().includes('the app did not start'), 'the failed restart', 1000);
    expect(cli.stderr()).toContain('tsgi: failed to load');
    expect(cli.stderr()).toContain(`${join(dir, 'lib', 'word.mjs')}:1\nexport const word = 'unterminated;\n`);
    expect(cli.stderr()).toMatch(/SyntaxError: Invalid or unexpected token/);
    expect(cli.stderr()).toContain('tsgi: the app did not start (exit code 78); the previous version still serves until the next change\n');
    expect((await get(url)).body).toBe('one\n');
    await setWord('fixed');
    await waitFor(() => restarts(cli) === 1, 'the restart after the fix', 1000);
    expect((await get(url)).body).toBe('fixed\n');
    await stop(cli);
  });

  it('starts watching even when the first load fails, and serves on the port once a save fixes it', async () => {
    const { dir, app, setWord } = await project('one');
    await writeFile(join(dir, 'lib', 'word.mjs'), 'export const word = ;\n');
    const cli = runCli(['serve', app, '--watch', '--port', '0']);
    await waitFor(() => cli.stderr().includes('nothing is served until the next change'), 'the failed start', 1000);
    await setWord('late');
    const url = await startedUrl(cli);
    expect((await get(url)).body).toBe('late\n');
    await stop(cli);
  });

  it('restarts a .ts app run under node --import tsx (the workers get the loader too)', async () => {
    const { dir } = await project('unused');
    const app = join(dir, 'site.ts');
    const write = (word: string): Promise<void> =>
      writeFile(
        app,
        `export default function site(environ: { PATH_INFO: string }, startResponse: (s: string, h: [string, string][]) => void): string[] {\n` +
          `  startResponse('200 OK', [['Content-Type', 'text/plain']]);\n  return [${JSON.stringify(word)} + '\\n'];\n}\n`,
      );
    await write('typed one');
    const cli = runCli(['serve', app, '--watch', '--port', '0'], {}, ['--import', 'tsx']);
    const url = await startedUrl(cli);
    expect((await get(url)).body).toBe('typed one\n');
    await write('typed two');
    await waitFor(() => restarts(cli) === 1, 'the restart', 1000);
    expect((await get(url)).body).toBe('typed two\n');
    await stop(cli);
  });

  it('is in the help text', async () => {
    const help = await runToExit(['--help']);
    expect(help.stdout).toContain('  --watch                   development: restart the app when a file in its module');
  });

  it('refuses --workers, and a module it cannot find, at startup', async () => {
    const withWorkers = await runToExit(['serve', 'dist/examples/multi/app.js', '--watch', '--workers', '2']);
    expect(withWorkers.code).toBe(2);
    expect(withWorkers.stderr).toBe(
      `tsgi: --watch restarts one process for development; drop --workers (use --workers without --watch in production)\nRun 'tsgi --help' for usage.\n`,
    );
    const missing = await runToExit(['serve', './no/such/app.js', '--watch', '--port', '0']);
    expect(missing.code).toBe(78);
    expect(missing.stderr).toMatch(/^tsgi: --watch: cannot find module .\/no\/such\/app.js/);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
