/**
 * POST bodies through tsgi, bare node:http and Fastify 5 in one run: a JSON
 * echo and the guessing game's urlencoded form. Each server child is pinned
 * to CPU 0 and autocannon to CPU 1; rounds interleave the servers in a
 * shuffled order, and the report gives medians and ratios to bare node.
 *
 * Run alone with `node dist/bench/post/main.js` (after `npm run build`), or as
 * part of `npm run bench`. Writes `bench/.out/post.md`.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadClient, type Measurement } from '../load/client.js';
import { hasTaskset } from '../process/affinity.js';
import { ChildGroup } from '../process/child.js';
import { waitForQuiet } from '../process/quiet.js';
import { integer, ratio, table } from '../report/format.js';
import { schedule } from '../schedule.js';
import type { ServerSpec } from '../servers/catalog.js';
import { launchServer, type RunningServer } from '../servers/launch.js';
import { median } from '../stats.js';
import { SCENARIOS, type Scenario } from './scenarios.js';

const quick = process.env['BENCH_QUICK'] === '1';
const rounds = Number(process.env['BENCH_POST_ROUNDS'] ?? (quick ? 1 : 7));
const seconds = Number(process.env['BENCH_POST_DURATION'] ?? (quick ? 1 : 2));
const pipelining = 1;
const pinned = hasTaskset();
const serverCpu = pinned ? 0 : undefined;
const clientCpu = pinned ? 1 : undefined;
const outFile = fileURLToPath(new URL('../../../bench/.out/post.md', import.meta.url));
const script = (name: string): string => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

const SPECS: readonly ServerSpec[] = [
  { id: 'tsgi', label: 'tsgi, BaseHandler + urlMap', script: script('tsgi'), tsgi: true },
  { id: 'node-http', label: 'bare node:http', script: script('node-http'), reference: true },
  { id: 'fastify', label: 'Fastify 5', script: script('fastify') },
];

interface Run {
  serverId: string;
  scenarioId: string;
  measurement: Measurement;
}

const log = (message: string): void => console.error(`[bench:post] ${message}`);
const children = new ChildGroup();
process.on('exit', () => children.killAllNow());

try {
  const loader = await LoadClient.start(children, { cores: { server: serverCpu, client: clientCpu }, connections: 10 });
  const running: RunningServer[] = [];
  for (const spec of SPECS) {
    running.push(await launchServer(children, spec, serverCpu === undefined ? {} : { cpu: serverCpu }));
  }
  for (const scenario of SCENARIOS) for (const server of running) await verify(server, scenario);
  log('every server answers every scenario with the same status, type and body');

  for (const scenario of SCENARIOS) {
    for (const server of running) await loader.run(server.url, server.child.pid, pipelining, 1, scenario.request);
  }
  const runs: Run[] = [];
  const items = running.flatMap((server) => SCENARIOS.map((scenario) => ({ server, scenario })));
  for (const { round, item } of schedule(items, [pipelining], rounds)) {
    if (serverCpu !== undefined && clientCpu !== undefined) await waitForQuiet([serverCpu, clientCpu], 0.1, 5_000);
    const measurement = await loader.run(item.server.url, item.server.child.pid, pipelining, seconds, item.scenario.request);
    runs.push({ serverId: item.server.spec.id, scenarioId: item.scenario.id, measurement });
    log(`round ${round + 1}/${rounds} ${item.scenario.id} ${item.server.spec.id}: ${integer(measurement.requestsPerSecond)} req/s`);
  }
  const markdown = report(runs);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, markdown);
  console.log(markdown);
} catch (error) {
  console.error('[bench:post] failed:', error);
  process.exitCode = 1;
} finally {
  await children.stopAll();
}

async function verify(server: RunningServer, scenario: Scenario): Promise<void> {
  const { method, path, headers, body } = scenario.request;
  const response = await fetch(new URL(path, server.url), { method, headers, body });
  const text = await response.text();
  const type = response.headers.get('content-type');
  const { expected } = scenario;
  if (response.status !== expected.status || type !== expected.contentType || text !== expected.body) {
    throw new Error(
      `${server.spec.id} ${scenario.id}: got ${response.status} ${type} ${JSON.stringify(text)}; ` +
        `expected ${expected.status} ${expected.contentType} ${JSON.stringify(expected.body)}`,
    );
  }
}

function report(runs: readonly Run[]): string {
  const lines = [
    '## POST bodies: JSON echo and urlencoded form',
    '',
    `${rounds} round(s) × ${seconds} s per server and scenario, 10 connections, \`-p ${pipelining}\`, ` +
      `servers pinned to CPU ${serverCpu ?? '-'} and autocannon to CPU ${clientCpu ?? '-'}; rounds interleave the ` +
      'servers in a shuffled order. Every server was first checked to answer each scenario with the same status, ' +
      'Content-Type and body. tsgi runs BaseHandler classes under `urlMap`, reading bodies with `this.json()` and ' +
      '`this.parseFields()`; Fastify uses its built-in JSON parser and a `querystring` content-type parser; bare ' +
      'node reads the stream and parses by hand.',
    '',
  ];
  for (const scenario of SCENARIOS) {
    const rpsOf = (id: string): number[] =>
      runs.filter((run) => run.serverId === id && run.scenarioId === scenario.id).map((run) => run.measurement.requestsPerSecond);
    const cpuOf = (id: string): number[] =>
      runs
        .filter((run) => run.serverId === id && run.scenarioId === scenario.id && run.measurement.serverCpu !== undefined)
        .map((run) => (run.measurement.serverCpu! * run.measurement.seconds * 1e6) / run.measurement.completed);
    const bare = median(rpsOf('node-http'));
    const bareCpu = cpuOf('node-http').length > 0 ? median(cpuOf('node-http')) : undefined;
    const rows = SPECS.map((spec) => {
      const rps = median(rpsOf(spec.id));
      const cpu = cpuOf(spec.id).length > 0 ? median(cpuOf(spec.id)) : undefined;
      return [
        spec.label,
        integer(rps),
        `**${ratio(rps / bare)}**`,
        cpu === undefined ? '-' : cpu.toFixed(1),
        cpu === undefined || bareCpu === undefined ? '-' : ratio(bareCpu / cpu),
      ];
    });
    lines.push(`### ${scenario.label}`, '');
    lines.push(`\`${scenario.request.method} ${scenario.request.path}\` with \`${scenario.request.body}\``, '');
    lines.push(table(['server', 'median req/s', 'ratio to bare', 'CPU µs/req', 'CPU-normalised ratio'], rows), '');
  }
  return lines.join('\n');
}
