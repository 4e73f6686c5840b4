/**
 * The clock's page: the time, kept live by an `EventSource` on the
 * clock's event stream.
 */
import { escapeHtml } from '../../src/gateway/index.js';

/** The page, with `events` the URL of the event stream. */
export function renderClockPage(events: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>tsgi clock</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 3rem; }
    #time { font-size: 4rem; font-variant-numeric: tabular-nums; }
  </style>
</head>
<body data-events="${escapeHtml(events)}">
  <h1>tsgi clock</h1>
  <p id="time">--:--:--</p>
  <p>Tick <span id="tick">none yet</span>, <span id="state">connecting</span>.
  Reconnections: <span id="reconnects">0</span>.</p>
  <script>
    const source = new EventSource(document.body.dataset.events);
    let opened = 0;
    source.onopen = () => {
      document.getElementById('state').textContent = 'connected';
      if (opened++ > 0) document.getElementById('reconnects').textContent = String(opened - 1);
    };
    source.onerror = () => {
      document.getElementById('state').textContent = source.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting';
    };
    source.onmessage = (event) => {
      const { tick, time } = JSON.parse(event.data);
      document.getElementById('time').textContent = new Date(time).toLocaleTimeString('en-GB', { timeZone: 'UTC' }) + ' UTC';
      document.getElementById('tick').textContent = String(tick);
      document.body.dataset.lastEventId = event.lastEventId;
    };
  </script>
</body>
</html>
`;
}
