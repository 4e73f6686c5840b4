/**
 * The multipart part of the bench: server RSS for a large upload streamed to
 * disk, tsgi's `saveFiles` against busboy alone, then `multipart()` parse
 * throughput against busboy alone on the same in-memory bytes.
 *
 * `BENCH_UPLOAD_MIB` (default 1024) sizes the upload, and caps the parse
 * file at 128 MiB; `BENCH_PARSE_ROUNDS` (default 9) sets the parse rounds.
 *
 * @module
 */
import { Buffer } from 'node:buffer';
import type { MultipartLimits } from '../../src/body/index.js';
import { median } from '../report.js';
import { chunksOf, manyPartsBody, oneFileBody, oneFileLength } from './body.js';
import { busboyAlone, tsgiMultipart, type Parser } from './parse.js';
import { measureUpload, type UploadResult } from './upload.js';

const MIB = 1024 * 1024;
// The parse layer sits on busboy, so it cannot beat it; 0.8× is the bound it has kept.
const RATIO_TARGET = 0.8;

interface ParseCase {
  name: string;
  chunks: Buffer[];
  length: number;
  limits: MultipartLimits;
}

async function timeOnce(parser: Parser, parseCase: ParseCase): Promise<number> {
  const started = process.hrtime.bigint();
  await parser(parseCase.chunks, parseCase.length, parseCase.limits);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Interleaved rounds, so drift in the machine hits both parsers alike; MiB/s medians. */
async function compare(parseCase: ParseCase, rounds: number): Promise<{ busboy: number; tsgi: number }> {
  const rates = { busboy: [] as number[], tsgi: [] as number[] };
  await timeOnce(busboyAlone, parseCase); // warm-up
  await timeOnce(tsgiMultipart, parseCase);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['busboy', 'tsgi'] as const) : (['tsgi', 'busboy'] as const);
    for (const name of order) {
      const seconds = await timeOnce(name === 'busboy' ? busboyAlone : tsgiMultipart, parseCase);
      rates[name].push(parseCase.length / MIB / seconds);
    }
  }
  return { busboy: median(rates.busboy), tsgi: median(rates.tsgi) };
}

const mib = (bytes: number): string => (bytes / MIB).toFixed(1);

/** Runs the multipart bench and returns its Markdown section. */
export async function multipartSection(log: (line: string) => void): Promise<string> {
  const uploadMiB = Number(process.env['BENCH_UPLOAD_MIB'] ?? 1024);
  const rounds = Number(process.env['BENCH_PARSE_ROUNDS'] ?? 9);
  const uploads: Record<'tsgi' | 'busboy', UploadResult> = {} as Record<'tsgi' | 'busboy', UploadResult>;
  for (const server of ['busboy', 'tsgi'] as const) {
    log(`multipart: ${uploadMiB} MiB upload to ${server}`);
    uploads[server] = await measureUpload(uploadMiB * MIB, server);
  }
  const growth = (result: UploadResult): number => result.peakRss - result.idleRss;

  const fileMiB = Math.min(128, uploadMiB);
  const big = Buffer.concat([...oneFileBody(fileMiB * MIB, 64 * 1024)], oneFileLength(fileMiB * MIB));
  const many = manyPartsBody(1000, 100, 10 * 1024);
  const cases: ParseCase[] = [
    { name: `one ${fileMiB} MiB file, 64 KiB chunks`, chunks: chunksOf(big, 64 * 1024), length: big.length, limits: { fileSize: 256 * MIB } },
    {
      name: '1000 fields + 100 files of 10 KiB, 16 KiB chunks',
      chunks: chunksOf(many, 16 * 1024),
      length: many.length,
      limits: { fields: 1000, files: 100, parts: 1100 },
    },
  ];
  const parses = [];
  for (const parseCase of cases) {
    log(`multipart: parse ${parseCase.name}, ${rounds} rounds`);
    parses.push({ parseCase, ...(await compare(parseCase, rounds)) });
  }

  const tsgiGrowth = growth(uploads.tsgi);
  return [
    '## Multipart',
    '',
    `A ${uploadMiB} MiB file in one \`multipart/form-data\` POST (Content-Length, 256 KiB writes) over 127.0.0.1, streamed to disk by a server child; RSS from \`/proc/PID/status\` (VmRSS before, VmHWM after).`,
    '',
    '| server | peak RSS | RSS growth | time, throughput |',
    '| --- | ---: | ---: | ---: |',
    ...(['busboy', 'tsgi'] as const).map((server) => {
      const result = uploads[server];
      const label = server === 'tsgi' ? 'tsgi `saveFiles`' : 'busboy alone (node:http, piped to a file)';
      return `| ${label} | ${mib(result.peakRss)} MiB | ${mib(growth(result))} MiB | ${result.seconds.toFixed(1)} s, ${(result.bytes / MIB / result.seconds).toFixed(0)} MiB/s |`;
    }),
    '',
    `Targets: tsgi's RSS growth ≤ busboy alone's: ${tsgiGrowth <= growth(uploads.busboy) ? 'met' : '**missed**'}; ` +
      `its upload time ≤ busboy alone's: ${uploads.tsgi.seconds <= uploads.busboy.seconds ? 'met' : '**missed**'}.`,
    '',
    `Parse throughput, in process, ${rounds} interleaved rounds each, medians:`,
    '',
    '| parse | busboy alone | tsgi `multipart()` | ratio | target |',
    '| --- | ---: | ---: | ---: | --- |',
    ...parses.map(({ parseCase, busboy, tsgi }) => {
      const ratio = tsgi / busboy;
      const verdict = ratio >= RATIO_TARGET ? 'met' : '**missed**';
      return `| ${parseCase.name} | ${busboy.toFixed(0)} MiB/s | ${tsgi.toFixed(0)} MiB/s | ${ratio.toFixed(2)}× | ≥ ${RATIO_TARGET}× ${verdict} |`;
    }),
    '',
  ].join('\n');
}
