/**
 * The fixture site under Bun: through toFetchHandler and Bun.serve, and
 * through makeServer on Bun's node:http.
 */
import { afterAll, beforeAll, describe } from 'vitest';
import { requireBuild } from '../../cli/helpers.js';
import { BUN, FIXTURES, runtimeVersion, siteTests, startRuntime, type RuntimeProcess } from './support.js';

const version = runtimeVersion(BUN);

describe.runIf(version !== undefined)(`Bun ${version}`, () => {
  for (const [name, script] of [
    ['toFetchHandler under Bun.serve', 'bun-fetch.js'],
    ['makeServer under Bun node:http', 'node-server.js'],
  ] as const) {
    describe(name, () => {
      let runtime: RuntimeProcess;
      beforeAll(async () => {
        requireBuild();
        runtime = await startRuntime(BUN, [`${FIXTURES}/${script}`]);
      }, 20_000);
      afterAll(() => runtime?.stop());
      siteTests(() => runtime.url, () => runtime.output());
    });
  }
});
