/**
 * The import-weight section of the report: each target's resident set and
 * import time, each measured in fresh processes pinned to one core, medians
 * over several runs, beside bare node:http.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { median } from '../report.js';
import { IMPORT_TARGETS, type ImportTargetId } from './targets.js';

const PROBE = fileURLToPath(new URL('./probe.js', import.meta.url));
const MIB = 1024 * 1024;

/** One target's medians. */
export interface ImportWeight {
  id: ImportTargetId;
  rssMiB: number;
  startMs: number;
}

interface ProbeLine {
  rssBytes: number;
  startMs: number;
}

function probe(id: ImportTargetId): ProbeLine {
  const run = spawnSync('taskset', ['-c', '0', process.execPath, '--expose-gc', PROBE, id], { encoding: 'utf8', timeout: 30_000 });
  if (run.status !== 0) throw new Error(`import probe ${id} failed (${run.status ?? run.signal}): ${run.stderr.trim()}`);
  return JSON.parse(run.stdout) as ProbeLine;
}

/** Measures every target `runs` times, interleaved so drift hits all alike. */
export function measureImportWeights(runs: number): ImportWeight[] {
  const ids = Object.keys(IMPORT_TARGETS) as ImportTargetId[];
  const lines = new Map<ImportTargetId, ProbeLine[]>(ids.map((id) => [id, []]));
  for (let run = 0; run < runs; run += 1) for (const id of ids) lines.get(id)?.push(probe(id));
  return ids.map((id) => {
    const taken = lines.get(id) ?? [];
    return { id, rssMiB: median(taken.map((line) => line.rssBytes)) / MIB, startMs: median(taken.map((line) => line.startMs)) };
  });
}

/** The targets the issue sets, judged on the medians. */
function verdicts(weights: readonly ImportWeight[]): string[] {
  const rss = new Map(weights.map((weight) => [weight.id, weight.rssMiB]));
  const over = (id: ImportTargetId): number => (rss.get(id) ?? Number.NaN) - (rss.get('bare') ?? Number.NaN);
  const serverOk = over('tsgi-server') <= 4;
  const rootOk = over('tsgi-root') <= over('fastify');
  return [
    `- tsgi/server + a function app adds ${over('tsgi-server').toFixed(1)} MiB over bare node:http (target ≤ 4 MiB): ${serverOk ? 'met' : 'MISSED'}`,
    `- tsgi (root) adds ${over('tsgi-root').toFixed(1)} MiB; fastify adds ${over('fastify').toFixed(1)} MiB (target: tsgi ≤ fastify): ${rootOk ? 'met' : 'MISSED'}`,
  ];
}

/** The Markdown section. */
export function importWeightSection(runs: number): string {
  const weights = measureImportWeights(runs);
  const bare = weights.find((weight) => weight.id === 'bare')?.rssMiB ?? Number.NaN;
  const lines = [
    '## Import weight',
    '',
    `Each row is a fresh \`node --expose-gc\` process pinned with \`taskset -c 0\` that imports the entry by package name, builds a hello-world server, answers 20 requests and collects garbage; RSS and start-up time (import to listening) are medians of ${runs} runs.`,
    '',
    '| setup | RSS MiB | over bare MiB | start-up ms |',
    '| --- | ---: | ---: | ---: |',
    ...weights.map(
      (weight) => `| ${IMPORT_TARGETS[weight.id].label} | ${weight.rssMiB.toFixed(1)} | ${(weight.rssMiB - bare).toFixed(1)} | ${weight.startMs.toFixed(1)} |`,
    ),
    '',
    ...verdicts(weights),
    '',
  ];
  return lines.join('\n');
}
