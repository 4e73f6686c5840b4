/**
 * What a corpus app records about one run, for the harness to read back:
 * how often each of its body iterators had `return()` called, notes such as
 * an access-log line, and late work (a timer) the harness must wait for.
 *
 * The harness sends a run id in `X-Conformance-Run`; the app finds its probe
 * by that id, so runs on different hosts never share a counter.
 */
import type { Chunk, Environ } from '../../src/gateway/index.js';

/** One run's record. */
export class Probe {
  /** `return()` calls per body label (`body` unless the app names more than one). */
  readonly returns: Record<string, number> = {};
  /** Iterators taken per body label. */
  readonly taken: Record<string, number> = {};
  /** Free-form observations compared across hosts (e.g. the access-log outcome). */
  readonly notes: string[] = [];
  /** Rules `validate()` reported through onViolation for this run. */
  readonly violations: string[] = [];
  /** Work still running after the response, which the harness awaits. */
  readonly pending: Promise<unknown>[] = [];

  countReturn(label: string): void {
    this.returns[label] = (this.returns[label] ?? 0) + 1;
  }

  countTake(label: string): void {
    this.taken[label] = (this.taken[label] ?? 0) + 1;
  }
}

const probes = new Map<string, Probe>();
// Apps run without a harness (a stray request) still get a probe to write to.
const STRAY = new Probe();

/** The header carrying the run id, as the environ names it. */
export const RUN_KEY = 'HTTP_X_CONFORMANCE_RUN';

/** Makes and registers the probe for run `id`. */
export function openProbe(id: string): Probe {
  const probe = new Probe();
  probes.set(id, probe);
  return probe;
}

/** Forgets run `id`. */
export function closeProbe(id: string): void {
  probes.delete(id);
}

/** The probe of the run this request belongs to. */
export function probeOf(environ: Environ): Probe {
  const id = environ[RUN_KEY];
  return (typeof id === 'string' ? probes.get(id) : undefined) ?? STRAY;
}

/** Wraps an iterator so that its `return()` calls are counted under `label`. */
export function countedIterator<T>(inner: Iterator<T>, probe: Probe, label = 'body'): Iterator<T> {
  probe.countTake(label);
  return {
    next: () => inner.next(),
    return(value?: unknown): IteratorResult<T> {
      probe.countReturn(label);
      return inner.return?.(value) ?? { done: true, value: undefined };
    },
  };
}

/** Async counterpart of {@link countedIterator}. */
export function countedAsyncIterator<T>(inner: AsyncIterator<T>, probe: Probe, label = 'body'): AsyncIterator<T> {
  probe.countTake(label);
  return {
    next: () => inner.next(),
    async return(value?: unknown): Promise<IteratorResult<T>> {
      probe.countReturn(label);
      return (await inner.return?.(value)) ?? { done: true, value: undefined };
    },
  };
}

/** A sync body whose iterator comes from `make` and counts its `return()`. */
export function syncBody(probe: Probe, make: () => Iterator<unknown>, label = 'body'): Iterable<Chunk> {
  return { [Symbol.iterator]: () => countedIterator(make(), probe, label) as Iterator<Chunk> };
}

/** An async body whose iterator comes from `make` and counts its `return()`. */
export function asyncBody(probe: Probe, make: () => AsyncIterator<unknown>, label = 'body'): AsyncIterable<Chunk> {
  return { [Symbol.asyncIterator]: () => countedAsyncIterator(make(), probe, label) as AsyncIterator<Chunk> };
}
