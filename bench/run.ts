/**
 * The hello-world benchmark: tsgi (function app and BaseHandler app) against
 * bare node:http, Fastify and Express. Run it with `npm run bench`; see
 * `config.ts` for the `BENCH_*` settings and `bench/RESULTS.md` for output.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readConfig } from './config.js';
import { LoadClient } from './load/client.js';
import { measureQuietly, NoiseBudget } from './measure.js';
import { hasTaskset } from './process/affinity.js';
import { waitForQuiet } from './process/quiet.js';
import { ChildGroup } from './process/child.js';
import { captureProfile } from './profile/capture.js';
import { planProfiles } from './profile/plan.js';
import { summariseProfile } from './profile/summarise.js';
import { consoleSummary } from './report/console.js';
import { integer, percent } from './report/format.js';
import { describeMachine } from './report/machine.js';
import { renderReport, type ProfiledServer } from './report/markdown.js';
import { SERVERS, type ServerSpec } from './servers/catalog.js';
import { launchServer, type RunningServer } from './servers/launch.js';
import { schedule } from './schedule.js';
import { runSections, sectionsMarkdown, selectSections } from './sections.js';
import { summarise, type RunRecord } from './stats.js';
import { VerificationError, verifyServers } from './verify/verify.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url)); // from dist/bench/
const started = performance.now();
const pinned = hasTaskset();
const config = readConfig(process.env, pinned);
const machine = describeMachine(pinned);
const servers = selectServers(config.servers);
const children = new ChildGroup();
const log = (message: string): void => console.error(`[bench] ${message}`);

// However the run ends — error, Ctrl-C, or kill — no server is left behind.
process.on('exit', () => children.killAllNow());
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping children`);
    void children.stopAll().finally(() => process.exit(130));
  });
}

try {
  if (!pinned) log('taskset not found: running unpinned');
  log(`${servers.length} servers × ${config.pipelining.length} levels × ${config.rounds} rounds × ${config.durationSeconds} s`);
  const loader = await LoadClient.start(children, {
    cores: { server: config.serverCpu, client: config.clientCpu },
    connections: config.connections,
  });
  const running: RunningServer[] = [];
  for (const spec of servers) {
    running.push(await launchServer(children, spec, { ...cpuOption(config.serverCpu), nodeArgs: config.serverNodeArgs }));
  }

  const verdicts = await verifyServers(running);
  log('every response matches bare node:http');

  for (const pipelining of config.pipelining) {
    for (const server of running) {
      log(`warm-up ${server.spec.id} -p ${pipelining}`);
      await loader.run(server.url, server.child.pid, pipelining, config.warmupSeconds);
    }
  }

  const noise = new NoiseBudget({
    // Unpinned, there is no core that our own children leave alone to watch.
    cores: config.serverCpu === undefined || config.clientCpu === undefined ? [] : [config.serverCpu, config.clientCpu],
    limit: config.noiseLimit,
    runSeconds: config.durationSeconds,
    budgetSeconds: config.budgetSeconds,
  });
  const records: RunRecord[] = [];
  const slots = schedule(running, config.pipelining, config.rounds);
  for (const [index, { round, pipelining, item: server }] of slots.entries()) {
    const runsLeft = slots.length - index;
    const { measurement, attempts, spoiled } = await measureQuietly(
      loader,
      server,
      pipelining,
      config.durationSeconds,
      noise,
      runsLeft,
    );
    records.push({ round, pipelining, serverId: server.spec.id, measurement, attempts, spoiled });
    const other = percent(Math.max(measurement.serverCoreOther ?? 0, measurement.clientCoreOther ?? 0));
    log(
      `round ${round + 1}/${config.rounds} -p ${pipelining} ${server.spec.id}: ` +
        `${integer(measurement.requestsPerSecond)} req/s (other work ≤ ${other}, attempt ${attempts})`,
    );
  }
  const summaries = config.pipelining.map((level) => summarise(records, servers, level));
  // Free the server CPU before profiling, so profiles see the same machine.
  for (const server of running) await children.stop(server.child);

  const plan = planProfiles(config.profile, summaries, servers);
  const profiles: ProfiledServer[] = [];
  for (const { spec, pipelining } of plan.targets) {
    log(`profiling ${spec.id} -p ${pipelining}`);
    await waitForQuiet(noise.cores, noise.limit, 10_000);
    const capture = await captureProfile({
      group: children,
      loader,
      spec,
      pipelining,
      warmupSeconds: config.warmupSeconds,
      seconds: config.profileSeconds,
      dir: join(config.outDir, 'profiles'),
      nodeArgs: config.serverNodeArgs,
      ...cpuOption(config.serverCpu),
    });
    profiles.push({ capture, summary: summariseProfile(capture.file, repoRoot, 15, capture.window) });
  }

  const report = renderReport({
    machine,
    config,
    servers,
    serverCpus: new Map(running.map((server) => [server.spec.id, server.cpus])),
    clientCpus: loader.cpus,
    verdicts,
    summaries,
    records,
    profileReason: plan.reason,
    noise: { retries: noise.retries, waitedSeconds: noise.waitedMs / 1_000 },
    profiles,
    elapsedSeconds: (performance.now() - started) / 1_000,
    loadAverageEnd: loadavg(),
  });
  const outcomes = await runSections(selectSections(process.env['BENCH_SECTIONS']), log);
  mkdirSync(dirname(config.output), { recursive: true });
  writeFileSync(config.output, report + sectionsMarkdown(outcomes));
  mkdirSync(config.outDir, { recursive: true });
  writeFileSync(join(config.outDir, 'results.json'), JSON.stringify({ machine, config, records, summaries }, null, 2));

  console.log(consoleSummary(summaries));
  console.log(`\nwrote ${config.output}`);
} catch (error) {
  if (error instanceof VerificationError) {
    console.error(`\n[bench] ABORTED: responses differ, so the numbers would not compare like with like.\n${error.message}`);
    process.exitCode = 2;
  } else {
    console.error('[bench] failed:', error);
    process.exitCode = 1;
  }
} finally {
  await children.stopAll();
}

/** The servers named by BENCH_SERVERS, in catalog order, always with bare node (the reference). */
function selectServers(ids: string[] | undefined): ServerSpec[] {
  if (ids === undefined) return [...SERVERS];
  const unknown = ids.filter((id) => !SERVERS.some((server) => server.id === id));
  if (unknown.length > 0) {
    throw new Error(`BENCH_SERVERS: unknown ${unknown.join(', ')}; known: ${SERVERS.map((s) => s.id).join(', ')}`);
  }
  return SERVERS.filter((server) => server.reference || ids.includes(server.id));
}

function cpuOption(cpu: number | undefined): { cpu?: number } {
  return cpu === undefined ? {} : { cpu };
}
