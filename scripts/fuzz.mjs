// npm run fuzz: FUZZ_COUNT (default 100,000) malformed requests against the
// examples site as `npm start` runs it, each on its own raw TCP connection,
// FUZZ_CONCURRENCY (default 50) at a time. Fails (exit 1) on any 5xx, on the
// server exiting, or on a failed health check (GET /hello/, every 1,000).
//
// FUZZ_ENGINE=generator (default): seeded mutations of a corpus of valid
//   requests (scripts/reliability/mutate.mjs). Request i of seed s is a pure
//   function of (s, i): FUZZ_SEED=s FUZZ_SHOW=i prints it without a server.
// FUZZ_ENGINE=zzuf: the same corpus through Debian's zzuf
//   (`zzuf -s <FUZZ_SEED + i> -r <FUZZ_RATIO, default 0.01>`), corpus entry
//   i mod its length.
//
// Each request is written and the connection half-closed, so a request the
// server waits on (a truncated body, say) ends at once rather than at the
// server's timeouts; what comes back is classified by its first status
// line, and every status line in the answer is checked for 5xx.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { corpus, fuzzCase, MUTATOR_NAMES } from './reliability/mutate.mjs';
import { machineFacts, pinSelf, startSite } from './reliability/site-process.mjs';

const int = (name, fallback) => {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new RangeError(`${name} must be a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
};

const COUNT = int('FUZZ_COUNT', 100_000);
const CONCURRENCY = int('FUZZ_CONCURRENCY', 50);
const TIMEOUT_MS = int('FUZZ_TIMEOUT_MS', 5000);
const CHECK_EVERY = int('FUZZ_CHECK_EVERY', 1000);
const IDLE_MS = int('FUZZ_IDLE_MS', 150);
// The first request index, so that a stretch of a long run can be replayed.
const FROM = int('FUZZ_FROM', 0);
const SEED = int('FUZZ_SEED', Math.floor(Math.random() * 2 ** 31));
const ENGINE = process.env.FUZZ_ENGINE ?? 'generator';
const RATIO = process.env.FUZZ_RATIO ?? '0.01';
// RFC 9110 §9.1 and §15.6.6 make 501 the answer to a method the server does
// not implement and 505 to a version it does not support; issue 10 asks for
// both. They refuse the request and are counted apart; every other 5xx is a
// failure of the server.
const REFUSALS = new Set([501, 505]);
const isFailure = (status) => status >= 500 && !REFUSALS.has(status);
const FINDINGS = new URL('../fuzz-findings/', import.meta.url).pathname;
const DEMO = { user: 'fuzz', password: 'fuzz-password-1' };
if (!['generator', 'zzuf'].includes(ENGINE)) throw new Error(`FUZZ_ENGINE must be generator or zzuf, got ${JSON.stringify(ENGINE)}`);

const escape = (bytes, max = 600) => {
  const text = bytes.subarray(0, max).toString('latin1').replace(/[^\x20-\x7e\n]/g, (c) => (c === '\r' ? '\\r' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  return bytes.length > max ? `${text}... (${bytes.length} bytes)` : text;
};

if (process.env.FUZZ_SHOW !== undefined) {
  const index = int('FUZZ_SHOW', 0);
  const all = corpus(`127.0.0.1:${process.env.FUZZ_PORT ?? '8080'}`, DEMO);
  const { bytes, base, steps } = fuzzCase(SEED, index, all);
  console.log(`seed ${SEED} request ${index}: corpus entry ${base}, mutations ${steps.join(', ')}`);
  process.stdout.write(`${escape(bytes, 1e6)}\n`);
  process.exit(0);
}

const facts = machineFacts();
const pinned = pinSelf(1);
const repoRoot = new URL('../', import.meta.url).pathname;
const strayBefore = ['data', 'sessions'].filter((name) => existsSync(join(repoRoot, name)));
const site = await startSite({ cpu: 0, demo: DEMO, env: { LOGIN_LIMIT: '1000000' } });
const all = corpus(`127.0.0.1:${site.port}`, DEMO);
console.log(`fuzz: engine ${ENGINE}, seed ${SEED}, ${COUNT} requests from index ${FROM}, ${CONCURRENCY} at a time, timeout ${TIMEOUT_MS} ms; site pid ${site.pid} on ${site.url}; pinned: ${pinned}`);
console.log(`fuzz: ${facts.node}, ${facts.nproc} cpus (${facts.cpu}), load average ${facts.loadavg}, commit ${facts.commit}`);

function zzuf(index) {
  const input = all[index % all.length];
  return new Promise((resolve, reject) => {
    const child = spawn('zzuf', ['-s', String(SEED + index), '-r', RATIO], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks = [];
    child.stdout.on('data', (chunk) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ bytes: Buffer.concat(chunks), base: index % all.length, steps: [`zzuf -s ${SEED + index} -r ${RATIO}`] }) : reject(new Error(`zzuf exited ${code}`))));
    child.stdin.end(input);
  });
}

const makeCase = ENGINE === 'zzuf' ? zzuf : async (index) => fuzzCase(SEED, index, all);

/**
 * Sends raw bytes on a fresh connection; what came back, how it ended. The
 * write side is closed once the connection has been quiet for IDLE_MS, so
 * a complete request is answered before the server sees the end of input,
 * and an incomplete one ends there instead of at the server's timeouts.
 */
function send(bytes) {
  return new Promise((resolve) => {
    const chunks = [];
    let size = 0;
    let error;
    let timedOut = false;
    const socket = net.connect({ host: '127.0.0.1', port: site.port });
    const timer = setTimeout(() => {
      timedOut = true;
      socket.destroy();
    }, TIMEOUT_MS);
    let idle;
    const quiet = () => {
      clearTimeout(idle);
      idle = setTimeout(() => socket.end(), IDLE_MS);
    };
    socket.on('connect', () => socket.write(bytes, quiet));
    socket.on('data', (chunk) => {
      if (size < 1 << 20) chunks.push(chunk);
      size += chunk.length;
      quiet();
    });
    socket.on('error', (e) => {
      error = e.code ?? e.message;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      clearTimeout(idle);
      const answer = Buffer.concat(chunks);
      const text = answer.toString('latin1');
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})[ \r]/g)].map((m) => Number(m[1]));
      let outcome;
      if (/^HTTP\/1\.[01] \d{3}/.test(text)) outcome = `${String(statuses[0])[0]}xx`;
      else if (answer.length > 0) outcome = 'garbage';
      else if (timedOut) outcome = 'timeout';
      else if (error !== undefined) outcome = `reset (${error})`;
      else outcome = 'closed';
      resolve({ outcome, statuses, answer, error, timedOut });
    });
  });
}

function healthy() {
  return new Promise((resolve) => {
    const req = http.get(`${site.url}/hello/`, { agent: false, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

const counts = {};
const statusCounts = {};
const byMutator = Object.fromEntries(MUTATOR_NAMES.map((name) => [name, {}]));
const findings = [];
const healthFailures = [];
const inFlight = new Map();
const refusalSamples = new Map();
// Requests that got no byte within FUZZ_TIMEOUT_MS: not a failure (the
// server may be right to wait), but worth a look, so the first few are kept.
const timeouts = [];
// Likewise connections the server closed without a byte of answer.
const silent = [];
let done = 0;
let next = FROM;
let serverErrors = 0;
const started = Date.now();

function save(kind, index, fuzz, result) {
  mkdirSync(FINDINGS, { recursive: true });
  const stem = join(FINDINGS, `${ENGINE}-${SEED}-${index}-${kind}`);
  writeFileSync(`${stem}.request`, fuzz.bytes);
  if (result !== undefined) writeFileSync(`${stem}.response`, result.answer);
  findings.push({ kind, index, steps: fuzz.steps, base: fuzz.base, file: relative(repoRoot, `${stem}.request`), statuses: result?.statuses ?? [] });
  // Timeouts and silent closes are kept to be looked at, not shouted about.
  if (kind === 'timeout' || kind === 'closed') return;
  console.log(`fuzz: FINDING ${kind} at request ${index} (corpus ${fuzz.base}, ${fuzz.steps.join(', ')}), saved ${stem}.request:\n${escape(fuzz.bytes)}`);
  if (result !== undefined) console.log(`fuzz: answer:\n${escape(result.answer, 1200)}`);
}

async function worker() {
  while (site.exit === undefined) {
    const index = next;
    if (index >= FROM + COUNT) return;
    next += 1;
    const fuzz = await makeCase(index);
    inFlight.set(index, fuzz);
    const result = await send(fuzz.bytes);
    inFlight.delete(index);
    counts[result.outcome] = (counts[result.outcome] ?? 0) + 1;
    for (const status of result.statuses) statusCounts[status] = (statusCounts[status] ?? 0) + 1;
    for (const step of new Set(fuzz.steps)) if (byMutator[step]) byMutator[step][result.outcome] = (byMutator[step][result.outcome] ?? 0) + 1;
    for (const status of result.statuses) {
      if (REFUSALS.has(status) && !refusalSamples.has(status)) refusalSamples.set(status, { index, request: escape(fuzz.bytes, 200), answer: escape(result.answer, 300) });
    }
    if (result.outcome === 'timeout' && timeouts.push(index) <= 20) save('timeout', index, fuzz, result);
    if (result.outcome === 'closed' && silent.push(index) <= 20) save('closed', index, fuzz, result);
    if (result.statuses.some(isFailure)) {
      serverErrors += 1;
      if (findings.length < 200) save('5xx', index, fuzz, result);
    }
    done += 1;
    if (done % CHECK_EVERY === 0) {
      // Other workers count on while this one waits for the check.
      const mark = done;
      const ok = await healthy();
      if (!ok) healthFailures.push(mark);
      const seconds = (Date.now() - started) / 1000;
      if (mark % (CHECK_EVERY * 10) === 0 || !ok) {
        console.log(`fuzz: ${mark}/${COUNT} in ${seconds.toFixed(0)} s (${Math.round(done / seconds)}/s), health ${ok ? 'ok' : 'FAILED'}, 5xx ${serverErrors}, ${JSON.stringify(counts)}`);
      }
    }
  }
}

await Promise.all(Array.from({ length: CONCURRENCY }, worker));
const seconds = (Date.now() - started) / 1000;
const crashed = site.exit !== undefined;
if (crashed) {
  console.log(`fuzz: THE SERVER EXITED ${JSON.stringify(site.exit)}; the requests in flight were:`);
  for (const [index, fuzz] of inFlight) save('crash', index, fuzz);
}
const finalHealth = crashed ? false : await healthy();

// Nothing may be written outside the blog and upload directories.
const written = {};
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else {
      const top = relative(site.dataDir, path).split('/')[0];
      written[top] = (written[top] ?? 0) + 1;
    }
  }
};
walk(site.dataDir);
const strays = Object.keys(written).filter((top) => top !== 'blog' && top !== 'uploads');
const strayAfter = ['data', 'sessions'].filter((name) => existsSync(join(repoRoot, name)) && !strayBefore.includes(name));
const logLines = site.log.lines;
const logTail = site.log.tail.slice(-15);
const exit = await site.stop();

console.log(`\nfuzz: engine ${ENGINE}, seed ${SEED}: ${done} requests in ${seconds.toFixed(1)} s (${Math.round(done / seconds)}/s)`);
console.log(`fuzz: outcomes (first answer) ${JSON.stringify(counts)}`);
console.log(`fuzz: every status line seen ${JSON.stringify(statusCounts)}`);
if (ENGINE === 'generator') {
  console.log('fuzz: outcomes per mutation');
  for (const [name, outcome] of Object.entries(byMutator)) console.log(`  ${name.padEnd(16)} ${JSON.stringify(outcome)}`);
}
for (const [status, sample] of refusalSamples) console.log(`fuzz: a ${status} refusal, request ${sample.index}:\n${sample.request}\n-> ${sample.answer}`);
if (silent.length > 0) console.log(`fuzz: closed without an answer: ${silent.length} requests, the first: ${silent.slice(0, 20).join(', ')}`);
if (timeouts.length > 0) console.log(`fuzz: no answer within ${TIMEOUT_MS} ms for ${timeouts.length} requests, the first: ${timeouts.slice(0, 20).join(', ')}`);
console.log(`fuzz: files written, by directory: ${JSON.stringify(written)}${strays.length ? ` STRAY: ${strays.join(', ')}` : ''}${strayAfter.length ? ` STRAY in the checkout: ${strayAfter.join(', ')}` : ''}`);
console.log(`fuzz: 5xx failures (not 501/505) ${serverErrors}; 501/505 refusals ${[...REFUSALS].reduce((n, s) => n + (statusCounts[s] ?? 0), 0)}; health checks failed at ${JSON.stringify(healthFailures)}; final health ${finalHealth ? 'ok' : 'FAILED'}; server ${crashed ? `CRASHED ${JSON.stringify(exit)}` : 'never exited'}`);
console.log(`fuzz: server wrote ${logLines} log lines; last ones:`);
for (const line of logTail) console.log(`  ${line.slice(0, 300)}`);
if (process.env.FUZZ_JSON) {
  writeFileSync(process.env.FUZZ_JSON, `${JSON.stringify({ facts, engine: ENGINE, seed: SEED, ratio: ENGINE === 'zzuf' ? RATIO : undefined, count: done, seconds, counts, statusCounts, byMutator, serverErrors, timeouts: timeouts.slice(0, 1000), silent: silent.slice(0, 1000), refusalSamples: Object.fromEntries(refusalSamples), healthFailures, finalHealth, crashed, written, strays, strayAfter, logLines, logTail, findings }, null, 2)}\n`);
}
const ok = serverErrors === 0 && !crashed && healthFailures.length === 0 && finalHealth && strays.length === 0 && strayAfter.length === 0 && done === COUNT;
console.log(`fuzz: ${ok ? 'PASS' : 'FAIL'}`);
process.exit(ok ? 0 : 1);
