/**
 * Strict conversions from the strings a request carries to the types a
 * `doX` parameter declares. Each refuses anything it would have to guess at.
 *
 * @module
 */
import { HttpError } from '../gateway/http-error.js';
import type { TypeSpec } from './metadata.js';

const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Reads a decimal number: optional sign, digits, optional fraction and
 * exponent, nothing else. Refuses `''`, whitespace, `NaN`, `Infinity`, hex,
 * binary, `1_000`, and values too large to be finite. Returns `undefined`
 * when refused.
 *
 * @example
 * ```ts
 * parseNumber('-1.5e3'); // -1500
 * parseNumber(' 1 ');    // undefined
 * parseNumber('0x10');   // undefined
 * ```
 *
 * @category Value parsers
 */
export function parseNumber(text: string): number | undefined {
  if (!DECIMAL.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

const TRUE = new Set(['true', '1', 'on']);
const FALSE = new Set(['false', '0', 'off']);

/**
 * Reads `true`/`false`, `1`/`0` or `on`/`off`, in any case. Returns
 * `undefined` for anything else, including `''`.
 *
 * @example
 * ```ts
 * parseBoolean('ON');  // true
 * parseBoolean('yes'); // undefined
 * ```
 *
 * @category Value parsers
 */
export function parseBoolean(text: string): boolean | undefined {
  const lower = text.toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return undefined;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?([Zz]|[+-]\d{2}:\d{2}))?$/;

/**
 * Reads an ISO 8601 date (`2024-02-29`, taken as midnight UTC) or date-time
 * with a zone (`2024-02-29T13:45:00Z`, `…+02:00`; seconds and fraction
 * optional). A date-time without a zone is refused, since it would silently
 * take the server's zone, and so is a date that does not exist
 * (`2023-02-29`, `24:00`). Returns `undefined` when refused.
 *
 * @example
 * ```ts
 * parseIsoDate('2024-02-29')?.toISOString(); // '2024-02-29T00:00:00.000Z'
 * parseIsoDate('2024-02-30');                // undefined
 * parseIsoDate('2024-02-29 10:00');          // undefined
 * ```
 *
 * @category Value parsers
 */
export function parseIsoDate(text: string): Date | undefined {
  const match = ISO_DATE.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', , zone] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  // A day past the month's end rolls over in Date.UTC; comparing catches it.
  const check = new Date(Date.UTC(y, mo - 1, d));
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return undefined;
  if (zone !== undefined && zone.length > 1 && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return undefined;
  const value = new Date(zone === undefined ? `${year}-${month}-${day}T00:00:00Z` : text.toUpperCase());
  return Number.isNaN(value.getTime()) ? undefined : value;
}

/** Why a conversion failed: the type that was expected. */
export class ConversionFailure extends Error {
  constructor(readonly expected: string, readonly reason?: string) {
    super(reason ?? `expected ${expected}`);
  }
}

/** How raw strings become one parameter's value. */
export interface Conversion {
  /** Whether the parameter takes every value (an array) or the first. */
  readonly many: boolean;
  /** Whether the value stays the raw string. */
  readonly isString: boolean;
  /** Converts one raw value, throwing {@link ConversionFailure} or an HttpError. */
  readonly convert: (raw: string) => unknown;
}

const identity = (raw: string): string => raw;

function scalar(type: unknown): ((raw: string) => unknown) | undefined {
  if (type === String || type === Object || type === undefined) return identity;
  if (type === Number) {
    return (raw) => parseNumber(raw) ?? fail('a number');
  }
  if (type === Boolean) {
    return (raw) => parseBoolean(raw) ?? fail('a boolean (true/false, 1/0, on/off)');
  }
  if (type === Date) {
    return (raw) => parseIsoDate(raw) ?? fail('an ISO 8601 date (2024-02-29 or 2024-02-29T13:45:00Z)');
  }
  if (typeof type === 'function' && !isClass(type)) {
    const parse = type as (value: string) => unknown;
    return (raw) => {
      try {
        return parse(raw);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        throw new ConversionFailure('a valid value', error instanceof Error ? error.message : undefined);
      }
    };
  }
  return undefined;
}

// Classes and built-in constructors other than the coercing ones cannot be
// called on a string (or would build the wrong thing), so they are refused
// rather than treated as parse functions. BigInt is the one that parses.
function isClass(fn: Function): boolean {
  const source = Function.prototype.toString.call(fn);
  return /^class[\s{]/.test(source) || (source.includes('[native code]') && fn !== BigInt);
}

function fail(expected: string): never {
  throw new ConversionFailure(expected);
}

/**
 * Resolves the conversion for an explicit type, or else a declared one.
 * Returns `undefined` for a type it cannot convert strings to (a class of
 * the app's own, say), which the caller reports.
 */
export function conversionFor(explicit: TypeSpec | undefined, declared: unknown): Conversion | undefined {
  const type: unknown = explicit ?? declared;
  if (type === Array) return { many: true, isString: true, convert: identity };
  if (Array.isArray(type)) {
    const item = scalar((type as unknown[])[0]);
    return item === undefined ? undefined : { many: true, isString: item === identity, convert: item };
  }
  const convert = scalar(type);
  return convert === undefined ? undefined : { many: false, isString: convert === identity, convert };
}

/** A short name for a type, for messages. */
export function typeName(type: unknown): string {
  if (Array.isArray(type)) return `[${typeName(type[0])}]`;
  return typeof type === 'function' ? type.name || 'a parse function' : String(type);
}
