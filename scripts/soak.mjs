// npm run soak: the examples site under a steady mixed load for SOAK_SECONDS
// (default 600) at SOAK_CONNECTIONS keep-alive connections (default 100),
// with its RSS sampled every 10 s. Fails (exit 1) on any 5xx, any network
// error or unexpected status, or an RSS that does not stay flat within
// SOAK_RSS_TOLERANCE (default 0.10) after the warm-up.
//
// Every virtual user is one connection's worth of sequential requests with
// its own cookie jar, so its session can be checked exactly: the visit
// counter must count 1, 2, 3... and the guessing game, played by bisection,
// must be won in at most 7 guesses.
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machineFacts, pinSelf, residentKiB, startSite } from './reliability/site-process.mjs';

const number = (name, fallback) => {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${JSON.stringify(text)}`);
  return value;
};

const SECONDS = number('SOAK_SECONDS', 600);
const CONNECTIONS = number('SOAK_CONNECTIONS', 100);
const SAMPLE_MS = number('SOAK_SAMPLE_SECONDS', 10) * 1000;
const WARMUP_SECONDS = number('SOAK_WARMUP_SECONDS', Math.min(60, Math.max(SAMPLE_MS / 1000, SECONDS * 0.1)));
const TOLERANCE = number('SOAK_RSS_TOLERANCE', 0.1);
const ENTRY_NAMES = Array.from({ length: number('SOAK_ENTRIES', 20) }, (_, i) => `soak-${i}`);
// The upload list reads every stored file on each GET, so the soak keeps
// the directory at this many files (oldest removed) to measure the server,
// not a directory that grows for ten minutes.
const MAX_UPLOADS = number('SOAK_MAX_UPLOADS', 50);
const DEMO = { user: 'soak', password: `pw-${randomBytes(6).toString('hex')}` };

// Read before pinning: nproc counts only the CPUs this process may use.
const facts = machineFacts();
const pinned = pinSelf(1);
const site = await startSite({ cpu: 0, demo: DEMO });
console.log(`soak: site pid ${site.pid} on ${site.url}; ${CONNECTIONS} connections for ${SECONDS} s; pinned: ${pinned ? 'server cpu 0, load cpu 1' : 'no taskset'}`);
console.log(`soak: ${facts.node}, ${facts.nproc} cpus (${facts.cpu}), load average ${facts.loadavg}, commit ${facts.commit}`);

const agent = new http.Agent({ keepAlive: true, maxSockets: CONNECTIONS, maxFreeSockets: CONNECTIONS, scheduling: 'fifo' });
const stats = {
  requests: 0,
  byStatus: {},
  byOperation: {},
  serverErrors: 0,
  networkErrors: 0,
  unexpected: 0,
  failures: [],
  latencies: new Uint32Array(10_001), // whole milliseconds, the last bucket is "10 s or more"
};

function record(operation, status, ms) {
  stats.requests += 1;
  stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  const op = (stats.byOperation[operation] ??= { count: 0, statuses: {}, latencies: new Uint32Array(10_001) });
  op.count += 1;
  op.statuses[status] = (op.statuses[status] ?? 0) + 1;
  const bucket = Math.min(10_000, Math.round(ms));
  stats.latencies[bucket] += 1;
  op.latencies[bucket] += 1;
}

function fail(kind, operation, detail) {
  if (kind === 'network') stats.networkErrors += 1;
  else stats.unexpected += 1;
  if (stats.failures.length < 50) stats.failures.push({ at: elapsed(), kind, operation, detail });
}

const started = Date.now();
const elapsed = () => Math.round((Date.now() - started) / 100) / 10;

/** One request on the shared keep-alive agent; resolves with status, headers and body text. */
function request(method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = http.request(`${site.url}${path}`, { method, agent, headers: { ...headers, ...(body === undefined ? {} : { 'Content-Length': Buffer.byteLength(body) }) } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

class User {
  cookies = new Map();
  visits = 0;
  low = 1;
  high = 100;
  guesses = 0;
  etags = new Map();

  constructor(id) {
    this.id = id;
  }

  cookieHeader() {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  keepCookies(headers) {
    for (const line of headers['set-cookie'] ?? []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=thu, 01 jan 1970/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** Sends, records, and checks the status against `expected`; returns the response or undefined. */
  async send(operation, method, path, expected, options = {}) {
    const headers = { ...options.headers };
    if (this.cookies.size > 0) headers.Cookie = this.cookieHeader();
    const t0 = performance.now();
    let response;
    try {
      response = await request(method, path, { ...options, headers });
    } catch (error) {
      fail('network', operation, `${method} ${path}: ${error.code ?? ''} ${error.message}`);
      return undefined;
    }
    record(operation, response.status, performance.now() - t0);
    this.keepCookies(response.headers);
    if (response.status >= 500) {
      stats.serverErrors += 1;
      if (stats.failures.length < 50) stats.failures.push({ at: elapsed(), kind: '5xx', operation, detail: `${method} ${path} -> ${response.status}: ${response.text.slice(0, 300)}` });
      return undefined;
    }
    if (!expected.includes(response.status)) {
      fail('status', operation, `${method} ${path} -> ${response.status} (expected ${expected.join('/')}): ${response.text.slice(0, 300)}`);
      return undefined;
    }
    return response;
  }

  async index() {
    const r = await this.send('index', 'GET', '/', [200]);
    if (r && !r.text.includes('tsgi examples')) fail('content', 'index', 'index page without its title');
  }

  async hello() {
    const r = await this.send('hello', 'GET', '/hello/', [200]);
    if (r && r.text !== 'Hello world!\n') fail('content', 'hello', JSON.stringify(r.text.slice(0, 100)));
  }

  async session() {
    const r = await this.send('session', 'GET', '/session/', [200]);
    if (!r) return;
    const expected = `You have been here ${this.visits + 1} times!\n`;
    if (r.text !== expected) {
      fail('content', 'session', `user ${this.id}: ${JSON.stringify(r.text)}, expected ${JSON.stringify(expected)}`);
      const seen = /here (\d+) times/.exec(r.text);
      this.visits = seen ? Number(seen[1]) : 0;
    } else this.visits += 1;
  }

  async guess() {
    if (this.guesses === 0) {
      const form = await this.send('guess form', 'GET', '/guess/', [200]);
      if (form && !form.text.includes('name="myparam"')) fail('content', 'guess form', 'form without myparam');
    }
    const guess = Math.floor((this.low + this.high) / 2);
    const r = await this.send('guess post', 'POST', '/guess/', [200], {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `myparam=${guess}`,
    });
    if (!r) return this.#newGame();
    this.guesses += 1;
    if (r.text.includes('You guessed correctly')) return this.#newGame();
    if (r.text.includes('is higher than your guess')) this.low = guess + 1;
    else if (r.text.includes('is lower than your guess')) this.high = guess - 1;
    else return fail('content', 'guess post', `no verdict in the page for ${guess}`), this.#newGame();
    if (this.low > this.high || this.guesses >= 7) {
      fail('content', 'guess post', `user ${this.id}: bisection failed after ${this.guesses} guesses (the session lost its secret?)`);
      this.#newGame();
    }
  }

  #newGame() {
    this.low = 1;
    this.high = 100;
    this.guesses = 0;
  }

  async upload() {
    const boundary = `----soak${randomBytes(8).toString('hex')}`;
    const content = randomBytes(256 + Math.floor(Math.random() * 2048)).toString('base64');
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nsoak user ${this.id}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="soak-${this.id}.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n` +
      `--${boundary}--\r\n`;
    await this.send('upload post', 'POST', '/upload/', [303], { headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` }, body });
  }

  async uploadList() {
    const r = await this.send('upload list', 'GET', '/upload/', [200]);
    if (r && !r.text.includes('multipart/form-data')) fail('content', 'upload list', 'page without its form');
  }

  async blogIndex() {
    const type = ['xhtml', 'xml', 'atom'][Math.floor(Math.random() * 3)];
    const r = await this.send(`blog index ${type}`, 'GET', `/blog/?type=${type}`, [200]);
    if (r && type === 'atom' && !r.text.includes('<feed')) fail('content', 'blog index atom', 'no feed element');
  }

  async blogEntry() {
    const name = pick(ENTRY_NAMES);
    const r = await this.send('blog get', 'GET', `/blog/${name}`, [200, 404]);
    if (r?.status === 200) this.etags.set(name, r.headers.etag);
    else if (r?.status === 404) this.etags.delete(name);
  }

  async blogWrite() {
    const name = pick(ENTRY_NAMES);
    const etag = this.etags.get(name);
    const text = `Entry ${name}, written by soak user ${this.id} at ${new Date().toISOString()}.\n${'lorem ipsum '.repeat(1 + Math.floor(Math.random() * 40))}\n`;
    if (etag === undefined) {
      // Create only if it does not exist; 412 means someone else made it.
      const r = await this.send('blog create', 'PUT', `/blog/${name}`, [201, 412], { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'If-None-Match': '*' }, body: text });
      if (r?.status === 201) this.etags.set(name, r.headers.etag);
      return;
    }
    if (Math.random() < 0.25) {
      const r = await this.send('blog delete', 'DELETE', `/blog/${name}`, [204, 404, 412], { headers: { 'If-Match': etag } });
      if (r !== undefined) this.etags.delete(name);
      return;
    }
    const r = await this.send('blog update', 'PUT', `/blog/${name}`, [200, 412], { headers: { 'Content-Type': 'text/plain; charset=utf-8', 'If-Match': etag }, body: text });
    if (r?.status === 200) this.etags.set(name, r.headers.etag);
    else if (r?.status === 412) this.etags.delete(name);
  }

  async staticFile() {
    const etag = this.etags.get('_css');
    const r = await this.send('static', 'GET', '/blog/_static/blog.css', [200, 304], etag ? { headers: { 'If-None-Match': etag } } : {});
    if (r?.status === 200) {
      if (r.text.length === 0) fail('content', 'static', 'empty stylesheet');
      if (r.headers.etag) this.etags.set('_css', r.headers.etag);
    }
  }

  async privatePage() {
    const authorization = `Basic ${Buffer.from(`${DEMO.user}:${DEMO.password}`).toString('base64')}`;
    const r = await this.send('private', 'GET', '/private/', [200], { headers: { Authorization: authorization } });
    if (r && !r.text.includes(`Hello, ${DEMO.user}!`)) fail('content', 'private', 'page without the user name');
  }

  async privateChallenge() {
    // No credentials: the login prompt, which the rate limit does not count.
    const r = await this.send('private challenge', 'GET', '/private/', [401]);
    if (r && !/^Basic /i.test(r.headers['www-authenticate'] ?? '')) fail('content', 'private challenge', 'no Basic challenge');
  }
}

// Weights: mostly reads, as a site sees them, with every write path in use.
const MIX = [
  [8, 'index'],
  [14, 'hello'],
  [12, 'session'],
  [12, 'guess'],
  [6, 'uploadList'],
  [3, 'upload'],
  [10, 'blogIndex'],
  [12, 'blogEntry'],
  [6, 'blogWrite'],
  [9, 'staticFile'],
  [6, 'privatePage'],
  [2, 'privateChallenge'],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [w]) => sum + w, 0);
const pick = (list) => list[Math.floor(Math.random() * list.length)];
function pickOperation() {
  let r = Math.random() * TOTAL_WEIGHT;
  for (const [weight, name] of MIX) {
    r -= weight;
    if (r < 0) return name;
  }
  return MIX[0][1];
}

function pruneUploads() {
  const dir = site.env.UPLOAD_DIR;
  let names;
  try {
    names = readdirSync(dir).filter((n) => !n.startsWith('.'));
  } catch {
    return;
  }
  if (names.length <= MAX_UPLOADS) return;
  const aged = names
    .map((name) => {
      try {
        return { name, mtime: statSync(join(dir, name)).mtimeMs };
      } catch {
        return undefined;
      }
    })
    .filter(Boolean)
    .sort((a, b) => a.mtime - b.mtime);
  for (const { name } of aged.slice(0, aged.length - MAX_UPLOADS)) {
    rmSync(join(dir, '.meta', `${name}.json`), { force: true });
    rmSync(join(dir, name), { force: true });
  }
}

const samples = [];
function sample() {
  const kib = residentKiB(site.pid);
  samples.push({ t: elapsed(), rssMiB: Math.round(kib / 102.4) / 10, requests: stats.requests });
  const last = samples.at(-1);
  const previous = samples.at(-2);
  const rate = previous ? Math.round((last.requests - previous.requests) / ((last.t - previous.t) || 1)) : 0;
  console.log(
    `soak: t=${String(last.t).padStart(5)} s  rss ${String(last.rssMiB).padStart(6)} MiB  requests ${last.requests}  (${rate}/s)  5xx ${stats.serverErrors}  errors ${stats.networkErrors + stats.unexpected}`,
  );
}

const deadline = started + SECONDS * 1000;
sample();
const sampler = setInterval(sample, SAMPLE_MS);
const pruner = setInterval(pruneUploads, 1000);
let stopping = false;
process.once('SIGINT', () => {
  stopping = true;
});

await Promise.all(
  Array.from({ length: CONNECTIONS }, async (_, id) => {
    const user = new User(id);
    while (!stopping && Date.now() < deadline && site.exit === undefined) await user[pickOperation()]();
  }),
);
const loadSeconds = (Date.now() - started) / 1000;
clearInterval(sampler);
clearInterval(pruner);
if (elapsed() - samples.at(-1).t >= 1) sample();
agent.destroy();

const alive = site.exit === undefined;
const exit = await site.stop();

// The verdict: samples after the warm-up, (max - min) / min.
const after = samples.filter((s) => s.t >= WARMUP_SECONDS);
const rss = after.map((s) => s.rssMiB);
const minRss = Math.min(...rss);
const maxRss = Math.max(...rss);
const spread = rss.length > 0 ? (maxRss - minRss) / minRss : NaN;
const flat = rss.length >= 2 && spread <= TOLERANCE;
// Not part of the verdict, but it tells a leak (a steady climb) from the
// garbage collector's saw-tooth (a spread with no trend): the least-squares
// slope, and the medians of the first and last third of the samples.
const slopePerMinute = (() => {
  if (after.length < 2) return NaN;
  const mt = after.reduce((a, s) => a + s.t, 0) / after.length;
  const mr = rss.reduce((a, r) => a + r, 0) / rss.length;
  const num = after.reduce((a, s) => a + (s.t - mt) * (s.rssMiB - mr), 0);
  const den = after.reduce((a, s) => a + (s.t - mt) ** 2, 0);
  return Math.round((num / den) * 60 * 100) / 100;
})();
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)];
};
const third = Math.max(1, Math.floor(rss.length / 3));
const firstThird = median(rss.slice(0, third));
const lastThird = median(rss.slice(-third));

function percentile(p, latencies = stats.latencies) {
  const total = latencies.reduce((a, b) => a + b, 0);
  let seen = 0;
  for (let ms = 0; ms < latencies.length; ms += 1) {
    seen += latencies[ms];
    if (seen >= total * p) return ms;
  }
  return NaN;
}

const errors = stats.networkErrors + stats.unexpected;
const summary = {
  facts,
  settings: { seconds: SECONDS, connections: CONNECTIONS, sampleSeconds: SAMPLE_MS / 1000, warmupSeconds: WARMUP_SECONDS, tolerance: TOLERANCE, entries: ENTRY_NAMES.length, maxUploads: MAX_UPLOADS },
  loadSeconds: Math.round(loadSeconds * 10) / 10,
  requests: stats.requests,
  requestsPerSecond: Math.round(stats.requests / loadSeconds),
  latencyMs: { p50: percentile(0.5), p90: percentile(0.9), p99: percentile(0.99), p999: percentile(0.999) },
  serverErrors: stats.serverErrors,
  networkErrors: stats.networkErrors,
  unexpected: stats.unexpected,
  byStatus: stats.byStatus,
  byOperation: Object.fromEntries(
    Object.entries(stats.byOperation).map(([name, { count, statuses, latencies }]) => [name, { count, statuses, p50Ms: percentile(0.5, latencies), p99Ms: percentile(0.99, latencies) }]),
  ),
  rss: { samples, afterWarmup: { minMiB: minRss, maxMiB: maxRss, spread: Math.round(spread * 1000) / 1000, flat, slopeMiBPerMinute: slopePerMinute, medianFirstThirdMiB: firstThird, medianLastThirdMiB: lastThird } },
  serverAliveAtEnd: alive,
  serverExit: exit,
  serverLogLines: site.log.lines,
  serverLogTail: site.log.tail.slice(-20),
  failures: stats.failures,
};
if (process.env.SOAK_JSON) writeFileSync(process.env.SOAK_JSON, `${JSON.stringify(summary, null, 2)}\n`);

console.log('\nsoak: per operation');
for (const [name, op] of Object.entries(stats.byOperation).sort()) console.log(`  ${name.padEnd(18)} ${String(op.count).padStart(8)}  p50 ${String(percentile(0.5, op.latencies)).padStart(4)} ms  p99 ${String(percentile(0.99, op.latencies)).padStart(5)} ms  ${JSON.stringify(op.statuses)}`);
console.log(`soak: statuses ${JSON.stringify(stats.byStatus)}`);
console.log(`soak: ${stats.requests} requests in ${summary.loadSeconds} s = ${summary.requestsPerSecond} req/s; latency ms p50 ${summary.latencyMs.p50} p90 ${summary.latencyMs.p90} p99 ${summary.latencyMs.p99} p99.9 ${summary.latencyMs.p999}`);
console.log(`soak: 5xx ${stats.serverErrors}, network errors ${stats.networkErrors}, unexpected statuses/content ${stats.unexpected}`);
console.log(`soak: rss MiB ${samples.map((s) => s.rssMiB).join(' ')}`);
console.log(
  `soak: after ${WARMUP_SECONDS} s warm-up: min ${minRss} MiB, max ${maxRss} MiB, spread ${(spread * 100).toFixed(1)}% -> ${flat ? 'flat' : 'NOT flat'} within ${TOLERANCE * 100}%`,
);
console.log(`soak: trend after warm-up: ${slopePerMinute} MiB/min (least squares); median of the first third ${firstThird} MiB, of the last third ${lastThird} MiB`);
console.log(`soak: server ${alive ? 'was up to the end' : `DIED: ${JSON.stringify(exit)}`}; it wrote ${site.log.lines} log lines`);
for (const failure of stats.failures.slice(0, 20)) console.log(`  failure at ${failure.at} s [${failure.kind}] ${failure.operation}: ${failure.detail}`);
if (site.log.lines > 2) for (const line of site.log.tail.slice(-10)) console.log(`  server log: ${line}`);

const ok = stats.serverErrors === 0 && errors === 0 && flat && alive;
console.log(`soak: ${ok ? 'PASS' : 'FAIL'}`);
process.exit(ok ? 0 : 1);
