/**
 * The bench's report, `bench/RESULTS.md`: machine, method, the per-level
 * tables with targets, and — when profiled — where the time goes.
 *
 * @module
 */
import type { BenchConfig } from '../config.js';
import type { Capture } from '../profile/capture.js';
import type { ProfileSummary } from '../profile/summarise.js';
import type { ServerSpec } from '../servers/catalog.js';
import type { RunRecord, ServerSummary } from '../stats.js';
import type { Verdict } from '../verify/verify.js';
import { integer, percent, ratio, table } from './format.js';
import type { MachineInfo } from './machine.js';
import { profileMarkdown } from './profile-markdown.js';

/**
 * A profile to show, with its summary.
 *
 * @example
 * ```ts
 * const profiled: ProfiledServer = { capture, summary: summariseProfile(capture.file, root) };
 * ```
 */
export interface ProfiledServer {
  capture: Capture;
  summary: ProfileSummary;
}

/**
 * Everything the report is written from.
 *
 * @example
 * ```ts
 * writeFileSync(config.output, renderReport(report));
 * ```
 */
export interface BenchReport {
  machine: MachineInfo;
  config: BenchConfig;
  servers: readonly ServerSpec[];
  /** CPUs each server child reported, by server id. */
  serverCpus: ReadonlyMap<string, string>;
  clientCpus: string;
  verdicts: readonly Verdict[];
  /** One list per pipelining level, in config order. */
  summaries: ReadonlyArray<readonly ServerSummary[]>;
  records: readonly RunRecord[];
  /** What noise handling did: re-runs made and seconds spent waiting for quiet. */
  noise: { retries: number; waitedSeconds: number };
  /** Why profiles were or were not taken. */
  profileReason: string;
  profiles: readonly ProfiledServer[];
  elapsedSeconds: number;
  /** `os.loadavg()` when the report was written. */
  loadAverageEnd: readonly number[];
}

// Above this the load generator, not the server, may be what limits req/s,
// which squeezes every ratio towards 1.
const CLIENT_SATURATED = 0.9;

/**
 * Renders the whole report as Markdown.
 *
 * @example
 * ```ts
 * const markdown = renderReport(report);
 * ```
 */
export function renderReport(report: BenchReport): string {
  return [
    '# tsgi benchmark: hello world',
    '',
    `Written by \`npm run bench\` at ${report.machine.date}; rerun it rather than editing this file.`,
    report.config.quick ? '\n**Smoke run (`BENCH_QUICK=1`): too short to trust.**\n' : '',
    machineSection(report),
    methodSection(report),
    verificationSection(report),
    resultsSection(report),
    targetsSection(report),
    profileSection(report),
    rawSection(report),
  ].join('\n');
}

function machineSection({ machine, loadAverageEnd }: BenchReport): string {
  return [
    '## Machine',
    '',
    `- Date: ${machine.date}`,
    `- Node: ${machine.node}`,
    `- CPU: ${machine.cpuModel}, ${machine.cores} cores`,
    `- Memory: ${machine.totalMemoryGiB.toFixed(1)} GiB`,
    `- Kernel: ${machine.kernel}`,
    `- Load average at start (1, 5, 15 min): ${machine.loadAverage.map((value) => value.toFixed(2)).join(', ')}` +
      ' — the machine is shared, so other work may run during the bench.',
    `- Load average at end: ${loadAverageEnd.map((value) => value.toFixed(2)).join(', ')}`,
    '',
  ].join('\n');
}

function methodSection(report: BenchReport): string {
  const { config, machine } = report;
  const cpus = [...report.serverCpus.entries()].map(([id, cpus]) => `${id}: ${cpus}`).join(', ');
  const pinning = machine.pinned
    ? `Each server runs in its own child process pinned with \`taskset -c ${config.serverCpu}\`; ` +
      `autocannon runs in a separate long-lived child pinned with \`taskset -c ${config.clientCpu}\`. ` +
      `CPUs the children reported (\`Cpus_allowed_list\`): ${cpus}; autocannon: ${report.clientCpus}.`
    : '**Unpinned**: `/usr/bin/taskset` was not found, so servers and autocannon share both cores.';
  const perCell = config.warmupSeconds + config.rounds * config.durationSeconds;
  return [
    '## Method',
    '',
    `- ${pinning}`,
    '- Servers listen on 127.0.0.1 with an ephemeral port and stay up for the whole run, so they stay JIT-warm.',
    `- Load: autocannon 9 (programmatic API), ${config.connections} keep-alive connections, ` +
      `pipelining ${config.pipelining.map((level) => `\`-p ${level}\``).join(' and ')}, \`GET /\`.`,
    `- Before measuring: every server must answer two requests on one connection with bare node's bytes (below).`,
    `- Warm-up: ${config.warmupSeconds} s per server and pipelining level, not counted.`,
    `- Measured: ${config.rounds} round(s) × ${config.durationSeconds} s per server and level (${perCell} s of load per server and level, warm-up included). ` +
      'Within a round servers are interleaved in an order shuffled afresh for every round and level (fixed seed), and the pipelining levels alternate, ' +
      "so a noisy patch on the shared machine lands on different servers rather than one server's runs, " +
      'and no server always follows the same neighbour on the core.',
    '- req/s = completed requests ÷ elapsed seconds of one run. Reported: the **median** over rounds; ' +
      'the ratio of that median to bare node:http\'s median; and, as a noise check, the median of per-round ratios ' +
      '(each server against bare node in the same round).',
    noiseLine(report),
    '- Any failed request (error, timeout, reset, non-2xx) aborts the bench.',
    '- Server CPU is user + system time from `/proc/PID/stat` over the run (100 % = one full core); ' +
      'CPU µs/req is that time per completed request. The CPU-normalised ratio is bare node\'s CPU µs/req over the ' +
      'server\'s: what the req/s ratio would be if each had its core to itself. Other processes on a core lower req/s ' +
      'much more than the CPU a request costs, so it is the steadier of the two on a shared machine (though not immune: ' +
      'a neighbour also pollutes caches, and a starved server batches fewer requests per event-loop turn). ' +
      'Client CPU is autocannon\'s own use; near 100 % it may be the bottleneck. ' +
      '"Other work" is the rest of that core\'s busy time from `/proc/stat` (steal included): the shared machine\'s noise.',
    '- Targets are judged on the ratio of medians, as asked.',
    `- Settings: \`BENCH_DURATION=${config.durationSeconds} BENCH_ROUNDS=${config.rounds} BENCH_WARMUP=${config.warmupSeconds} ` +
      `BENCH_CONNECTIONS=${config.connections} BENCH_PIPELINING=${config.pipelining.join(',')} ` +
      `BENCH_NOISE_LIMIT=${Math.round(config.noiseLimit * 100)} BENCH_BUDGET=${config.budgetSeconds}` +
      (config.serverNodeArgs.length === 0 ? '' : ` BENCH_SERVER_NODE_ARGS='${config.serverNodeArgs.join(' ')}'`) +
      '`; ' +
      `total wall time ${Math.round(report.elapsedSeconds)} s.`,
    '',
  ].join('\n');
}

function noiseLine({ config, noise, machine, records }: BenchReport): string {
  if (!machine.pinned || config.noiseLimit >= 1) return '- Noise handling: off.';
  const limit = percent(config.noiseLimit);
  const spoiled = records.filter((record) => record.spoiled).length;
  return (
    `- Noise handling: before each measured run the bench waits (at most 10 s at a time) until other processes use under ${limit} ` +
    `of both the server's and the client's core, and a run during which they used more is run again. Both draw on a budget ` +
    `of ${config.budgetSeconds} s for the measured rounds (\`BENCH_BUDGET\`); once its slack is spent, runs are kept as they come. ` +
    'Whether a run is spoiled depends on the machine, not on the server under test, so this favours no server. ' +
    `This run: ${noise.retries} re-run(s), ${noise.waitedSeconds.toFixed(0)} s spent waiting, ` +
    `${spoiled} of ${records.length} kept runs still above the limit. ` +
    '(`BENCH_NOISE_LIMIT` in percent; `BENCH_NOISE_LIMIT=100` turns this off.)'
  );
}

function verificationSection(report: BenchReport): string {
  const reference = report.verdicts.find((verdict) => report.servers.find((s) => s.id === verdict.id)?.reference);
  return [
    '## Response check',
    '',
    'Compared: status line, every header in order except `Date`, `Connection` and `Keep-Alive`, and the body.',
    '',
    table(
      ['server', 'result'],
      report.verdicts.map((verdict) => [
        label(report, verdict.id),
        verdict.exact ? 'byte-identical' : `identical except header-name case: ${verdict.note ?? ''}`,
      ]),
    ),
    '',
    'The compared bytes of bare node:http:',
    '',
    '```http',
    (reference?.wire ?? '').replace(/\r\n/g, '\n').trimEnd(),
    '```',
    '',
  ].join('\n');
}

function resultsSection(report: BenchReport): string {
  const parts = ['## Results', ''];
  for (const rows of report.summaries) {
    const level = rows[0]?.pipelining;
    parts.push(`### Pipelining ${level} (\`-p ${level}\`, ${report.config.connections} connections)`, '');
    parts.push(
      table(
        ['server', 'median req/s', 'ratio to bare', 'per-round ratio', 'CPU µs/req', 'CPU-normalised ratio', 'target', 'result'],
        rows.map((row) => [
          row.target === undefined ? row.label : `**${row.label}**`,
          integer(row.medianRps),
          `**${ratio(row.ratio)}**`,
          ratio(row.roundRatioMedian),
          row.cpuMicrosPerRequest === undefined ? 'n/a' : row.cpuMicrosPerRequest.toFixed(1),
          row.cpuRatio === undefined ? 'n/a' : ratio(row.cpuRatio),
          row.target === undefined ? '' : `≥ ${row.target.toFixed(2)}×`,
          row.met === undefined ? '' : row.met ? 'met' : '**missed**',
        ]),
      ),
      '',
      'Conditions of the same runs (medians):',
      '',
      table(
        ['server', 'min – max req/s', 'p99 ms', 'server CPU', 'client CPU', 'other work on server core', 'other work on client core', 'spoiled runs kept'],
        rows.map((row) => [
          row.label,
          `${integer(row.minRps)} – ${integer(row.maxRps)}`,
          String(row.medianP99Ms),
          percent(row.medianServerCpu),
          percent(row.medianClientCpu),
          percent(row.medianServerCoreOther),
          percent(row.medianClientCoreOther),
          String(row.spoiledRuns),
        ]),
      ),
      '',
    );
    const saturated = rows.filter((row) => row.medianClientCpu > CLIENT_SATURATED);
    if (saturated.length > 0) {
      parts.push(
        `Note: autocannon used over ${percent(CLIENT_SATURATED)} of its core against ${saturated.map((row) => row.label).join(', ')}; ` +
          'at this level the client may be limiting req/s, which pulls ratios towards 1.',
        '',
      );
    }
  }
  return parts.join('\n');
}

function targetsSection(report: BenchReport): string {
  const lines = ['## Targets', ''];
  if (!report.servers.some((server) => server.target !== undefined)) lines.push('No server with a target was run.');
  for (const server of report.servers.filter((s) => s.target !== undefined)) {
    const results = report.summaries.flatMap((rows) => rows.filter((row) => row.id === server.id));
    const cells = results.map(
      (row) =>
        `\`-p ${row.pipelining}\` ${ratio(row.ratio)} ${row.met ? 'met' : '**missed**'}` +
        (row.cpuRatio === undefined ? '' : ` (CPU-normalised ${ratio(row.cpuRatio)})`),
    );
    lines.push(`- ${server.label} ≥ ${server.target!.toFixed(2)}× bare node: ${cells.join('; ')}`);
  }
  lines.push('');
  return lines.join('\n');
}

function profileSection(report: BenchReport): string {
  const parts = ['## Where the time goes', '', report.profileReason, ''];
  if (report.profiles.length === 0) return parts.join('\n');
  parts.push(
    'Reproduce with `BENCH_PROFILE=1 npm run bench` (profiles are written to `bench/.out/profiles/`; ' +
      'summarise one again with `node dist/bench/profile/cli.js FILE.cpuprofile`). ' +
      `Each profile is a fresh server child started with \`node --cpu-prof\` (1 ms sampling), given ${report.config.warmupSeconds} s of ` +
      `warm-up and ${report.config.profileSeconds} s of the same load, then told to exit so V8 writes the profile; ` +
      'only samples from the measured load are counted. ' +
      'Bare node:http is profiled alongside as the baseline. tsgi frames are mapped to `src/*.ts` through the source maps.',
    '',
  );
  for (const level of [...new Set(report.profiles.map((profiled) => profiled.capture.pipelining))]) {
    parts.push(perRequestComparison(report.profiles.filter((profiled) => profiled.capture.pipelining === level), level), '');
  }
  for (const { capture, summary } of report.profiles) {
    parts.push(
      profileMarkdown(
        `${capture.spec.label}, \`-p ${capture.pipelining}\` (${integer(capture.requestsPerSecond)} req/s while profiled)`,
        summary,
      ),
      '',
    );
  }
  return parts.join('\n');
}

/**
 * CPU time per request by area, side by side for every server profiled at one
 * level. Bare node's column is what any server on node:http must pay; what a
 * server spends beyond it, area by area, is its own overhead.
 */
function perRequestComparison(profiles: readonly ProfiledServer[], level: number): string {
  const areas = [...new Set(profiles.flatMap((profiled) => profiled.summary.areas.map((entry) => entry.area)))];
  const perRequest = (profiled: ProfiledServer, ms: number): string =>
    ((ms * 1_000) / profiled.capture.completed).toFixed(2);
  const rows = areas.map((area) => [
    area,
    ...profiles.map((profiled) => perRequest(profiled, profiled.summary.areas.find((entry) => entry.area === area)?.ms ?? 0)),
  ]);
  rows.push(['**all busy time**', ...profiles.map((profiled) => `**${perRequest(profiled, profiled.summary.busyMs)}**`)]);
  return [
    `CPU µs per request by area at \`-p ${level}\`, from the profiled runs (sampling inflates every column alike):`,
    '',
    table(['area', ...profiles.map((profiled) => profiled.capture.spec.label)], rows),
  ].join('\n');
}

function rawSection(report: BenchReport): string {
  const rows = report.records.map(({ round, pipelining, serverId, measurement, attempts, spoiled }) => [
    String(round + 1),
    `${attempts}${spoiled ? ' (spoiled)' : ''}`,
    String(pipelining),
    serverId,
    integer(measurement.requestsPerSecond),
    String(measurement.latencyP99Ms),
    percent(measurement.serverCpu),
    percent(measurement.clientCpu),
    percent(measurement.serverCoreOther),
    percent(measurement.clientCoreOther),
  ]);
  return [
    '## Every run',
    '',
    '<details><summary>In the order they ran</summary>',
    '',
    table(['round', 'tries', 'pipelining', 'server', 'req/s', 'p99 ms', 'server CPU', 'client CPU', 'other on server core', 'other on client core'], rows),
    '',
    '</details>',
    '',
  ].join('\n');
}

function label(report: BenchReport, id: string): string {
  return report.servers.find((server) => server.id === id)?.label ?? id;
}
