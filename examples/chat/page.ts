/**
 * The chat page: a log of what the room says and a line to say something,
 * over the browser's WebSocket.
 */
import { escapeHtml } from '../../src/gateway/index.js';

/** The page, with `socketPath` the path of the room's WebSocket. */
export function renderChatPage(socketPath: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>tsgi chat</title>
  <style>
    body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 40rem; }
    #log { list-style: none; padding: 0; min-height: 10rem; border: 1px solid #ccc; padding: .5rem; }
    #log .note { color: #666; font-style: italic; }
  </style>
</head>
<body data-socket="${escapeHtml(socketPath)}">
  <h1>tsgi chat</h1>
  <p>You are <strong id="me">…</strong>; <span id="state">connecting</span>.</p>
  <ul id="log"></ul>
  <form id="say">
    <input id="text" name="text" autocomplete="off" maxlength="500" placeholder="Say something" required>
    <button>Send</button>
  </form>
  <script>
    const url = new URL(document.body.dataset.socket, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url);
    const log = document.getElementById('log');
    const state = document.getElementById('state');
    function line(text, note) {
      const item = document.createElement('li');
      item.textContent = text;
      if (note) item.className = 'note';
      log.append(item);
    }
    socket.onopen = () => { state.textContent = 'connected'; };
    socket.onclose = (event) => { state.textContent = 'disconnected (' + event.code + ')'; };
    socket.onmessage = (event) => {
      const message = JSON.parse(event.data);
      if (message.kind === 'welcome') document.getElementById('me').textContent = message.you;
      else if (message.kind === 'message') line(message.from + ': ' + message.text, false);
      else line(message.who + ' ' + message.kind + ' (' + message.members + ' here)', true);
    };
    document.getElementById('say').onsubmit = (event) => {
      event.preventDefault();
      const input = document.getElementById('text');
      if (socket.readyState === WebSocket.OPEN && input.value.trim() !== '') socket.send(input.value);
      input.value = '';
    };
  </script>
</body>
</html>
`;
}
