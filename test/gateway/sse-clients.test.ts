import { EventSource } from 'eventsource';
import { describe, expect, it } from 'vitest';
import { eventStream, type App, type EventContext, type EventLike } from '../../src/gateway/index.js';
import { serve } from '../server/helpers.js';

function sseApp(produce: (context: EventContext) => AsyncIterable<EventLike> | Iterable<EventLike>, options = {}): App {
  return (environ, startResponse) => {
    const stream = eventStream(environ, produce, options);
    startResponse('200 OK', stream.headers);
    return stream;
  };
}

/** Collects `count` events of `type` from an EventSource, bounded; closes it. */
async function collect(url: string, count: number, types: string[] = ['message']): Promise<Array<{ type: string; data: string; lastEventId: string }>> {
  const source = new EventSource(url);
  const events: Array<{ type: string; data: string; lastEventId: string }> = [];
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`got ${events.length} of ${count} events: ${JSON.stringify(events)}`)), 10_000);
      for (const type of types) {
        source.addEventListener(type, (event) => {
          events.push({ type: event.type, data: event.data, lastEventId: event.lastEventId });
          if (events.length === count) {
            clearTimeout(timer);
            resolve();
          }
        });
      }
    });
  } finally {
    source.close();
  }
  return events;
}

describe('eventStream with the eventsource client', () => {
  it('parses back exactly what was sent: multi-line data from LF, CR and CRLF, spaces, empty data, Unicode, named events', async () => {
    const sent: EventLike[] = [
      'plain',
      { data: 'one\ntwo\rthree\r\nfour' },
      { data: '  leading spaces and trailing  ' },
      { data: '' },
      { event: 'custom', data: 'héllo ✓ 😀' },
      { comment: 'ignored by the client' },
      { data: 'data: looks like a field\n: and a comment\nid: 9' },
    ];
    const events = await collect((await serve(sseApp(() => sent))).url, 6, ['message', 'custom']);
    expect(events.map(({ type, data }) => [type, data])).toEqual([
      ['message', 'plain'],
      ['message', 'one\ntwo\nthree\nfour'],
      ['message', '  leading spaces and trailing  '],
      ['message', ''],
      ['custom', 'héllo ✓ 😀'],
      ['message', 'data: looks like a field\n: and a comment\nid: 9'],
    ]);
  });

  it('reconnects after the stream ends and resumes after Last-Event-ID, at the retry the server set', async () => {
    const asked: Array<string | undefined> = [];
    const app = sseApp(async function* ({ lastEventId }) {
      asked.push(lastEventId);
      const after = Number(lastEventId ?? 0);
      for (let id = after + 1; id <= after + 3; id++) yield { id: String(id), data: `event ${id}` };
    }, { retry: 50 });
    const started = Date.now();
    const events = await collect((await serve(app)).url, 9);
    expect(events.map((event) => event.lastEventId)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(events[3]!.data).toBe('event 4');
    expect(asked.slice(0, 3)).toEqual([undefined, '3', '6']);
    // Three connections, two waits of about 50 ms rather than the default 3 s.
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reconnects when the server cuts the connection mid-stream, and resumes after the last id received', async () => {
    const asked: Array<string | undefined> = [];
    const app = sseApp(async function* ({ lastEventId }) {
      asked.push(lastEventId);
      if (lastEventId === undefined) {
        yield { id: 'a1', data: 'first' };
        yield { id: 'a2', data: 'second' };
        // An error after the headers: the server aborts the connection.
        throw new Error('the feed broke');
      }
      yield { id: 'b1', data: `resumed after ${lastEventId}` };
    }, { retry: 50 });
    const { url, errors } = await serve(app);
    const events = await collect(url, 3);
    expect(events.map(({ lastEventId, data }) => [lastEventId, data])).toEqual([
      ['a1', 'first'],
      ['a2', 'second'],
      ['b1', 'resumed after a2'],
    ]);
    expect(asked.slice(0, 2)).toEqual([undefined, 'a2']);
    expect(errors.text).toContain('the feed broke');
  });
});
