/**
 * The game's one page: valid HTML5, with the message escaped.
 */
import { HIGHEST, LOWEST } from './game.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}

/** The form, preceded by `message` when there is one. */
export function renderPage(message: string): string {
  const status = message === '' ? '' : `\n  <p id="message" role="status">${escapeHtml(message)}</p>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Guess the number</title>
</head>
<body>
  <h1>Guess the number</h1>
  <p>I am thinking of a whole number from ${LOWEST} to ${HIGHEST}.</p>${status}
  <form method="post">
    <p><label for="myparam">Your guess</label>
      <input type="number" id="myparam" name="myparam" min="${LOWEST}" max="${HIGHEST}" value="" autofocus></p>
    <p><input type="submit" value="Guess"></p>
  </form>
</body>
</html>
`;
}
