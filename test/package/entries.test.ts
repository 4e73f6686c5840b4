/**
 * Each subpath loads only its own dependencies: imported by package name
 * (the built bundle, through the exports map) in a fresh process that
 * records every module it resolves.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { requireBuild, ROOT } from '../cli/helpers.js';

const TRACE = join(ROOT, 'test/package/fixtures/trace.mjs');

/** The npm packages and node: builtins that importing `entry` loads. */
function loads(entry: string): { packages: string[]; builtins: string[] } {
  const run = spawnSync(process.execPath, ['--import', TRACE, '--input-type=module', '-e', `await import(${JSON.stringify(entry)})`], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`importing ${entry} failed: ${run.stderr}`);
  const urls = [...run.stderr.matchAll(/^LOAD (\S+)$/gm)].map((match) => match[1] as string);
  const packages = new Set<string>();
  const builtins = new Set<string>();
  for (const url of urls) {
    if (url.startsWith('node:')) builtins.add(url);
    const inPackage = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1];
    if (inPackage !== undefined) packages.add(inPackage);
  }
  return { packages: [...packages].sort(), builtins: [...builtins].sort() };
}

/** Runs fixtures/on-demand.mjs: its answer, the builtins the process loaded, and the module URLs it resolved. */
function onDemand(...args: string[]): { answer: string; builtins: string[]; urls: string[] } {
  const run = spawnSync(process.execPath, ['--import', TRACE, join(ROOT, 'test/package/fixtures/on-demand.mjs'), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  if (run.status !== 0) throw new Error(`on-demand.mjs ${args.join(' ')} failed: ${run.stderr}`);
  const urls = [...run.stderr.matchAll(/^LOAD (\S+)$/gm)].map((match) => match[1] as string);
  return { ...(JSON.parse(run.stdout) as { answer: string; builtins: string[] }), urls };
}

/** Each entry's own npm dependencies, exactly. */
const OWN_PACKAGES: Record<string, string[]> = {
  tsgi: ['cookie', 'negotiator', 'reflect-metadata'],
  'tsgi/gateway': ['negotiator'],
  'tsgi/server': [],
  'tsgi/fetch': [],
  'tsgi/handler': ['cookie', 'negotiator', 'reflect-metadata'],
  'tsgi/body': [],
  'tsgi/testing': [],
  'tsgi/template': ['@xmldom/xmldom'],
  'tsgi/validate': [],
  'tsgi/middleware/session': ['cookie'],
  'tsgi/middleware/compress': [],
  'tsgi/middleware/static-files': ['mime-types'],
  'tsgi/middleware/stack': [],
  'tsgi/middleware/openapi': ['negotiator'],
  'tsgi/openapi': ['cookie', 'negotiator', 'reflect-metadata'],
};

describe('what each subpath loads', () => {
  requireBuild();

  for (const [entry, expected] of Object.entries(OWN_PACKAGES)) {
    it(`${entry} loads ${expected.length === 0 ? 'no npm package' : expected.join(', ')}`, () => {
      expect(loads(entry).packages).toEqual(expected);
    });
  }

  it('tsgi/fetch loads no node:http, https, net or tls, so a Worker can import it', () => {
    const { builtins } = loads('tsgi/fetch');
    expect(builtins.filter((name) => /^node:(http|https|net|tls|cluster|http2)$/.test(name))).toEqual([]);
  });

  it('the root and the server load no zlib, file system or busboy', () => {
    for (const entry of ['tsgi', 'tsgi/server']) {
      const { packages, builtins } = loads(entry);
      expect(builtins.filter((name) => /^node:(zlib|fs|fs\/promises)$/.test(name)), entry).toEqual([]);
      expect(packages, entry).not.toContain('busboy');
    }
  });

  it('a plain HTTP server loads neither the WebSocket nor the HTTP/2 side, nor node:https, tls or http2', () => {
    const { answer, builtins, urls } = onDemand('plain');
    expect(answer).toBe('plain\n');
    expect(builtins.filter((name) => /^(https|tls|http2|_tls_wrap)$/.test(name))).toEqual([]);
    expect(urls.filter((url) => /\/chunks\/(websocket|http2)-|\/node_modules\/ws\//.test(url))).toEqual([]);
  });

  it('the first WebSocket handshake loads the WebSocket side, and a frame sent with the handshake waits for it', () => {
    const { answer, urls } = onDemand('upgrade');
    expect(answer).toBe('HTTP/1.1 101 Switching Protocols / echo hello');
    expect(urls.some((url) => /\/chunks\/websocket-/.test(url))).toBe(true);
    expect(urls.some((url) => url.includes('/node_modules/ws/'))).toBe(true);
  });

  it('the first HTTP/2 connection loads the HTTP/2 side, and its request waits for it', () => {
    const { answer, urls } = onDemand('h2', join(ROOT, 'test/cli/fixtures/tls-cert.pem'), join(ROOT, 'test/cli/fixtures/tls-key.pem'));
    expect(answer).toBe('200 plain\n');
    expect(urls.some((url) => /\/chunks\/http2-/.test(url))).toBe(true);
  });

  it('busboy loads with the first multipart body, not with tsgi/body', () => {
    expect(loads('tsgi/body').packages).not.toContain('busboy');
  });

  it('a subpath that does not exist fails with the exports error naming it', () => {
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', "await import('tsgi/middleware/nope')"], { cwd: ROOT, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Cannot find module .*middleware\/nope\/index\.js|ERR_PACKAGE_PATH_NOT_EXPORTED|ERR_MODULE_NOT_FOUND/);
  });
});
