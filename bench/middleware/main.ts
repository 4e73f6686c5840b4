/**
 * Hello world through the middleware stack, one layer at a time, against
 * bare node:http in one run: tsgi alone, then `compress`, then `accessLog`
 * (to a stream that discards), then `sessions` with a `MemoryStore`. Each
 * server child is pinned to CPU 0 and autocannon to CPU 1; rounds
 * interleave the servers in a shuffled order. The report gives medians, the
 * ratio to bare node (target ≥ 0.6× for the whole stack) and what each layer
 * adds per request.
 *
 * Every request carries a valid session cookie and `Accept-Encoding: gzip,
 * deflate, br`, as a browser's would; the 13-byte body stays below
 * `compress`'s threshold, so the layer negotiates and adds `Vary` but does
 * not compress, which is what it costs on small responses.
 *
 * Run alone with `node dist/bench/middleware/main.js` (after `npm run
 * build`), or as part of `npm run bench`. Writes `bench/.out/middleware.md`.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELLO_BODY, HELLO_CONTENT_TYPE } from '../hello.js';
import { LoadClient, type Measurement } from '../load/client.js';
import type { RequestShape } from '../load/protocol.js';
import { hasTaskset } from '../process/affinity.js';
import { ChildGroup, type NodeChild } from '../process/child.js';
import { hasType } from '../process/protocol.js';
import { waitForQuiet } from '../process/quiet.js';
import { integer, ratio, table } from '../report/format.js';
import { schedule } from '../schedule.js';
import { SERVERS } from '../servers/catalog.js';
import { BENCH_HOST } from '../servers/child-runtime.js';
import { launchServer } from '../servers/launch.js';
import { isReadyMessage } from '../servers/protocol.js';
import { median } from '../stats.js';
import { LAYER_CONFIGS, PRIME_PATH } from './layers.js';

const quick = process.env['BENCH_QUICK'] === '1';
const rounds = Number(process.env['BENCH_MIDDLEWARE_ROUNDS'] ?? (quick ? 1 : 5));
const seconds = Number(process.env['BENCH_MIDDLEWARE_DURATION'] ?? (quick ? 1 : 2));
const TARGET = 0.6;
const pipelining = 1;
const connections = 10;
const pinned = hasTaskset();
const serverCpu = pinned ? 0 : undefined;
const clientCpu = pinned ? 1 : undefined;
const outFile = fileURLToPath(new URL('../../../bench/.out/middleware.md', import.meta.url));
const serverScript = fileURLToPath(new URL('./server.js', import.meta.url));
const inProcessScript = fileURLToPath(new URL('./in-process.js', import.meta.url));
const cpu = serverCpu === undefined ? {} : { cpu: serverCpu };

/** A server under test, bare node or a tsgi layer configuration. */
interface Target {
  id: string;
  label: string;
  url: string;
  pid: number;
  child: NodeChild;
}

interface Run {
  id: string;
  measurement: Measurement;
}

const log = (message: string): void => console.error(`[bench:middleware] ${message}`);
const children = new ChildGroup();
process.on('exit', () => children.killAllNow());

try {
  const started = performance.now();
  const loader = await LoadClient.start(children, { cores: { server: serverCpu, client: clientCpu }, connections });
  const bareSpec = SERVERS.find((spec) => spec.reference === true)!;
  const bare = await launchServer(children, bareSpec, cpu);
  const targets: Target[] = [{ id: bareSpec.id, label: bareSpec.label, url: bare.url, pid: bare.child.pid, child: bare.child }];
  for (const config of LAYER_CONFIGS) {
    const child = children.spawn(serverScript, { name: config.id, ...cpu, args: [config.layers.join(',')] });
    const ready = await child.waitFor(isReadyMessage, 20_000);
    targets.push({ id: config.id, label: config.label, url: `http://${BENCH_HOST}:${ready.port}/`, pid: child.pid, child });
  }
  const request = await browserLikeRequest(targets.at(-1)!.url);
  for (const target of targets) await verify(target, request);
  log('every server answers 200 with the same type and body, uncompressed');

  for (const target of targets) await loader.run(target.url, target.pid, pipelining, 1, request);
  const runs: Run[] = [];
  for (const { round, item } of schedule(targets, [pipelining], rounds)) {
    if (serverCpu !== undefined && clientCpu !== undefined) await waitForQuiet([serverCpu, clientCpu], 0.1, 2_000);
    const measurement = await loader.run(item.url, item.pid, pipelining, seconds, request);
    runs.push({ id: item.id, measurement });
    log(`round ${round + 1}/${rounds} ${item.id}: ${integer(measurement.requestsPerSecond)} req/s`);
  }
  // Free CPU 0 for the in-process measurement.
  for (const target of targets) await children.stop(target.child);
  log('measuring each configuration in process');
  const costs = await measureInProcess();
  const markdown = report(targets, runs, costs, (performance.now() - started) / 1000);
  mkdirSync(dirname(outFile), { recursive: true });
  writeFileSync(outFile, markdown);
  console.log(markdown);
} catch (error) {
  console.error('[bench:middleware] failed:', error);
  process.exitCode = 1;
} finally {
  await children.stopAll();
}

/** Each configuration's own CPU µs per request, measured in a pinned child without a server. */
async function measureInProcess(): Promise<Record<string, number>> {
  const child = children.spawn(inProcessScript, { name: 'in-process', ...cpu });
  try {
    const answer = await child.waitFor(
      (m): m is { type: 'costs'; micros: Record<string, number> } => hasType(m, 'costs'),
      120_000,
    );
    return answer.micros;
  } finally {
    await children.stop(child);
  }
}

/** The request autocannon repeats: a session cookie from the session server, and a browser's Accept-Encoding. */
async function browserLikeRequest(sessionUrl: string): Promise<RequestShape> {
  const primed = await fetch(new URL(PRIME_PATH, sessionUrl));
  await primed.text();
  const cookie = primed.headers.get('set-cookie')?.split(';', 1)[0];
  if (cookie === undefined) throw new Error('the session server set no cookie on the priming request');
  return {
    method: 'GET',
    path: '/',
    headers: { cookie, 'accept-encoding': 'gzip, deflate, br', 'user-agent': 'autocannon (tsgi middleware bench)' },
    body: '',
  };
}

async function verify(target: Target, request: RequestShape): Promise<void> {
  const response = await fetch(new URL(request.path, target.url), { headers: request.headers });
  const text = await response.text();
  const type = response.headers.get('content-type');
  const encoding = response.headers.get('content-encoding');
  if (response.status !== 200 || type !== HELLO_CONTENT_TYPE || text !== HELLO_BODY || encoding !== null) {
    throw new Error(`${target.id}: got ${response.status} ${type} ${encoding} ${JSON.stringify(text)}`);
  }
  if (target.id === 'session' && response.headers.get('set-cookie') !== null) {
    throw new Error('session: the primed cookie was not accepted (a new session was issued)');
  }
}

function report(targets: readonly Target[], runs: readonly Run[], costs: Record<string, number>, elapsed: number): string {
  const samples = (id: string): number[] => runs.filter((run) => run.id === id).map((run) => run.measurement.requestsPerSecond);
  const rpsOf = (id: string): number => median(samples(id));
  // On a shared machine the fastest run is the least disturbed one.
  const bestOf = (id: string): number => Math.max(...samples(id));
  const cpuOf = (id: string): number | undefined => {
    const values = runs
      .filter((run) => run.id === id && run.measurement.serverCpu !== undefined)
      .map((run) => (run.measurement.serverCpu! * run.measurement.seconds * 1e6) / run.measurement.completed);
    return values.length > 0 ? median(values) : undefined;
  };
  const bareRps = rpsOf(targets[0]!.id);
  const bareBest = bestOf(targets[0]!.id);
  const signed = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(1)}`;
  const signed2 = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;
  // Each tsgi row after the first is compared with the row above: what its
  // one extra layer adds, in wall time per request at this load and in
  // server CPU per request (the steadier of the two on a shared machine).
  const rows = targets.map((target, index) => {
    const rps = rpsOf(target.id);
    const cpuPerRequest = cpuOf(target.id);
    const above = index >= 2 ? targets[index - 1]!.id : undefined;
    const wallAdded = above === undefined ? '-' : signed(1e6 / rps - 1e6 / rpsOf(above));
    const aboveCpu = above === undefined ? undefined : cpuOf(above);
    const cpuAdded = cpuPerRequest === undefined || aboveCpu === undefined ? '-' : signed(cpuPerRequest - aboveCpu);
    const best = bestOf(target.id);
    const own = costs[target.id];
    const ownAbove = above === undefined ? undefined : costs[above];
    return [
      target.label,
      integer(rps),
      `**${ratio(rps / bareRps)}**`,
      integer(best),
      ratio(best / bareBest),
      cpuPerRequest === undefined ? '-' : cpuPerRequest.toFixed(1),
      wallAdded,
      cpuAdded,
      own === undefined ? '-' : own.toFixed(2),
      own === undefined || ownAbove === undefined ? '-' : signed2(own - ownAbove),
    ];
  });
  const full = rpsOf(targets.at(-1)!.id) / bareRps;
  const fullBest = bestOf(targets.at(-1)!.id) / bareBest;
  return [
    '## Middleware: hello through compress, accessLog and sessions',
    '',
    `${rounds} round(s) × ${seconds} s per server, ${connections} connections, \`-p ${pipelining}\`, servers pinned to CPU ` +
      `${serverCpu ?? '-'} and autocannon to CPU ${clientCpu ?? '-'}; rounds interleave the servers in a shuffled order ` +
      `(${elapsed.toFixed(0)} s in all). Each tsgi row adds one layer to the row above (\`stack(hello, sessions, compress, accessLog)\`, ` +
      'innermost first). Requests carry a valid session cookie and `Accept-Encoding: gzip, deflate, br`; the app reads the ' +
      "session, and the 13-byte body stays under compress's 1 KiB threshold, so compress negotiates and adds `Vary` " +
      'without compressing. accessLog writes Combined Log Format lines to a stream that discards them.',
    '',
    table(
      [
        'server',
        'median req/s',
        'ratio to bare node',
        'best req/s',
        'ratio of bests',
        'server CPU µs/req',
        'layer adds, wall µs/req',
        'layer adds, CPU µs/req',
        'in process, µs/req',
        'layer adds, in process',
      ],
      rows,
    ),
    '',
    `Whole stack: **${ratio(full)}** of bare node:http by medians, ${ratio(fullBest)} by best runs ` +
      `(target ≥ ${TARGET}×): ${full >= TARGET ? 'met' : 'missed'}. Spread of the runs (min–max req/s): ` +
      targets.map((target) => `${target.id} ${integer(Math.min(...samples(target.id)))}–${integer(bestOf(target.id))}`).join(', ') +
      '; a wide spread means other work shared the cores, and the medians are then rough.',
    '',
    'The last two columns time the app and its middleware alone, called in process on CPU ' +
      `${serverCpu ?? '-'} with the same request (no server, no sockets), best of five rounds: what each layer costs ` +
      'in CPU, free of the load generator and of other work on the machine.',
    '',
  ].join('\n');
}
