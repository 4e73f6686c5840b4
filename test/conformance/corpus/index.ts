/**
 * The whole corpus, in one list with unique names.
 */
import type { Case } from '../case.js';
import { bodyCases } from './bodies.js';
import { handlerCases } from './handler.js';
import { lengthCases } from './length.js';
import { middlewareCases } from './middleware.js';
import { noBodyCases } from './no-body.js';
import { startCases } from './start.js';
import { statusHeaderCases } from './status-headers.js';

export const corpus: readonly Case[] = [
  ...statusHeaderCases,
  ...lengthCases,
  ...startCases,
  ...bodyCases,
  ...noBodyCases,
  ...middlewareCases,
  ...handlerCases,
];

const seen = new Set<string>();
for (const entry of corpus) {
  if (seen.has(entry.name)) throw new Error(`duplicate corpus case ${entry.name}`);
  seen.add(entry.name);
}
