/**
 * The HTTP/2 bench's load runs, against real servers on loopback: h2load's
 * summary read right over both protocols, and a run with failed requests
 * refused, naming where.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { H2LOAD, h2loadArgv, parseH2load, refuseH2Failures, runH2load } from '../../bench/h2/h2load.js';
import { LoadError } from '../../bench/wrk.js';
import type { App } from '../../src/gateway/types.js';
import { serveH2 } from '../server/http2-support.js';

// .ci/run installs nghttp2-client; elsewhere this part says why it does not run.
const haveH2load = existsSync(H2LOAD) || process.env.CI === 'true';
if (!haveH2load) console.warn(`h2load bench tests skipped: ${H2LOAD} not found (apt-get install nghttp2-client)`);

const hello: App = (_environ, startResponse) => {
  startResponse('200 OK', [['Content-Type', 'text/plain; charset=utf-8']]);
  return ['Hello world!\n'];
};

describe.runIf(haveH2load)('h2load runs for the bench', () => {
  it.each(['h2', 'http/1.1'] as const)('counts every request of a %s run and passes the refusal check', async (protocol) => {
    const { url } = await serveH2(hello);
    const result = await runH2load({ url, protocol, connections: 2, streams: 4, load: { requests: 300 } });
    expect(result).toMatchObject({ protocol, total: 300, succeeded: 300, failed: 0, errored: 0, timedOut: 0, non2xx: 0 });
    expect(result.requestsPerSecond).toBeGreaterThan(0);
    expect(() => refuseH2Failures(result, protocol, 'here')).not.toThrow();
  });

  it('refuses a run whose responses are errors, and one that spoke the other protocol', async () => {
    const failing: App = () => {
      throw new Error('down');
    };
    const { url } = await serveH2(failing);
    const result = await runH2load({ url, protocol: 'h2', connections: 1, streams: 1, load: { requests: 20 } });
    expect(() => refuseH2Failures(result, 'h2', 'h2-hello, tsgi over h2')).toThrow(LoadError);
    expect(() => refuseH2Failures(result, 'h2', 'h2-hello, tsgi over h2')).toThrow(/^h2-hello, tsgi over h2: 20 responses other than 2xx/);
    expect(() => refuseH2Failures({ ...result, non2xx: 0 }, 'http/1.1', 'there')).toThrow(/ALPN chose h2, not http\/1\.1/);
  });
});

describe('h2load command lines and output', () => {
  it('pins h2load to the load core, streams only over HTTP/2', () => {
    const base = { url: 'https://127.0.0.1:1/', connections: 10, streams: 10 };
    expect(h2loadArgv({ ...base, protocol: 'h2', load: { requests: 5 } }).slice(3)).toEqual([H2LOAD, '-t1', '-c10', '-m10', '-n', '5', base.url]);
    expect(h2loadArgv({ ...base, protocol: 'http/1.1', load: { seconds: 1 } }).slice(3)).toEqual([H2LOAD, '-t1', '-c10', '-m1', '--h1', '-D', '1', base.url]);
  });

  it('says what it expected when the output has no summary', () => {
    expect(() => parseH2load('nothing here')).toThrow('unexpected h2load output:\nnothing here');
  });
});
