/**
 * Number and table formatting shared by the report's sections.
 *
 * @module
 */

/**
 * A Markdown table from a header row and body rows.
 *
 * @example
 * ```ts
 * table(['server', 'req/s'], [['bare', '20 000']]);
 * ```
 */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * A whole number with thin-space thousands separators, as req/s are shown.
 *
 * @example
 * ```ts
 * integer(21034.6); // '21 035'
 * ```
 */
export function integer(value: number): string {
  return Math.round(value)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

/**
 * A fraction as a percentage with one decimal, or `n/a`.
 *
 * @example
 * ```ts
 * percent(0.1234); // '12.3 %'
 * ```
 */
export function percent(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? 'n/a' : `${(value * 100).toFixed(1)} %`;
}

/**
 * A ratio with three decimals and a trailing ×.
 *
 * @example
 * ```ts
 * ratio(0.9567); // '0.957×'
 * ```
 */
export function ratio(value: number): string {
  return `${value.toFixed(3)}×`;
}
