/**
 * The Markdown report: the machine, then one table per group with medians,
 * ratios and targets.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { Group, Row } from './scenarios.js';
import type { Verdict } from './verify/verify.js';

/** One row's measured rounds. */
export interface RowResult {
  row: Row;
  /** Server CPU µs per request, one per round. */
  cpuMicros: number[];
  requestsPerSecond: number[];
}

/** One group's results and check verdicts. */
export interface GroupOutcome {
  group: Group;
  results: RowResult[];
  verdicts: Verdict[];
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** A shuffled copy (Fisher–Yates), so each round runs the servers in a new order and drift hits all alike. */
export function shuffled<T>(items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function cpuModel(): string {
  const line = readFileSync('/proc/cpuinfo', 'utf8')
    .split('\n')
    .find((candidate) => candidate.startsWith('model name'));
  return line?.split(':')[1]?.trim() ?? 'unknown';
}

/** The machine section: date, Node, CPU, cores, kernel, load generator. */
export function machineSection(load: string, settings: string): string {
  // wrk -v prints its version, then exits 1.
  const wrkVersion = spawnSync('/usr/bin/wrk', ['-v'], { encoding: 'utf8' }).stdout.split(' Copyright')[0]?.trim();
  return [
    '# tsgi benchmark',
    '',
    'Written by `npm run bench`; rerun it rather than editing this file. Method and variables: [README.md](README.md).',
    '',
    `- Date: ${new Date().toISOString()}`,
    `- Node: ${process.version}`,
    `- CPU: ${cpuModel()}, ${os.cpus().length} cores`,
    `- Kernel: ${os.type()} ${os.release()}`,
    `- Load average at start: ${os.loadavg().map((load) => load.toFixed(2)).join(', ')}`,
    `- Load: ${wrkVersion}; \`${load}\`; servers pinned with \`taskset -c 0\``,
    `- Settings: ${settings}`,
    '',
    'CPU µs/req is the server process\'s utime + stime from `/proc/PID/stat` over one wrk run ÷ the requests wrk counted; medians over rounds, min–max beside. Lower is better.',
    '',
  ].join('\n');
}

const fixed = (value: number, digits = 1): string => value.toFixed(digits);
const integer = (value: number): string => Math.round(value).toLocaleString('en-US').replace(/,/g, ' ');

/** One group's table, its targets judged on medians of CPU per request. */
export function groupSection({ group, results, verdicts }: GroupOutcome): string {
  const medianCpu = new Map(results.map((result) => [result.row.id, median(result.cpuMicros)]));
  const lines = [
    `## ${group.title}`,
    '',
    '| server | CPU µs/req | min–max | req/s | target | ratio | result |',
    '| --- | ---: | ---: | ---: | --- | ---: | --- |',
  ];
  for (const { row, cpuMicros, requestsPerSecond } of results) {
    const cpu = medianCpu.get(row.id) as number;
    let target = '';
    let ratio = '';
    let verdict = '';
    if (row.target !== undefined) {
      const against = medianCpu.get(row.target.against);
      const label = results.find((result) => result.row.id === row.target?.against)?.row.label ?? row.target.against;
      target = `≤ ${row.target.ratio}× ${label}`;
      if (against !== undefined) {
        const value = cpu / against;
        ratio = `${fixed(value, 2)}×`;
        verdict = value <= row.target.ratio ? 'met' : '**missed**';
      }
    }
    const range = `${fixed(Math.min(...cpuMicros))}–${fixed(Math.max(...cpuMicros))}`;
    lines.push(`| ${row.label} | ${fixed(cpu)} | ${range} | ${integer(median(requestsPerSecond))} | ${target} | ${ratio} | ${verdict} |`);
  }
  const notes = verdicts.filter((verdict) => verdict.note !== undefined);
  lines.push('', `Response check: every row answered as bare node:http${notes.length === 0 ? '.' : ', except (excused):'}`);
  for (const { row, note } of notes) lines.push(`- ${row.label}: ${note}`);
  lines.push('');
  return lines.join('\n');
}

/** A short terminal summary of a group. */
export function consoleLines({ group, results }: GroupOutcome): string {
  return results
    .map(({ row, cpuMicros, requestsPerSecond }) =>
      `${group.id}/${row.id}: ${fixed(median(cpuMicros))} µs/req, ${integer(median(requestsPerSecond))} req/s`,
    )
    .join('\n');
}
