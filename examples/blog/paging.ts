/**
 * `?offset=` and `?limit=` for the list.
 */
import { HttpError } from '../../src/gateway/index.js';
import { type FieldRecord } from '../../src/body/index.js';
import { DEFAULT_PAGE_SIZE } from './render.js';

/** The largest page. */
export const MAX_PAGE_SIZE = 100;

/** Reads the paging parameters: 400 for anything but one whole number in range. */
export function parsePaging(query: FieldRecord): { offset: number; limit: number } {
  return {
    offset: wholeNumber(query, 'offset', 0, 0, 1_000_000_000),
    limit: wholeNumber(query, 'limit', DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE),
  };
}

function wholeNumber(query: FieldRecord, name: string, fallback: number, min: number, max: number): number {
  const values = query[name];
  if (values === undefined) return fallback;
  const [value] = values;
  if (values.length !== 1 || value === undefined || !/^\d{1,10}$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new HttpError(400, `${name} must be given once, as a whole number from ${min} to ${max}`);
  }
  return Number(value);
}
