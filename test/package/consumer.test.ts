/**
 * The package as users install it: `npm pack`, installed into fresh projects
 * under a temp directory, compiled and served by each toolchain users have.
 * Each either answers correctly or refuses to start naming the fix; none
 * answers a request wrongly.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild } from '../cli/helpers.js';
import { EXPLICIT_APP, METADATA_APP, REQUIRE_SCRIPT, STANDARD_APP, VITEST_TEST } from './apps.js';
import { BASE_COMPILER_OPTIONS, makeProject, makeWorkspace, run, serve, stop, type Workspace } from './consumer-support.js';

const LEGACY = { experimentalDecorators: true, emitDecoratorMetadata: true };

/** The metadata app's answers, asserted over HTTP against a started `tsgi serve`. */
async function expectTodosServed(workspace: Workspace, project: string, args: readonly string[], nodeArgs: readonly string[] = []): Promise<void> {
  const served = serve(workspace, project, args, nodeArgs);
  try {
    const url = await served.url;
    const one = await fetch(`${url}todos/7`);
    expect(one.status).toBe(200);
    expect(await one.json()).toEqual({ id: 7, type: 'number' });
    const done = await fetch(`${url}todos/?done=true`);
    expect(await done.json()).toEqual({ done: true, type: 'boolean' });
    const maybe = await fetch(`${url}todos/?done=maybe`);
    expect(maybe.status).toBe(400);
    expect(await maybe.text()).toMatch(/done/);
    const made = await fetch(`${url}todos/`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(made.status).toBe(201);
    expect(made.headers.get('content-type')).toBe('application/json');
    expect(await made.json()).toEqual({ posted: { a: 1 } });
  } finally {
    await stop(served);
  }
}

describe('the packed package in fresh consumer projects', () => {
  let workspace: Workspace;

  beforeAll(() => {
    requireBuild();
    workspace = makeWorkspace();
  }, 300_000);

  afterAll(() => {
    // The workspace stays in the temp directory only when a test failed mid-way; it is small and named tsgi-consumer-*.
  });

  it('ships the bundle, the declarations, every guide and the licence, and no tests or TypeScript sources', () => {
    const listing = run('tar', ['-tzf', workspace.tarball], workspace.dir).split('\n');
    expect(listing).toContain('package/LICENSE');
    expect(listing).toContain('package/dist/pkg/index.js');
    expect(listing).toContain('package/dist/pkg/cli/main.js');
    expect(listing).toContain('package/dist/src/index.d.ts');
    for (const guide of ['gateway', 'handlers', 'bodies', 'deploy', 'security']) expect(listing).toContain(`package/docs/${guide}.md`);
    expect(listing.filter((path) => /\.ts$/.test(path) && !path.endsWith('.d.ts'))).toEqual([]);
    expect(listing.filter((path) => path.startsWith('package/test/') || path.startsWith('package/examples/'))).toEqual([]);
    expect(listing.filter((path) => path.startsWith('package/dist/src/') && path.endsWith('.js'))).toEqual([]);
  });

  it('ships source maps that carry their sources, so traces point at .ts lines inside node_modules', () => {
    const pkg = join(workspace.dir, 'node_modules/tsgi/dist/pkg');
    const maps = readdirSync(pkg, { recursive: true, encoding: 'utf8' }).filter((path) => path.endsWith('.js.map'));
    expect(maps.length).toBeGreaterThan(10);
    const sources: string[] = [];
    for (const path of maps) {
      const map = JSON.parse(readFileSync(join(pkg, path), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
      expect(map.sourcesContent?.length, path).toBe(map.sources.length);
      expect(map.sourcesContent?.every((content) => typeof content === 'string'), path).toBe(true);
      sources.push(...map.sources);
    }
    expect(sources.some((source) => source.endsWith('src/server/server.ts'))).toBe(true);
    expect(sources.filter((source) => !source.endsWith('.ts'))).toEqual([]);
  });

  for (const [label, compiler] of [
    ['TypeScript 6', 'tsc6'],
    ['TypeScript 7', 'tsc7'],
  ] as const) {
    it(`${label}: tsc with legacy decorators and metadata, ESM, served by tsgi serve`, async () => {
      const project = makeProject(workspace, `esm-${compiler}`, {
        'package.json': { name: `esm-${compiler}`, type: 'module' },
        'tsconfig.json': { compilerOptions: { ...BASE_COMPILER_OPTIONS, module: 'nodenext', ...LEGACY }, include: ['src'] },
        'src/app.ts': METADATA_APP,
      });
      run(process.execPath, [workspace[compiler], '-p', '.'], project);
      await expectTodosServed(workspace, project, ['dist/app.js:site']);
    }, 60_000);
  }

  for (const module of ['nodenext', 'commonjs'] as const) {
    it(`CommonJS ("type": "commonjs", module ${module}): tsc emits require() and tsgi serve runs it`, async () => {
      const project = makeProject(workspace, `cjs-${module}`, {
        'package.json': { name: `cjs-${module}`, type: 'commonjs' },
        'tsconfig.json': { compilerOptions: { ...BASE_COMPILER_OPTIONS, module, ...LEGACY }, include: ['src'] },
        'src/app.ts': METADATA_APP,
      });
      run(process.execPath, [workspace.tsc6, '-p', '.'], project);
      expect(run('grep', ['-c', 'require("tsgi")', 'dist/app.js'], project).trim()).toBe('1');
      await expectTodosServed(workspace, project, ['dist/app.js:site']);
    }, 60_000);
  }

  it('CommonJS: a plain script require()s tsgi and tsgi/server through require(esm)', async () => {
    const project = makeProject(workspace, 'cjs-script', { 'package.json': { name: 'cjs-script', type: 'commonjs' }, 'hello.js': REQUIRE_SCRIPT });
    const script = spawn(process.execPath, ['hello.js'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let output = '';
        script.stdout.on('data', (data: Buffer) => {
          output += data.toString();
          const found = /listening (\S+)/.exec(output)?.[1];
          if (found) resolve(found);
        });
        script.stderr.on('data', (data: Buffer) => (output += data.toString()));
        script.on('exit', (code) => reject(new Error(`require() script exited ${code}: ${output}`)));
      });
      const res = await fetch(url);
      expect(await res.text()).toBe('required');
    } finally {
      script.kill();
    }
  }, 60_000);

  for (const [label, compiler] of [
    ['TypeScript 6', 'tsc6'],
    ['TypeScript 7', 'tsc7'],
  ] as const) {
    it(`${label}: standard decorators (no experimentalDecorators) set the status and type`, async () => {
      const project = makeProject(workspace, `standard-${compiler}`, {
        'package.json': { name: `standard-${compiler}`, type: 'module' },
        'tsconfig.json': { compilerOptions: { ...BASE_COMPILER_OPTIONS, module: 'nodenext' }, include: ['src'] },
        'src/app.ts': STANDARD_APP,
      });
      run(process.execPath, [workspace[compiler], '-p', '.'], project);
      const served = serve(workspace, project, ['dist/app.js:site']);
      try {
        const url = await served.url;
        expect(await (await fetch(`${url}todos/7`)).json()).toEqual({ id: '7' });
        const made = await fetch(`${url}todos/`, { method: 'POST' });
        expect(made.status).toBe(201);
        expect(made.headers.get('content-type')).toBe('application/json');
      } finally {
        await stop(served);
      }
    }, 60_000);
  }

  it('tsx without metadata: a class that needs it refuses to start, naming the fix', async () => {
    const project = makeProject(workspace, 'tsx-metadata', {
      'package.json': { name: 'tsx-metadata', type: 'module' },
      'tsconfig.json': { compilerOptions: { ...BASE_COMPILER_OPTIONS, module: 'nodenext', ...LEGACY }, include: ['src'] },
      'src/app.ts': METADATA_APP,
    });
    const served = serve(workspace, project, ['src/app.ts:site'], ['--import', 'tsx']);
    await expect(served.url).rejects.toThrow(/emitDecoratorMetadata/);
    expect(served.output()).toMatch(/@param\('id', Number\)|type: Number/);
    expect(await served.exited).not.toBe(0);
  }, 60_000);

  it('tsx with explicit types in the decorators serves the .ts app correctly', async () => {
    const project = makeProject(workspace, 'tsx-explicit', {
      'package.json': { name: 'tsx-explicit', type: 'module' },
      'tsconfig.json': { compilerOptions: { ...BASE_COMPILER_OPTIONS, module: 'nodenext', ...LEGACY }, include: ['src'] },
      'src/app.ts': EXPLICIT_APP,
    });
    await expectTodosServed(workspace, project, ['src/app.ts:site'], ['--import', 'tsx']);
  }, 60_000);

  it("vitest's default transform: a TestClient test of the metadata app passes", () => {
    const project = makeProject(workspace, 'vitest-default', {
      'package.json': { name: 'vitest-default', type: 'module' },
      'tsconfig.json': { compilerOptions: { ...BASE_COMPILER_OPTIONS, module: 'nodenext', ...LEGACY }, include: ['src'] },
      'src/app.ts': METADATA_APP,
      'src/app.test.ts': VITEST_TEST,
    });
    const output = run(process.execPath, [join(workspace.dir, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project], project, { CI: '' });
    expect(output).toMatch(/1 passed/);
  }, 120_000);
});
