/**
 * The load-generator child. It stays up for the whole bench, pinned to its own
 * CPU, so autocannon is JIT-warm for every run and never competes with the
 * server for a core.
 *
 * @module
 */
import autocannon from 'autocannon';
import { allowedCpus } from '../process/affinity.js';
import { exitWithParent } from '../process/protocol.js';
import { isRunRequest, type LoadSample, type RunRequest, type RunResult } from './protocol.js';

exitWithParent();

process.on('message', (message) => {
  if (!isRunRequest(message)) return;
  run(message).then(
    (sample) => process.send?.({ type: 'result', sample } satisfies RunResult),
    (error: unknown) => process.send?.({ type: 'result', error: String(error) } satisfies RunResult),
  );
});

process.send?.({ type: 'ready', cpus: allowedCpus() });

async function run(request: RunRequest): Promise<LoadSample> {
  const cpuBefore = process.cpuUsage();
  const wallBefore = process.hrtime.bigint();
  const result = await autocannon({
    url: request.request === undefined ? request.url : new URL(request.request.path, request.url).href,
    ...(request.request === undefined
      ? {}
      : { method: request.request.method as 'POST', headers: request.request.headers, body: request.request.body }),
    connections: request.connections,
    pipelining: request.pipelining,
    duration: request.durationSeconds,
  });
  const cpu = process.cpuUsage(cpuBefore);
  const wallMicros = Number(process.hrtime.bigint() - wallBefore) / 1_000;
  return {
    requestsPerSecond: result.requests.total / result.duration,
    completed: result.requests.total,
    seconds: result.duration,
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    failures: result.errors + result.timeouts + result.resets + result.non2xx,
    clientCpu: (cpu.user + cpu.system) / wallMicros,
  };
}
