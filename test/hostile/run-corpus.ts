/**
 * Runs a corpus of hostile cases against one child process of the examples
 * site. Each case checks its answer, then that the site stays up (the
 * process runs and `GET /` answers), that nothing was written where the
 * case may not write, that no canary file leaked into a byte of the answer,
 * that no header carries a line break from the request, and that the error
 * log gained no stack trace.
 */
import { Buffer } from 'node:buffer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exchange, type Exchange, type Piece } from '../support/raw-exchange.js';
import { buildSite, CANARY, changes, snapshot, startSite, type SiteBuild, type SiteProcess, type SiteStart } from '../support/site-process.js';
import type { CaseContext, ExpectedResponse, HostileCase, Watched } from './corpus/types.js';

const WATCHED: readonly Watched[] = ['blog', 'uploads', 'sessions'];
// A field line as RFC 9110 §5.5 allows it: a token, a colon, visible text.
const FIELD_LINE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+: ?[\t\x20-\x7e\x80-\xff]*$/;

/** The site a corpus file runs against, shared by its cases. */
export interface CorpusSite {
  readonly current: SiteProcess;
}

/** Declares one vitest case per corpus entry, all against one site started for the file. */
export function runCorpus(title: string, cases: readonly HostileCase[], start: SiteStart = {}): CorpusSite {
  let build: SiteBuild | undefined;
  let site: SiteProcess | undefined;
  const holder = {
    get current(): SiteProcess {
      if (site === undefined) throw new Error('the site is not running');
      return site;
    },
  };
  beforeAll(async () => {
    build = buildSite();
    site = await startSite(build, start);
    // The blog makes its id file on its first list, and the upload page
    // may make its directory: both happen here, not inside a case.
    for (const path of ['/blog/', '/upload/', '/session/']) await alive(site, path);
  });
  afterAll(async () => {
    await site?.stop();
    build?.remove();
  });

  describe(title, () => {
    cases.forEach((hostile, index) => {
      it(`${hostile.category}: ${hostile.name}`, async () => {
        const current = holder.current;
        const context: CaseContext = { site: current, vars: new Map() };
        await hostile.setup?.(context);
        const before = new Map(WATCHED.map((dir) => [dir, snapshot(current.data[dir])]));
        const logFrom = current.stderr().length;
        const pieces: readonly Piece[] =
          typeof hostile.send === 'string' ? [hostile.send] : typeof hostile.send === 'function' ? hostile.send(context) : hostile.send;
        const expected = hostile.expect;
        const result = await exchange(current.port, pieces, {
          // Each case its own client address, so per-client limits (the
          // login limit) see one client per case.
          localAddress: `127.0.${1 + Math.floor(index / 250)}.${2 + (index % 250)}`,
          ...(typeof expected === 'string' ? {} : { responses: expected.length }),
          ...(hostile.headless === undefined ? {} : { headless: hostile.headless }),
          ...(hostile.timeoutMs === undefined ? {} : { timeoutMs: hostile.timeoutMs }),
        });
        const shown = describeExchange(result);

        if (expected === 'closed') {
          expect(result.bytes.length, `no answer expected:\n${shown}`).toBe(0);
          expect(result.end, shown).toBe('server-closed');
        } else if (expected === 'dropped') {
          expect(result.end, shown).not.toBe('open');
        } else {
          expect(result.responses.map((r) => r.status), shown).toEqual(expected.map((r) => r.status));
          expected.forEach((want, i) => checkResponse(want, result, i, shown));
        }
        if (hostile.closes !== undefined) expect(result.end, `closes: ${hostile.closes}\n${shown}`).toBe(hostile.closes ? 'server-closed' : 'open');
        checkOutgoing(result, shown);

        await hostile.check?.(result, context);

        // Stays up: the process runs, and answers the index page.
        expect(current.alive(), 'the site process exited').toBe(true);
        await alive(current, '/');

        // Nothing written where it must not be (an aborted upload's temp
        // file may take a moment to go, so the check waits a little).
        let unexpected: string[] = [];
        for (let attempt = 0; attempt < 40; attempt++) {
          unexpected = WATCHED.flatMap((dir) =>
            changes(before.get(dir)!, snapshot(current.data[dir]))
              .filter((path) => !(hostile.writes?.[dir] ?? []).some((allowed) => (typeof allowed === 'string' ? allowed === path : allowed.test(path))))
              .map((path) => `${dir}/${path}`),
          );
          if (unexpected.length === 0) break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        expect(unexpected, 'files changed that this case may not change').toEqual([]);
        for (const dir of WATCHED) {
          for (const allowed of hostile.writes?.[dir] ?? []) {
            const changed = changes(before.get(dir)!, snapshot(current.data[dir]));
            expect(
              changed.some((path) => (typeof allowed === 'string' ? allowed === path : allowed.test(path))),
              `expected a change in ${dir}: ${String(allowed)}`,
            ).toBe(true);
          }
        }

        const log = current.stderr().slice(logFrom);
        expect(log, 'a stack trace in the error log').not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
        if (hostile.logAbsent !== undefined) expect(log, 'the error log').not.toMatch(hostile.logAbsent);
        if (hostile.log !== undefined) {
          for (let attempt = 0; attempt < 40 && !hostile.log.test(current.stderr().slice(logFrom)); attempt++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          expect(current.stderr().slice(logFrom)).toMatch(hostile.log);
        }
      });
    });
  });
  return holder;
}

function checkResponse(want: ExpectedResponse, result: Exchange, i: number, shown: string): void {
  const got = result.responses[i]!;
  expect(got.complete, `response ${i} cut short\n${shown}`).toBe(true);
  if (want.body !== undefined) expect(got.body.toString('utf8'), `response ${i} body\n${shown}`).toContain(want.body);
  for (const [name, value] of Object.entries(want.headers ?? {})) {
    const actual = got.headers[name];
    if (value === null) expect(actual, `response ${i} header ${name}\n${shown}`).toBeUndefined();
    else if (typeof value === 'string') expect(actual, `response ${i} header ${name}\n${shown}`).toBe(value);
    else expect(actual, `response ${i} header ${name}\n${shown}`).toMatch(value);
  }
}

/** What every answer must satisfy, whatever the case. */
function checkOutgoing(result: Exchange, shown: string): void {
  expect(result.bytes.includes(CANARY), `a canary file leaked\n${shown}`).toBe(false);
  expect(result.bytes.includes('root:x:0:0'), `/etc/passwd leaked\n${shown}`).toBe(false);
  for (const response of [...result.interim, ...result.responses]) {
    expect(response.statusLine, shown).toMatch(/^HTTP\/1\.1 \d{3} [\x20-\x7e]*$/);
    for (const line of response.headerLines) expect(line, `a malformed header line\n${shown}`).toMatch(FIELD_LINE);
    // Reflection attempts in the corpus spell this header; it must never come back as one.
    expect(response.headers['x-injected'], shown).toBeUndefined();
    expect(response.status, `a server error\n${shown}`).not.toBe(500);
  }
}

/** `GET path` over a fresh connection must answer 200 with a complete body. */
async function alive(site: SiteProcess, path: string): Promise<void> {
  const result = await exchange(site.port, [`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`], { responses: 1, graceMs: 0 });
  expect(result.responses[0]?.status, `GET ${path} after the case:\n${describeExchange(result)}\n${site.stderr().slice(-2000)}`).toBe(200);
  expect(result.responses[0]?.complete).toBe(true);
}

function describeExchange(result: Exchange): string {
  const text = result.bytes.toString('latin1');
  const cut = text.length > 1500 ? `${text.slice(0, 1500)}… (${text.length} bytes)` : text;
  return `end: ${result.end}${result.error === undefined ? '' : ` (${result.error})`} after ${result.ms} ms\n${JSON.stringify(cut)}`;
}

/** Bytes from hex, for cases that need exact non-text bytes. */
export function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}
