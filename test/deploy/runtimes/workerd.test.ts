/**
 * The fixture site under workerd, the Workers runtime, through Miniflare:
 * fixtures/worker.js bundled with esbuild the way a Workers build does, with
 * the `nodejs_compat` flag for the node:buffer and node:crypto the gateway
 * uses. The bundle must not pull in node:http: the Fetch entry is the whole
 * of what a Worker needs.
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { Miniflare } from 'miniflare';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuild } from '../../cli/helpers.js';
import { FIXTURES, ROOT, WORKERD, runtimeVersion, siteTests } from './support.js';

const BUILTIN = new RegExp(`^(node:)?(${builtinModules.join('|')})$`);

/**
 * Turns a CommonJS `require('stream')` (busboy's) into an import of
 * `node:stream`. esbuild leaves a require of an external module to a
 * runtime `require`, which a Worker's ES module does not have.
 */
const builtinsAsImports: Plugin = {
  name: 'builtins-as-imports',
  setup(builder) {
    builder.onResolve({ filter: BUILTIN }, (args) =>
      args.kind === 'require-call' ? { path: args.path.replace(/^node:/, ''), namespace: 'node-builtin' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'node-builtin' }, (args) => ({ contents: `export * from 'node:${args.path}';`, loader: 'js' }));
  },
};

async function bundleWorker(): Promise<{ code: string; metafile: Metafile }> {
  const result = await build({
    entryPoints: [join(ROOT, FIXTURES, 'worker.js')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [builtinsAsImports],
  });
  return { code: result.outputFiles[0]!.text, metafile: result.metafile };
}

const version = runtimeVersion(WORKERD);

describe.runIf(version !== undefined)(`workerd ${version}`, () => {
  describe('toFetchHandler as a Worker', () => {
    let miniflare: Miniflare | undefined;
    let url = '';
    let output = '';
    let metafile: Metafile;
    beforeAll(async () => {
      requireBuild();
      const bundle = await bundleWorker();
      metafile = bundle.metafile;
      miniflare = new Miniflare({
        modules: [{ type: 'ESModule', path: 'worker.js', contents: bundle.code }],
        compatibilityDate: '2026-04-01',
        compatibilityFlags: ['nodejs_compat'],
        host: '127.0.0.1',
        port: 0,
        handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
          for (const stream of [stdout, stderr]) stream.setEncoding('utf8').on('data', (data: string) => (output += data));
        },
      });
      url = (await miniflare.ready).href;
    }, 20_000);
    afterAll(() => miniflare?.dispose());

    it('bundles without node:http, node:net or the server', () => {
      const imported = Object.values(metafile.outputs).flatMap((output) => output.imports.map((entry) => entry.path));
      const inputs = Object.keys(metafile.inputs);
      expect(imported.filter((path) => /^node:(http|https|net|cluster|tls)$/.test(path))).toEqual([]);
      expect(inputs.filter((path) => /dist\/src\/server\/(server|node-listener|listener)\.js$/.test(path))).toEqual([]);
      expect(inputs.some((path) => path.endsWith('dist/src/server/fetch-handler.js'))).toBe(true);
    });

    siteTests(() => url, () => output);
  });
});
