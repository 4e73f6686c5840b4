/**
 * The multipart bench: peak server memory for a 1 GiB upload streamed to
 * disk with `saveFiles`, and `multipart()` parse throughput against busboy
 * alone. Prints a Markdown section and writes it to bench/.out/multipart.md.
 *
 * `npm run build && node dist/bench/multipart/main.js`; `BENCH_UPLOAD_MIB`
 * (default 1024) and `BENCH_PARSE_ROUNDS` (default 9) change the sizes.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Buffer } from 'node:buffer';
import type { MultipartLimits } from '../../src/index.js';
import { chunksOf, manyPartsBody, oneFileBody, oneFileLength } from './body.js';
import { busboyAlone, tsgiMultipart, type Parser } from './parse.js';
import { measureUpload, type UploadClient, type UploadResult } from './upload.js';

const MIB = 1024 * 1024;
const RSS_TARGET = 100 * MIB;
const RATIO_TARGET = 0.8;
const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)); // from dist/bench/multipart/

const uploadMiB = Number(process.env.BENCH_UPLOAD_MIB ?? 1024);
const rounds = Number(process.env.BENCH_PARSE_ROUNDS ?? 9);

interface Scenario {
  name: string;
  chunks: Buffer[];
  length: number;
  limits: MultipartLimits;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function timeOnce(parser: Parser, scenario: Scenario): Promise<number> {
  const started = process.hrtime.bigint();
  await parser(scenario.chunks, scenario.length, scenario.limits);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Interleaved rounds, so drift in the machine hits both parsers alike. */
async function compare(scenario: Scenario): Promise<{ busboy: number; tsgi: number; ratio: number }> {
  const busboyRates: number[] = [];
  const tsgiRates: number[] = [];
  await timeOnce(busboyAlone, scenario); // warm-up
  await timeOnce(tsgiMultipart, scenario);
  for (let round = 0; round < rounds; round++) {
    const order: Array<[Parser, number[]]> = round % 2 === 0 ? [[busboyAlone, busboyRates], [tsgiMultipart, tsgiRates]] : [[tsgiMultipart, tsgiRates], [busboyAlone, busboyRates]];
    for (const [parser, rates] of order) rates.push(scenario.length / MIB / (await timeOnce(parser, scenario)));
  }
  const busboy = median(busboyRates);
  const tsgi = median(tsgiRates);
  return { busboy, tsgi, ratio: tsgi / busboy };
}

const fmt = (value: number, digits = 0): string => value.toFixed(digits);

const big = Buffer.concat([...oneFileBody(128 * MIB, 64 * 1024)], oneFileLength(128 * MIB));
const many = manyPartsBody(1000, 100, 10 * 1024);
const scenarios: Scenario[] = [
  { name: 'one 128 MiB file, 64 KiB chunks', chunks: chunksOf(big, 64 * 1024), length: big.length, limits: { fileSize: 256 * MIB } },
  { name: '1000 fields + 100 files of 10 KiB, 16 KiB chunks', chunks: chunksOf(many, 16 * 1024), length: many.length, limits: { fields: 1000, files: 100, parts: 1100 } },
];

const uploads: Array<[UploadClient, UploadResult]> = [];
for (const client of ['node', 'curl'] as const) {
  console.error(`multipart bench: uploading ${uploadMiB} MiB to a saveFiles server with ${client}…`);
  uploads.push([client, await measureUpload(uploadMiB * MIB, client)]);
}
console.error(`multipart bench: parse throughput, ${rounds} rounds per parser…`);
const parses = [];
for (const scenario of scenarios) parses.push({ scenario, ...(await compare(scenario)) });

const lines = [
  '## Multipart uploads',
  '',
  `A ${uploadMiB} MiB file in one \`multipart/form-data\` POST over 127.0.0.1 to a tsgi server child that streams it to disk with \`saveFiles\`, then \`multipart()\` against busboy alone on the same in-memory bytes (${rounds} interleaved rounds each, medians).`,
  '',
  '| upload client | server peak RSS (VmHWM) | target | RSS idle | RSS growth | peak V8 heap used, buffers | time, throughput |',
  '| --- | ---: | --- | ---: | ---: | ---: | ---: |',
  ...uploads.map(
    ([client, upload]) =>
      `| ${client === 'node' ? 'node http.request, Content-Length' : 'curl -T - (chunked)'} | ${fmt(upload.peakRss / MIB, 1)} MiB | < ${RSS_TARGET / MIB} MiB ${upload.peakRss < RSS_TARGET ? 'met' : '**missed**'} | ` +
      `${fmt(upload.idleRss / MIB, 1)} MiB | ${fmt((upload.peakRss - upload.idleRss) / MIB, 1)} MiB | ` +
      `${fmt(upload.peaks.heapUsed / MIB, 1)} MiB, ${fmt(upload.peaks.external / MIB, 1)} MiB | ${fmt(upload.seconds, 1)} s, ${fmt(upload.bytes / MIB / upload.seconds)} MiB/s |`,
  ),
  '',
  '| parse | busboy alone | tsgi `multipart()` | ratio | target |',
  '| --- | ---: | ---: | ---: | --- |',
  ...parses.map(
    ({ scenario, busboy, tsgi, ratio }) =>
      `| ${scenario.name} | ${fmt(busboy)} MiB/s | ${fmt(tsgi)} MiB/s | ${fmt(ratio, 2)}× | ≥ ${RATIO_TARGET}× ${ratio >= RATIO_TARGET ? 'met' : '**missed**'} |`,
  ),
  '',
];
const section = lines.join('\n');
console.log(section);
const outDir = join(repoRoot, 'bench', '.out');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'multipart.md'), section);
console.error(`wrote ${join(outDir, 'multipart.md')}`);
