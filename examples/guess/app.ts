/**
 * The article's number-guessing game as a BaseHandler: GET shows the form,
 * POST judges the `myparam` field and shows the form again with a message.
 */
import { BaseHandler } from '../../src/index.js';
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

  doGET(): string {
    return renderPage(this.message);
  }

  async doPOST(): Promise<string> {
    const fields = await this.parseFields();
    const raw = fields.myparam?.[0];
    if (raw === undefined || raw.trim() === '') {
      this.message = "You didn't guess";
      this.statusOverride = '400 Bad Request';
      return this.doGET();
    }
    const guess = parseGuess(raw);
    if (guess === undefined) {
      this.message = `"${raw.slice(0, 50)}" is not a whole number from ${LOWEST} to ${HIGHEST}`;
      this.statusOverride = '422 Unprocessable Content';
      return this.doGET();
    }
    this.message = MESSAGES[(this.constructor as typeof GuessHandler).game.judge(guess)];
    return this.doGET();
  }
}
