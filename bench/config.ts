/**
 * The bench's settings, from the environment, with defaults sized so a full
 * run stays under about eight minutes on the project's 2-core machine.
 * Rounds are many and short (10 × 2 s) rather than few and long: other work
 * on the shared machine comes in bursts, a short run fits in the gap between
 * two, and one spoiled by a burst is cheap to run again.
 *
 * @module
 */
import { fileURLToPath } from 'node:url';

/**
 * When to CPU-profile the tsgi servers.
 * `auto` profiles only after a missed target, so a miss always comes with an
 * explanation; `always` and `never` force it either way.
 *
 * @example
 * ```ts
 * const mode: ProfileMode = 'auto';
 * ```
 */
export type ProfileMode = 'auto' | 'always' | 'never';

/**
 * Everything a bench run is parameterised by.
 *
 * @example
 * ```ts
 * const config = readConfig(process.env);
 * console.log(config.rounds, config.durationSeconds);
 * ```
 */
export interface BenchConfig {
  /** `BENCH_QUICK=1`: a smoke run with tiny durations. */
  quick: boolean;
  /** `BENCH_DURATION`: seconds per measured run. */
  durationSeconds: number;
  /** `BENCH_WARMUP`: seconds of unmeasured load per server and pipelining level. */
  warmupSeconds: number;
  /** `BENCH_ROUNDS`: measured runs per server and pipelining level. */
  rounds: number;
  /** `BENCH_CONNECTIONS`: keep-alive connections autocannon opens. */
  connections: number;
  /** `BENCH_PIPELINING`: comma-separated levels, e.g. `1,10`. */
  pipelining: number[];
  /** `BENCH_SERVERS`: comma-separated server ids to run (bare node is always added). */
  servers: string[] | undefined;
  /** `BENCH_PROFILE`: `1` always, `0` never, unset: after a missed target. */
  profile: ProfileMode;
  /** `BENCH_PROFILE_DURATION`: seconds of load while profiling. */
  profileSeconds: number;
  /**
   * `BENCH_NOISE_LIMIT`: percent of a core that other processes may use on
   * the server's or the client's core before a run waits or is re-run
   * (default 10; 100 turns noise handling off).
   */
  noiseLimit: number;
  /**
   * `BENCH_BUDGET`: seconds for the measured rounds, waiting for quiet and
   * re-runs included (default 1.75 × the plain load time).
   */
  budgetSeconds: number;
  /**
   * `BENCH_SERVER_NODE_ARGS`: extra `node` flags for every server child,
   * space-separated, for experiments such as `--max-semi-space-size=64`
   * (V8 flags cannot go through NODE_OPTIONS).
   */
  serverNodeArgs: string[];
  /** `BENCH_OUTPUT`: where the Markdown report goes. */
  output: string;
  /** Where raw JSON results and profiles go (git-ignored). */
  outDir: string;
  /** CPU for servers; undefined when running unpinned. */
  serverCpu: number | undefined;
  /** CPU for the load generator; undefined when running unpinned. */
  clientCpu: number | undefined;
}

const repoRoot = fileURLToPath(new URL('../../', import.meta.url)); // from dist/bench/

/**
 * Reads the configuration from `env`; `pinned` says whether taskset exists.
 * Explicit settings win over `BENCH_QUICK`'s defaults.
 *
 * @example
 * ```ts
 * const config = readConfig({ BENCH_QUICK: '1' }, true); // 1 round of 1 s
 * ```
 */
export function readConfig(env: NodeJS.ProcessEnv, pinned: boolean): BenchConfig {
  const quick = env['BENCH_QUICK'] === '1';
  const profile = env['BENCH_PROFILE'];
  const durationSeconds = positiveInteger(env, 'BENCH_DURATION', quick ? 1 : 2);
  const rounds = positiveInteger(env, 'BENCH_ROUNDS', quick ? 1 : 10);
  const pipelining = (env['BENCH_PIPELINING'] ?? '1,10').split(',').map((level) => {
    const value = Number(level);
    if (!Number.isInteger(value) || value < 1) throw new Error(`BENCH_PIPELINING: bad level "${level}"`);
    return value;
  });
  const servers = env['BENCH_SERVERS']?.split(',').map((id) => id.trim());
  const runs = rounds * pipelining.length * (servers === undefined ? 5 : servers.length + 1);
  return {
    quick,
    durationSeconds,
    warmupSeconds: positiveInteger(env, 'BENCH_WARMUP', quick ? 1 : 2),
    rounds,
    connections: positiveInteger(env, 'BENCH_CONNECTIONS', 10),
    pipelining,
    servers,
    noiseLimit: positiveInteger(env, 'BENCH_NOISE_LIMIT', 10) / 100,
    serverNodeArgs: (env['BENCH_SERVER_NODE_ARGS'] ?? '').split(' ').filter((arg) => arg !== ''),
    budgetSeconds: positiveInteger(env, 'BENCH_BUDGET', Math.ceil(1.75 * runs * durationSeconds)),
    profile: profile === '1' ? 'always' : profile === '0' ? 'never' : 'auto',
    profileSeconds: positiveInteger(env, 'BENCH_PROFILE_DURATION', quick ? 2 : 8),
    // A smoke run must not overwrite the committed results.
    output: env['BENCH_OUTPUT'] ?? `${repoRoot}${quick ? 'bench/.out/RESULTS.quick.md' : 'bench/RESULTS.md'}`,
    outDir: `${repoRoot}bench/.out`,
    serverCpu: pinned ? 0 : undefined,
    clientCpu: pinned ? 1 : undefined,
  };
}

// Whole numbers only: autocannon counts durations in whole seconds, and a
// fractional round or connection count means nothing.
function positiveInteger(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}
