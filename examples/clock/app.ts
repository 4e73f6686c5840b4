/**
 * A live clock over Server-Sent Events: `/` is a page whose `EventSource`
 * reads `/events`, an event a second with the time. A browser that loses
 * the connection reconnects with `Last-Event-ID` and the ticks carry on
 * from there, even from a restarted server.
 */
import { eventStream, HttpError, type EventStream } from '../../src/gateway/index.js';
import { BaseHandler } from '../../src/handler/index.js';
import { renderClockPage } from './page.js';
import { resumeAfter, ticks } from './ticks.js';

/** The clock: its page and its event stream. */
export class Clock extends BaseHandler {
  doGET(): string | EventStream {
    const path = this.pathInfo;
    if (path === '' || path === '/') return renderClockPage(`${this.environ.SCRIPT_NAME}/events`);
    if (path !== '/events') throw new HttpError(404, `Nothing here: ${path.slice(0, 200)}`);
    // Checked before the stream starts, so a bad id gets a clean 400.
    const after = resumeAfter(this.environ.HTTP_LAST_EVENT_ID || undefined);
    // A second's retry rather than the browser's default of about three.
    const stream = eventStream(this.environ, (context) => ticks(after, context), { retry: 1000 });
    this.start('200 OK', stream.headers);
    return stream;
  }
}
