/**
 * The life cycle every server child shares: read the scenario from argv,
 * listen on loopback, print the port, and exit when the parent closes stdin
 * (which also happens when the parent dies, so no server outlives a run).
 *
 * @module
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isScenarioId, type ScenarioId } from '../scenarios.js';

/** The only address servers listen on. */
export const BENCH_HOST = '127.0.0.1';

/** The scenario named by the first argument, checked. */
export function scenarioArgument(): ScenarioId {
  const value = process.argv[2] ?? '';
  if (!isScenarioId(value)) throw new Error(`unknown scenario ${JSON.stringify(value)}`);
  return value;
}

/**
 * Starts the child: `listen` resolves to the port, printed on a line of its
 * own; the process exits normally (so `--cpu-prof` writes its profile) when
 * stdin ends or on SIGTERM.
 */
export async function serveChild(listen: () => Promise<number>): Promise<void> {
  process.stdin.on('end', () => process.exit(0)).resume();
  process.on('SIGTERM', () => process.exit(0));
  process.stdout.write(`${await listen()}\n`);
}

/** Listens with a node:http server and resolves to its port. */
export async function listenNode(server: Server): Promise<number> {
  await new Promise<void>((listening) => server.listen(0, BENCH_HOST, listening));
  return (server.address() as AddressInfo).port;
}

/**
 * A scenario that this server does not implement: a clear error, so a typo in
 * the groups fails at start rather than under load.
 */
export function unsupported(server: string, scenario: ScenarioId): Error {
  return new Error(`${server} has no ${scenario} scenario`);
}
