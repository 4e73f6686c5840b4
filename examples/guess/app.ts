/**
 * The article's number-guessing game as a BaseHandler: GET shows the form,
 * POST judges the `myparam` field and shows the form again with a message.
 */
import { BaseHandler, field } from '../../src/index.js';
import { Game, HIGHEST, LOWEST, parseGuess } from './game.js';
import { renderPage } from './page.js';

const MESSAGES = {
  correct: 'You guessed correctly',
  higher: 'Try again, the number is higher than your guess',
  lower: 'Try again, the number is lower than your guess',
} as const;

/** Serves the game; every instance of one class shares that class's `game`. */
export class GuessHandler extends BaseHandler {
  /** The secret being guessed. Subclasses may give their own. */
  static game = new Game();

  message = '';

  /** The game this request plays. */
  get game(): Game {
    return (this.constructor as typeof GuessHandler).game;
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
    this.message = MESSAGES[this.game.judge(guess)];
    return this.doGET();
  }

  #retry(message: string, status: string): string {
    this.message = message;
    this.statusOverride = status;
    return this.doGET();
  }
}
