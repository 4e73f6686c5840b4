import { describe, expect, it } from 'vitest';
import { parseBoolean, parseIsoDate, parseNumber } from '../../src/handler/index.js';

describe('parseNumber', () => {
  it.each([
    ['0', 0], ['42', 42], ['-7', -7], ['+3', 3], ['1.5', 1.5], ['.5', 0.5], ['5.', 5], ['1e3', 1000], ['-2.5E-1', -0.25],
  ])('reads %s', (text, value) => expect(parseNumber(text)).toBe(value));

  it.each(['', ' ', ' 1', '1 ', 'NaN', 'Infinity', '-Infinity', '0x10', '0b1', '0o7', '1_000', '1,5', '1e', 'e3', '.', '1e999', '--1', 'abc'])(
    'refuses %j',
    (text) => expect(parseNumber(text)).toBeUndefined(),
  );
});

describe('parseBoolean', () => {
  it.each([['true', true], ['TRUE', true], ['1', true], ['on', true], ['On', true], ['false', false], ['0', false], ['OFF', false]])(
    'reads %s',
    (text, value) => expect(parseBoolean(text)).toBe(value),
  );

  it.each(['', 'yes', 'no', 't', '2', ' true', 'truee'])('refuses %j', (text) => expect(parseBoolean(text)).toBeUndefined());
});

describe('parseIsoDate', () => {
  it.each([
    ['2024-02-29', '2024-02-29T00:00:00.000Z'],
    ['2024-02-29T13:45Z', '2024-02-29T13:45:00.000Z'],
    ['2024-02-29T13:45:10.123Z', '2024-02-29T13:45:10.123Z'],
    ['2024-02-29t13:45:10z', '2024-02-29T13:45:10.000Z'],
    ['2024-03-01T01:00:00+02:00', '2024-02-29T23:00:00.000Z'],
    ['1999-12-31T23:59:59-05:30', '2000-01-01T05:29:59.000Z'],
  ])('reads %s', (text, iso) => expect(parseIsoDate(text)?.toISOString()).toBe(iso));

  it.each([
    '', '2024', '2024-2-1', '2023-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-01-01T24:00Z', '2024-01-01T10:60Z',
    '2024-01-01T10:00', '2024-01-01 10:00Z', '2024-01-01T10:00+25:00', 'Mon, 01 Jan 2024 00:00:00 GMT', '1704067200000', 'tomorrow',
  ])('refuses %j', (text) => expect(parseIsoDate(text)).toBeUndefined());
});
