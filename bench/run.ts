/**
 * `npm run bench`: for each group, start its servers, check their responses,
 * warm each up, measure them interleaved over rounds under wrk, stop them;
 * then the multipart part; then write the report. Any failed request aborts.
 *
 * @module
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLK_TCK, cpuTicks, startServer, type RunningServer } from './launch.js';
import { h2Section } from './h2/section.js';
import { importWeightSection } from './import-weight/section.js';
import { multipartSection } from './multipart/section.js';
import { summariseProfile } from './profile.js';
import { consoleLines, groupSection, machineSection, shuffled, type GroupOutcome, type RowResult } from './report.js';
import { isScenarioId, SCENARIOS, selectGroups, type Group, type Row, type ScenarioId } from './scenarios.js';
import { primeCookie, VerificationError, verifyGroup } from './verify/verify.js';
import { LoadError, refuseFailures, requireWrk, runWrk, writeScript, wrkFlags } from './wrk.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url)); // from dist/bench/
const outDir = join(repoRoot, 'bench', '.out');

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!(value > 0) || !Number.isInteger(value)) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

const config = {
  duration: positive('BENCH_DURATION', 3),
  rounds: positive('BENCH_ROUNDS', 3),
  connections: positive('BENCH_CONNECTIONS', 10),
  profile: process.env['BENCH_PROFILE'] === '1',
  output: process.env['BENCH_OUTPUT'] ?? join(repoRoot, 'bench', 'RESULTS.md'),
  importRuns: positive('BENCH_IMPORT_RUNS', 5),
  selected: process.env['BENCH_SCENARIOS']?.split(',').map((id) => id.trim()).filter((id) => id !== ''),
};

/** A run that saw a failed request: names the scenario and server. */
const log = (line: string): void => console.error(`[bench] ${line}`);

/** One wrk run against `server`, with its CPU per request; aborts on any failed request. */
async function measure(server: RunningServer, script: string, seconds: number): Promise<{ cpuMicros: number; rps: number }> {
  const before = cpuTicks(server.pid);
  const result = await runWrk({
    port: server.port,
    path: SCENARIOS[server.row.scenario].request.path,
    script,
    seconds,
    connections: config.connections,
  });
  const ticks = cpuTicks(server.pid) - before;
  const where = `scenario ${server.row.scenario}, server ${server.row.server} (${server.row.label})`;
  refuseFailures(result, where);
  return { cpuMicros: ((ticks / CLK_TCK) * 1e6) / result.requests, rps: result.requestsPerSecond };
}

/** The session cookie for rows whose visitor returns, from each row's own server. */
async function cookiesFor(servers: readonly RunningServer[]): Promise<Map<string, string>> {
  const cookies = new Map<string, string>();
  for (const server of servers) {
    if (SCENARIOS[server.row.scenario].cookie === 'returning') cookies.set(server.row.id, await primeCookie(server.port));
  }
  return cookies;
}

function scriptFor(group: Group, row: Row, cookie: string | undefined): string {
  const file = join(outDir, 'wrk', `${group.id}-${row.id}.lua`);
  writeScript(file, SCENARIOS[row.scenario].request, cookie);
  return file;
}

async function runGroup(group: Group): Promise<GroupOutcome> {
  log(`${group.id}: starting ${group.rows.map((row) => row.id).join(', ')}`);
  const servers: RunningServer[] = [];
  try {
    for (const row of group.rows) servers.push(await startServer(row, join(outDir, 'logs')));
    const cookies = await cookiesFor(servers);
    const verdicts = await verifyGroup(group.id, servers, cookies);
    const scripts = new Map(servers.map((server) => [server, scriptFor(group, server.row, cookies.get(server.row.id))]));
    for (const server of servers) await measure(server, scripts.get(server) as string, 1);
    const results = new Map<RunningServer, RowResult>(servers.map((s) => [s, { row: s.row, cpuMicros: [], requestsPerSecond: [] }]));
    for (let round = 1; round <= config.rounds; round++) {
      for (const server of shuffled(servers)) {
        const { cpuMicros, rps } = await measure(server, scripts.get(server) as string, config.duration);
        const result = results.get(server) as RowResult;
        result.cpuMicros.push(cpuMicros);
        result.requestsPerSecond.push(rps);
        log(`${group.id} round ${round}/${config.rounds} ${server.row.id}: ${cpuMicros.toFixed(1)} µs/req, ${Math.round(rps)} req/s`);
      }
    }
    return { group, results: [...results.values()], verdicts };
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
  }
}

/** Each tsgi row once more under `--cpu-prof`, with a top-20 self-time table beside the profile. */
async function profileGroup(group: Group): Promise<void> {
  for (const row of group.rows.filter((candidate) => candidate.server === 'tsgi')) {
    const dir = join(outDir, 'profiles', `${row.scenario}-${row.server}`);
    rmSync(dir, { recursive: true, force: true });
    const server = await startServer(row, join(outDir, 'logs'), ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    try {
      const cookies = await cookiesFor([server]);
      const script = scriptFor(group, row, cookies.get(row.id));
      await measure(server, script, 1); // so the profile is mostly of optimised code
      await measure(server, script, config.duration);
    } finally {
      await server.stop();
    }
    writeFileSync(join(dir, 'top.md'), summariseProfile(dir, 20));
    log(`profile: ${join(dir, 'top.md')}`);
  }
}

/** The parts of the bench that are not wrk scenarios, selectable by name too. */
const EXTRA_PARTS = ['multipart', 'import-weight', 'h2-hello'];

function selectedScenarios(): { scenarios: ScenarioId[] | undefined; multipart: boolean; importWeight: boolean; h2: boolean } {
  if (config.selected === undefined) return { scenarios: undefined, multipart: true, importWeight: true, h2: true };
  const unknown = config.selected.filter((id) => !EXTRA_PARTS.includes(id) && !isScenarioId(id));
  if (unknown.length > 0) throw new Error(`BENCH_SCENARIOS: unknown ${unknown.join(', ')}`);
  return {
    scenarios: config.selected.filter(isScenarioId),
    multipart: config.selected.includes('multipart'),
    importWeight: config.selected.includes('import-weight'),
    h2: config.selected.includes('h2-hello'),
  };
}

try {
  requireWrk();
  const started = performance.now();
  const { scenarios, multipart, importWeight, h2 } = selectedScenarios();
  const groups = scenarios?.length === 0 ? [] : selectGroups(scenarios);
  const settings = `BENCH_DURATION=${config.duration} BENCH_ROUNDS=${config.rounds} BENCH_CONNECTIONS=${config.connections}`;
  const sections = [machineSection(wrkFlags(config.connections, config.duration), `\`${settings}\`, warm-up 1 s per server`)];
  const outcomes: GroupOutcome[] = [];
  for (const group of groups) {
    const outcome = await runGroup(group);
    outcomes.push(outcome);
    sections.push(groupSection(outcome));
    console.log(consoleLines(outcome));
    if (config.profile) await profileGroup(group);
  }
  if (h2) {
    const streams = positive('BENCH_H2_STREAMS', 10);
    sections.push(await h2Section({ duration: config.duration, rounds: config.rounds, connections: config.connections, streams, logDir: outDir }, log));
  }
  if (importWeight) {
    log('import weight');
    sections.push(importWeightSection(config.importRuns));
  }
  if (multipart) sections.push(await multipartSection(log));
  sections.push(`Bench wall time: ${((performance.now() - started) / 1000).toFixed(0)} s.\n`);
  mkdirSync(dirname(config.output), { recursive: true });
  writeFileSync(config.output, sections.join('\n'));
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ config, outcomes }, null, 2));
  log(`wrote ${config.output}`);
} catch (error) {
  if (error instanceof VerificationError || error instanceof LoadError) {
    console.error(`[bench] ABORTED: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error('[bench] failed:', error);
    process.exitCode = 1;
  }
}
