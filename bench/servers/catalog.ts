/**
 * The servers under test, in report order, and what is expected of each.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

/**
 * One server under test.
 *
 * @example
 * ```ts
 * const bare = SERVERS.find((s) => s.reference)!;
 * NodeChild.spawn(bare.script, { name: bare.id, cpu: 0 });
 * ```
 */
export interface ServerSpec {
  /** Short stable name, used in logs, file names and `BENCH_SERVERS`. */
  id: string;
  /** Name shown in the report. */
  label: string;
  /** Absolute path of the compiled child script. */
  script: string;
  /** Whether this is bare node:http, the baseline for bytes and speed. */
  reference?: true;
  /** The minimum acceptable ratio of its median req/s to bare node's. */
  target?: number;
  /**
   * Why its header names may differ in case from bare node's: Fastify
   * lower-cases every name it stores, with no opt-out. Names are
   * case-insensitive in HTTP (RFC 9110 §5.1) and the byte count is unchanged,
   * so only the case is excused; everything else must still match exactly.
   */
  lowercasesHeaderNames?: string;
  /** Whether it runs tsgi code, and so is worth profiling when it misses. */
  tsgi?: true;
}

const script = (name: string): string => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

/**
 * Every server, tsgi first. Bare node is the reference.
 *
 * @example
 * ```ts
 * for (const server of SERVERS) console.log(server.id, server.target ?? '-');
 * ```
 */
export const SERVERS: readonly ServerSpec[] = [
  { id: 'tsgi-function', label: 'tsgi, function app', script: script('tsgi-function'), target: 0.95, tsgi: true },
  { id: 'tsgi-handler', label: 'tsgi, BaseHandler app', script: script('tsgi-handler'), target: 0.9, tsgi: true },
  { id: 'node-http', label: 'bare node:http', script: script('node-http'), reference: true },
  {
    id: 'fastify',
    label: 'Fastify 5',
    script: script('fastify'),
    lowercasesHeaderNames: 'Fastify 5 lower-cases header names (reply.header stores them lower-cased)',
  },
  { id: 'express', label: 'Express 5', script: script('express') },
];
