/**
 * The POST workloads, defined once so every server answers the same bytes.
 *
 * @module
 */
import type { RequestShape } from '../load/protocol.js';

/**
 * One POST workload: what autocannon sends, and what every server must answer.
 *
 * @example
 * ```ts
 * for (const scenario of SCENARIOS) console.log(scenario.id, scenario.request.path);
 * ```
 */
export interface Scenario {
  id: string;
  label: string;
  request: RequestShape;
  expected: { status: number; contentType: string; body: string };
}

const ECHO_PAYLOAD = { id: 42, name: 'tsgi', tags: ['gateway', 'handler', 'bench'], nested: { ok: true, ratio: 0.75 } };

/** The secret of the benchmark's guessing game; fixed, so every answer is the same. */
export const GUESS_SECRET = 57;

/**
 * The answer every server gives to a guess, mirroring the example game.
 *
 * @example
 * ```ts
 * guessAnswer(42); // 'Higher than 42.\n'
 * ```
 */
export function guessAnswer(guess: number): string {
  if (guess === GUESS_SECRET) return 'You guessed correctly.\n';
  return guess < GUESS_SECRET ? `Higher than ${guess}.\n` : `Lower than ${guess}.\n`;
}

/** `text/plain; charset=utf-8`, the guess answer's type. */
export const TEXT_TYPE = 'text/plain; charset=utf-8';
/** `application/json; charset=utf-8`, the echo's type. */
export const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * The JSON echo and the urlencoded guess.
 *
 * @example
 * ```ts
 * const echo = SCENARIOS.find((s) => s.id === 'json-echo')!;
 * ```
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    id: 'json-echo',
    label: 'JSON POST echo',
    request: {
      method: 'POST',
      path: '/echo',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ECHO_PAYLOAD),
    },
    expected: { status: 200, contentType: JSON_TYPE, body: JSON.stringify(ECHO_PAYLOAD) },
  },
  {
    id: 'form-guess',
    label: 'urlencoded POST (the game)',
    request: {
      method: 'POST',
      path: '/guess',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'myparam=42',
    },
    expected: { status: 200, contentType: TEXT_TYPE, body: guessAnswer(42) },
  },
];

/**
 * Parses a guess the way the example game does: a whole number from 1 to 100.
 *
 * @example
 * ```ts
 * parseGuess('42'); // 42
 * parseGuess('x');  // undefined
 * ```
 */
export function parseGuess(raw: string | undefined): number | undefined {
  if (raw === undefined || !/^\d{1,3}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value >= 1 && value <= 100 ? value : undefined;
}
