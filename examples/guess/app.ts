/**
 * The article's number-guessing game as a BaseHandler: GET shows the form,
 * POST judges the `myparam` field and shows the form again with a message.
 */
import { BaseHandler, field } from '../../src/handler/index.js';
import { csrf } from '../../src/middleware/csrf/index.js';
import { type App } from '../../src/gateway/index.js';
import { Game, HIGHEST, LOWEST, parseGuess } from './game.js';
import { renderPage } from './page.js';

const MESSAGES = {
  correct: 'You guessed correctly',
  higher: 'Try again, the number is higher than your guess',
  lower: 'Try again, the number is lower than your guess',
} as const;

/** Where a visitor's secret is kept in their session. */
const SECRET_KEY = 'guess.secret';

/**
 * Serves the game. Under the `sessions` middleware each visitor has a secret
 * of their own, kept in their session; without it, every instance of one
 * class shares that class's `game`.
 */
export class GuessHandler extends BaseHandler {
  /** The secret being guessed. Subclasses may give their own. */
  static game = new Game();

  message = '';

  /** The game this request plays: the visitor's own when there is a session. Read it once per request. */
  get game(): Game {
    const shared = (this.constructor as typeof GuessHandler).game;
    const session = this.environ['tsgi.session'];
    if (session === undefined) return shared;
    const stored = session.get(SECRET_KEY);
    const valid = typeof stored === 'number' && Number.isInteger(stored) && stored >= LOWEST && stored <= HIGHEST;
    return shared.withSecret(valid ? stored : undefined);
  }

  doGET(): string {
    return renderPage(this.message);
  }

  // The field is optional and stays a string so that a missing or malformed
  // guess gets the game's own page and message rather than a bare 400.
  doPOST(@field('myparam', { optional: true }) raw?: string): string {
    if (raw === undefined || raw.trim() === '') return this.#retry("You didn't guess", '400 Bad Request');
    const guess = parseGuess(raw);
    if (guess === undefined) {
      return this.#retry(`"${raw.slice(0, 50)}" is not a whole number from ${LOWEST} to ${HIGHEST}`, '422 Unprocessable Content');
    }
    const game = this.game;
    this.message = MESSAGES[game.judge(guess)];
    this.environ['tsgi.session']?.set(SECRET_KEY, game.secret);
    return this.doGET();
  }

  #retry(message: string, status: string): string {
    this.message = message;
    this.statusOverride = status;
    return this.doGET();
  }
}

/**
 * The game as the examples serve it: a guess posted from a page of another
 * origin is refused with 403. Its form needs no token, since every browser
 * in use sends `Sec-Fetch-Site` or `Origin` with a form post.
 */
export const guessApp: App = csrf(GuessHandler);
