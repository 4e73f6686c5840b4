/**
 * The clock's events: one a second, on the second, each numbered one more
 * than the last, so a client that reconnects with `Last-Event-ID` carries
 * on from where it was.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { HttpError, type EventContext, type ServerEvent } from '../../src/gateway/index.js';

/** What each tick carries, as JSON in its `data`. */
export interface Tick {
  /** The tick's number, also its event id. */
  tick: number;
  /** The server's time, ISO 8601 in UTC. */
  time: string;
}

/**
 * The tick a stream resumes after: 0 for a first connection, else the
 * `Last-Event-ID` the browser sent, which must be one of ours.
 *
 * @throws HttpError 400 for an id this clock never sent.
 */
export function resumeAfter(lastEventId: string | undefined): number {
  if (lastEventId === undefined) return 0;
  if (!/^\d{1,15}$/.test(lastEventId)) {
    throw new HttpError(400, `Last-Event-ID must be a tick number this clock sent, got ${JSON.stringify(lastEventId.slice(0, 40))}`);
  }
  return Number(lastEventId);
}

/** Ticks from `after + 1`, one each second until the client leaves. */
export async function* ticks(after: number, { signal }: EventContext): AsyncGenerator<ServerEvent> {
  for (let tick = after + 1; ; tick++) {
    const time = new Date();
    const data: Tick = { tick, time: time.toISOString() };
    yield { id: String(tick), data: JSON.stringify(data) };
    // The signal ends the wait at once when the client goes away.
    await sleep(1000 - (Date.now() % 1000), undefined, { signal });
  }
}
