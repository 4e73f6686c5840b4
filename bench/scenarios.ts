/**
 * What the bench measures: each scenario's request and bytes, and the groups
 * of (server, scenario) rows measured together, with their targets.
 *
 * @module
 */
import { HELLO_BODY } from './hello.js';

/** Every scenario a server child can be started with (its first argument). */
export const SCENARIO_IDS = [
  'hello-function',
  'hello-handler',
  'json-echo',
  'form',
  'param',
  'stack-returning',
  'stack-new',
  'gzip-64k',
] as const;

/** One scenario id. */
export type ScenarioId = (typeof SCENARIO_IDS)[number];

/** The server children, by file name under `servers/`. */
export type ServerId = 'bare' | 'tsgi' | 'fastify' | 'hono';

/** `text/plain; charset=utf-8`. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';
/** `application/json; charset=utf-8`. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/** The echoed JSON body: 40 bytes. */
export const ECHO_BODY = JSON.stringify({ id: 42, name: 'tsgi', tags: ['a', 'b'] });

/** The secret of the guessing game; fixed, so every answer is the same. */
export const GUESS_SECRET = 57;

/** The answer to a guess, as the example game gives it. */
export function guessAnswer(guess: number): string {
  if (guess === GUESS_SECRET) return 'You guessed correctly.\n';
  return guess < GUESS_SECRET ? `Higher than ${guess}.\n` : `Lower than ${guess}.\n`;
}

/** A guess as the game accepts it: a whole number from 1 to 100. */
export function parseGuess(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,3}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 && value <= 100 ? value : undefined;
}

/** 64 KiB of numbered lines: deterministic, and compressible like real text. */
export const TEXT_64K = Array.from({ length: 2048 }, (_, i) => `line ${String(i).padStart(5, '0')} of the gzip bench.\n`)
  .join('')
  .padEnd(65_536, '.')
  .slice(0, 65_536);

/** The zlib level every gzip-64k server uses (zlib's own default, made explicit). */
export const GZIP_LEVEL = 6;

/** The session cookie's name, the same in every server that has sessions. */
export const SESSION_COOKIE = 'sid';
/** The path that sets the session (the stack-new request, and the priming request). */
export const PRIME_PATH = '/prime';
/** A session secret for the bench only. */
export const SESSION_SECRET = 'bench-secret-0123456789-abcdefghijklmnop';

/** One request, as wrk repeats it and as the check sends it. */
export interface BenchRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Readonly<Record<string, string>>;
  body?: string;
}

/**
 * How a response is compared with bare node's: `bytes` exactly (header-name
 * case excused); `gzip` by decoded body, Content-Type, Content-Encoding and
 * Vary, since compressors may frame and pack differently; `stack` as bytes
 * without `Vary` and `Set-Cookie`, with the session cookie required or
 * forbidden as the scenario says.
 */
export type NormalForm = 'bytes' | 'gzip' | 'stack';

/** One scenario: its request and how its responses are checked. */
export interface Scenario {
  request: BenchRequest;
  form: NormalForm;
  /** The bare node scenario whose response this one must match. */
  reference: ScenarioId;
  /** Session cookie: sent (obtained from {@link PRIME_PATH} first), or expected to be set. */
  cookie?: 'returning' | 'new';
}

const get = (path: string, headers: Record<string, string> = {}): BenchRequest => ({ method: 'GET', path, headers });
const post = (path: string, type: string, body: string): BenchRequest => ({
  method: 'POST',
  path,
  headers: { 'Content-Type': type },
  body,
});

/** Every scenario by id. */
export const SCENARIOS: Readonly<Record<ScenarioId, Scenario>> = {
  'hello-function': { request: get('/'), form: 'bytes', reference: 'hello-function' },
  'hello-handler': { request: get('/'), form: 'bytes', reference: 'hello-function' },
  'json-echo': { request: post('/echo', 'application/json', ECHO_BODY), form: 'bytes', reference: 'json-echo' },
  form: { request: post('/guess', 'application/x-www-form-urlencoded', 'myparam=42'), form: 'bytes', reference: 'form' },
  param: { request: get('/items/42'), form: 'bytes', reference: 'param' },
  'stack-returning': {
    request: get('/', { 'Accept-Encoding': 'gzip' }),
    form: 'stack',
    reference: 'hello-function',
    cookie: 'returning',
  },
  'stack-new': { request: get(PRIME_PATH, { 'Accept-Encoding': 'gzip' }), form: 'stack', reference: 'hello-function', cookie: 'new' },
  'gzip-64k': { request: get('/', { 'Accept-Encoding': 'gzip' }), form: 'gzip', reference: 'gzip-64k' },
};

/**
 * A target: this row's median CPU per request at most `ratio` times that of
 * the row `against` in the same group.
 */
export interface Target {
  against: string;
  ratio: number;
}

/** One measured row of a group. */
export interface Row {
  /** Unique in its group; names profiles and log lines. */
  id: string;
  label: string;
  server: ServerId;
  scenario: ScenarioId;
  target?: Target;
}

/**
 * Rows measured together (started together, interleaved per round), reported
 * as one table.
 */
export interface Group {
  id: string;
  title: string;
  rows: readonly Row[];
}

const bare = (scenario: ScenarioId): Row => ({ id: 'bare', label: 'bare node:http', server: 'bare', scenario });
const fastify = (scenario: ScenarioId, label = 'Fastify 5'): Row => ({ id: `fastify-${scenario}`, label, server: 'fastify', scenario });
const tsgi = (scenario: ScenarioId, label: string, target: Target): Row => ({
  id: `tsgi-${scenario}`,
  label,
  server: 'tsgi',
  scenario,
  target,
});

/** The groups in report order. */
export const GROUPS: readonly Group[] = [
  {
    id: 'hello',
    title: `Hello world (\`GET /\`, ${JSON.stringify(HELLO_BODY)})`,
    rows: [
      bare('hello-function'),
      fastify('hello-function'),
      { id: 'hono', label: 'Hono 4 (@hono/node-server)', server: 'hono', scenario: 'hello-function' },
      tsgi('hello-function', 'tsgi, function app', { against: 'bare', ratio: 1.03 }),
      tsgi('hello-handler', 'tsgi, BaseHandler `doGET`', { against: 'fastify-hello-function', ratio: 1 }),
    ],
  },
  {
    id: 'json-echo',
    title: `JSON echo (\`POST /echo\`, ${ECHO_BODY.length}-byte body)`,
    rows: [bare('json-echo'), fastify('json-echo'), tsgi('json-echo', 'tsgi, `this.json()`', { against: 'fastify-json-echo', ratio: 1 })],
  },
  {
    id: 'form',
    title: 'Urlencoded POST (`POST /guess`, `myparam=42`)',
    rows: [
      bare('form'),
      fastify('form', 'Fastify 5 + @fastify/formbody'),
      tsgi('form', 'tsgi, `this.parseFields()`', { against: 'fastify-form', ratio: 1 }),
    ],
  },
  {
    id: 'param',
    title: 'Parameter route (`GET /items/42`, numeric id)',
    rows: [bare('param'), fastify('param'), tsgi('param', "tsgi, `@route('/:id')` + `@param('id') id: number`", { against: 'fastify-param', ratio: 1 })],
  },
  {
    id: 'stack',
    title: 'sessions + compress + accessLog around hello (reference: bare hello)',
    rows: [
      bare('hello-function'),
      tsgi('stack-returning', 'tsgi stack, returning visitor', { against: 'bare', ratio: 1.6 }),
      tsgi('stack-new', 'tsgi stack, new visitor', { against: 'bare', ratio: 2.5 }),
      fastify('stack-returning', 'Fastify 5 stack, returning visitor'),
      fastify('stack-new', 'Fastify 5 stack, new visitor'),
    ],
  },
  {
    id: 'gzip-64k',
    title: `64 KiB text as gzip (level ${GZIP_LEVEL})`,
    rows: [
      bare('gzip-64k'),
      fastify('gzip-64k', 'Fastify 5 + @fastify/compress'),
      tsgi('gzip-64k', 'tsgi, `compress`', { against: 'fastify-gzip-64k', ratio: 1.1 }),
    ],
  },
];

/** Whether `value` is a scenario id. */
export function isScenarioId(value: string): value is ScenarioId {
  return (SCENARIO_IDS as readonly string[]).includes(value);
}

/**
 * The groups cut down to the selected scenarios' rows, with every row their
 * targets or checks need; groups left without a selected row are dropped.
 */
export function selectGroups(selected: readonly ScenarioId[] | undefined): Group[] {
  if (selected === undefined) return [...GROUPS];
  const groups: Group[] = [];
  for (const group of GROUPS) {
    // Bare rows are references: they come with the rows that need them, so
    // bare hello does not bring in the stack group by itself.
    const chosen = group.rows.filter((row) => row.server !== 'bare' && selected.includes(row.scenario));
    if (chosen.length === 0) continue;
    const needed = new Set(chosen.map((row) => row.id));
    for (const row of chosen) {
      if (row.target !== undefined) needed.add(row.target.against);
      const reference = group.rows.find((other) => other.server === 'bare' && other.scenario === SCENARIOS[row.scenario].reference);
      if (reference !== undefined) needed.add(reference.id);
    }
    groups.push({ ...group, rows: group.rows.filter((row) => needed.has(row.id)) });
  }
  return groups;
}
