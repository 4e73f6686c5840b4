/**
 * The fixture site under Deno: through toFetchHandler and Deno.serve, and
 * through makeServer on Deno's node:http. Deno runs with loopback network
 * and read access to the repository only.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { requireBuild } from '../../cli/helpers.js';
import { DENO, FIXTURES, runtimeVersion, siteTests, startRuntime, type RuntimeProcess } from './support.js';

const PERMISSIONS = ['--no-lock', '--allow-net=127.0.0.1', '--allow-read=.'];

const version = runtimeVersion(DENO);

describe.runIf(version !== undefined)(`Deno ${version}`, () => {
  for (const [name, script] of [
    ['toFetchHandler under Deno.serve', 'deno-fetch.js'],
    ['makeServer under Deno node:http', 'node-server.js'],
  ] as const) {
    describe(name, () => {
      let runtime: RuntimeProcess;
      beforeAll(async () => {
        requireBuild();
        runtime = await startRuntime(DENO, ['run', ...PERMISSIONS, `${FIXTURES}/${script}`]);
      }, 20_000);
      afterAll(() => runtime?.stop());
      siteTests(() => runtime.url, () => runtime.output());
    });
  }
});
