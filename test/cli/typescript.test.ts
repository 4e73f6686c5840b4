import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, get, requireBuild, ROOT, runCli, runToExit, startedUrl, waitFor } from './helpers.js';

beforeAll(requireBuild);

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsgi-ts-'));
  // Types that only a TypeScript loader can strip, and a throw on a known line.
  await writeFile(
    join(dir, 'app.ts'),
    [
      `type StartResponse = (status: string, headers: [string, string][]) => unknown;`,
      `interface Environ { PATH_INFO: string }`,
      `export function site(environ: Environ, startResponse: StartResponse): string[] {`,
      `  if (environ.PATH_INFO === '/crash') throw new Error('crashed in TypeScript');`,
      `  const greeting: string = 'typed hello';`,
      `  startResponse('200 OK', [['Content-Type', 'text/plain']]);`,
      `  return [greeting + ' from ' + environ.PATH_INFO + '\\n'];`,
      `}`,
      ``,
    ].join('\n'),
  );
  await writeFile(join(dir, 'thrower.mjs'), `export default function app() {\n  throw new Error('thrown by the app');\n}\n`);
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe.concurrent('tsgi serve with TypeScript', () => {
  it('without a loader, refuses a .ts module at startup naming the fix', async () => {
    const { code, stdout, stderr } = await runToExit(['serve', join(dir, 'app.ts'), '--port', '0']);
    expect(code).toBe(78);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      `tsgi: ${join(dir, 'app.ts')} is TypeScript and no TypeScript loader is active: run with \`node --import tsx ./node_modules/.bin/tsgi serve ...\` ` +
        `(or NODE_OPTIONS='--import tsx'), or compile first (npx tsc) and serve the .js file\n`,
    );
  });

  it('serves a .ts module under node --import tsx, with traces at its .ts lines', async () => {
    const cli = runCli(['serve', `${join(dir, 'app.ts')}:site`, '--port', '0'], {}, ['--import', 'tsx']);
    const url = await startedUrl(cli);
    expect(cli.stdout()).toMatch(/^tsgi: serving site on /);
    expect((await get(`${url}here`)).body).toBe('typed hello from /here\n');
    expect((await get(`${url}crash`)).status).toBe(500);
    await waitFor(() => cli.stderr().includes('crashed in TypeScript'), 'the logged error');
    expect(cli.stderr()).toContain(`${join(dir, 'app.ts')}:4:`);
  });

  it('serves a .ts module when tsx comes in through NODE_OPTIONS, and through a bin link', async () => {
    const cli = runCli(['serve', `${join(dir, 'app.ts')}:site`, '--port', '0'], { NODE_OPTIONS: '--import tsx' });
    const url = await startedUrl(cli);
    expect((await get(`${url}x`)).body).toBe('typed hello from /x\n');
    // The documented form: the bin link npm makes, run by node with tsx imported first.
    const bin = join(dir, 'node_modules', '.bin');
    await mkdir(bin, { recursive: true });
    await symlink(CLI, join(bin, 'tsgi'));
    const linked = spawn(process.execPath, ['--import', 'tsx', join(bin, 'tsgi'), 'serve', `${join(dir, 'app.ts')}:site`, '--port', '0'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      let out = '';
      linked.stdout.setEncoding('utf8').on('data', (data: string) => (out += data));
      await waitFor(() => / on (http\S+) /.test(out), 'the linked CLI to start', 3000);
      expect((await get(`${/ on (http\S+) /.exec(out)![1]}y`)).body).toBe('typed hello from /y\n');
    } finally {
      linked.kill('SIGKILL');
    }
  });

  it("maps tsgi's own frames to its .ts sources in the CLI's error log", async () => {
    const cli = runCli(['serve', join(dir, 'thrower.mjs'), '--port', '0']);
    const url = await startedUrl(cli);
    expect((await get(url)).status).toBe(500);
    await waitFor(() => cli.stderr().includes('thrown by the app'), 'the logged error');
    expect(cli.stderr()).toMatch(new RegExp(`\\(${join(ROOT, 'src', 'server').replace(/[/.]/g, '\\$&')}/[\\w-]+\\.ts:\\d+:\\d+\\)`));
    expect(cli.stderr()).not.toContain('dist/src/server');
  });
});
