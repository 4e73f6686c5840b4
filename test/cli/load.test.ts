import { describe, expect, it } from 'vitest';
import { exportsApp } from '../../src/cli/dispatch.js';
import { importModule, LoadError, selectApp } from '../../src/cli/load.js';
import { BaseHandler } from '../../src/handler/index.js';
import { TestClient } from '../../src/testing/index.js';
import { toApp } from '../../src/gateway/app.js';
import type { App } from '../../src/gateway/types.js';
import { ROOT } from './helpers.js';

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return ['hello'];
};

const where: App = (environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain']]);
  return [`${environ.SCRIPT_NAME}|${environ.PATH_INFO}`];
};

class Hi extends BaseHandler {
  doGET(): string {
    return 'hi';
  }
}

describe('selectApp', () => {
  it('takes the named export, function or handler class', () => {
    const one = selectApp({ hello, Hi }, 'm.js', 'hello');
    expect(one).toMatchObject({ kind: 'app', name: 'hello', app: hello });
    expect(selectApp({ hello, Hi }, 'm.js', 'Hi')).toMatchObject({ kind: 'app', name: 'Hi' });
  });

  it('takes the default export when none is named', () => {
    expect(selectApp({ default: hello, other: where }, 'm.js', undefined)).toMatchObject({ kind: 'app', app: hello });
  });

  it('falls back to module-only mode without a default, keeping only apps', () => {
    const selection = selectApp({ hello, where, Hi, _private: hello, motto: 'x', Plain: class {} }, 'm.js', undefined);
    expect(selection.kind).toBe('exports');
    if (selection.kind !== 'exports') return;
    expect([...selection.apps.keys()]).toEqual(['hello', 'where', 'Hi']);
  });

  it('names the problem: missing export, not an app, no app at all', () => {
    expect(() => selectApp({ hello }, 'm.js', 'nope')).toThrow(new LoadError('m.js has no export "nope" (its exports: hello)'));
    expect(() => selectApp({ motto: 'x' }, 'm.js', 'motto')).toThrow(/export "motto" of m.js is not an app .* it is string/);
    expect(() => selectApp({ Plain: class {} }, 'm.js', 'Plain')).toThrow(/is not an app .* a class that is not a handler/);
    expect(() => selectApp({ default: 42 }, 'm.js', undefined)).toThrow(/the default export of m.js is not an app/);
    expect(() => selectApp({ motto: 'x' }, 'm.js', undefined)).toThrow(
      new LoadError('m.js exports no app (no default export, and none of motto is an app function or handler class)'),
    );
    expect(() => selectApp({ default: { fetch: hello } }, 'm.js', undefined)).toThrow(
      new LoadError('m.js exports no app (its default export is an object, not an app, and no named exports)'),
    );
  });
});

describe('importModule', () => {
  it('loads a file relative to the directory given', async () => {
    const namespace = await importModule('test/cli/fixtures/values.js', ROOT);
    expect(namespace.answer).toBe(42);
  });

  it('loads a package specifier, or a file inside a package', async () => {
    const namespace = await importModule('cookie', ROOT);
    expect(typeof namespace.parse).toBe('function');
    const inside = await importModule('@hono/node-server/conninfo', ROOT);
    expect(typeof inside.getConnInfo).toBe('function');
  });

  it('says what is missing or broken', async () => {
    await expect(importModule('./test/cli/fixtures/nope.js', ROOT)).rejects.toThrow(/^cannot find module .\/test\/cli\/fixtures\/nope.js \(no file \S+nope.js\)$/);
    await expect(importModule('test/cli/fixtures/nope.js', ROOT)).rejects.toThrow(/^cannot find module test\/cli\/fixtures\/nope.js \(no file \S+nope.js, nor a package installed here\)$/);
    await expect(importModule('no-such-package-here', ROOT)).rejects.toThrow(/cannot find module no-such-package-here/);
    await expect(importModule('no-such-package-here/dist/app.js', ROOT)).rejects.toThrow(/cannot find module no-such-package-here\/dist\/app.js/);
    await expect(importModule('test/cli/fixtures/missing-import.js', ROOT)).rejects.toThrow(
      /^failed to load test\/cli\/fixtures\/missing-import.js: Error.*: Cannot find package 'not-installed-anywhere' imported from \S+missing-import.js/,
    );
    await expect(importModule('test/cli/fixtures/broken.js', ROOT)).rejects.toThrow(/failed to load test\/cli\/fixtures\/broken.js: Error: broken on purpose/);
  });
});

describe('exportsApp (module-only mode)', () => {
  const client = new TestClient(exportsApp(new Map<string, App>([['hello', hello], ['where', where], ['Hi', toApp(Hi)]])), {
    environ: { SCRIPT_NAME: '/test/foo' },
  });

  it('routes the first segment to the export, moving it into SCRIPT_NAME', async () => {
    expect((await client.get('/hello')).text()).toBe('hello');
    expect((await client.get('/where/a/b')).text()).toBe('/test/foo/where|/a/b');
    expect((await client.get('/where')).text()).toBe('/test/foo/where|');
    expect((await client.get('/Hi')).text()).toBe('hi');
  });

  it('answers 404 for names that are not apps, and lists the apps at the root', async () => {
    const missing = await client.get('/motto');
    expect(missing.status).toBe(404);
    expect(missing.text()).toBe('Not Found: no app named "motto" here\n');
    const root = await client.get('/');
    expect(root.status).toBe(404);
    expect(root.text()).toContain('This module serves:\n  /test/foo/hello\n  /test/foo/where\n  /test/foo/Hi\n');
    expect((await client.get('/constructor')).status).toBe(404);
    expect((await client.get('/__proto__')).status).toBe(404);
  });
});
