/**
 * The secret of the number-guessing game, and the rules for judging a guess.
 */
import { randomInt } from 'node:crypto';

/** The range the secret is drawn from, inclusive. */
export const LOWEST = 1;
export const HIGHEST = 100;

/** How a guess compares with the secret. */
export type Verdict = 'correct' | 'higher' | 'lower';

/** Holds one secret number; `judge` draws a new one after a correct guess. */
export class Game {
  #secret: number;
  readonly #draw: () => number;

  constructor(draw: () => number = () => randomInt(LOWEST, HIGHEST + 1), secret?: number) {
    this.#draw = draw;
    this.#secret = secret ?? draw();
  }

  /** The number being guessed, so that a visitor's game can be kept in their session. */
  get secret(): number {
    return this.#secret;
  }

  /** A game drawing numbers the same way, holding `secret` (a fresh draw without one). */
  withSecret(secret?: number): Game {
    return new Game(this.#draw, secret);
  }

  judge(guess: number): Verdict {
    if (guess === this.#secret) {
      this.#secret = this.#draw();
      return 'correct';
    }
    return guess < this.#secret ? 'higher' : 'lower';
  }
}

/**
 * Reads a guess: a whole number from LOWEST to HIGHEST, written in plain
 * digits. Returns undefined for anything else ('', '1.5', '1e2', '0x10', '101').
 */
export function parseGuess(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{1,3}$/.test(trimmed)) return undefined;
  const value = Number(trimmed);
  return value >= LOWEST && value <= HIGHEST ? value : undefined;
}
