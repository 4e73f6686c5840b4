/**
 * Choosing a content coding from `Accept-Encoding` (RFC 9110 §12.5.3).
 *
 * @module
 */

/**
 * A content coding {@link compress} can produce.
 *
 * @example
 * ```ts
 * const preferred: Encoding[] = ['br', 'gzip'];
 * ```
 *
 * @category Helpers
 */
export type Encoding = 'br' | 'gzip' | 'deflate';

/**
 * What {@link negotiateEncoding} decided: a coding to use, `identity` (send
 * as is), or `refused` when the client accepts none of ours and has also
 * ruled out `identity` (`identity;q=0` or `*;q=0`).
 *
 * @example
 * ```ts
 * const choice: EncodingChoice = negotiateEncoding('gzip, br;q=0.5', ['br', 'gzip']); // 'gzip'
 * ```
 */
export type EncodingChoice = Encoding | 'identity' | 'refused';

const Q_VALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

/**
 * Picks the coding the client weights highest among `offered`, which is in
 * the server's order of preference (used to break ties). A coding's weight
 * is its own `q`, else that of `*`, else 0; `identity` is acceptable unless
 * excluded by `identity;q=0`, or by `*;q=0` without an `identity` entry, and
 * when unlisted it ranks below every acceptable coding. A coding is chosen
 * over `identity` when weighted at least as high.
 * Malformed entries (a bad `q`) are ignored; a missing or empty header means
 * `identity`. Coding names are case-insensitive; `x-gzip` counts as `gzip`.
 *
 * @example
 * ```ts
 * negotiateEncoding('gzip;q=0.8, br', ['gzip', 'br']);  // 'br'
 * negotiateEncoding('*', ['br', 'gzip']);               // 'br'
 * negotiateEncoding('identity;q=0, compress', ['gzip']); // 'refused'
 * negotiateEncoding(undefined, ['gzip']);               // 'identity'
 * ```
 */
export function negotiateEncoding(header: string | undefined, offered: readonly Encoding[]): EncodingChoice {
  if (header === undefined || header.trim() === '') return 'identity';
  const weights = new Map<string, number>();
  for (const item of header.split(',')) {
    const [rawName, ...params] = item.split(';');
    let name = rawName!.trim().toLowerCase();
    if (name === '') continue;
    if (name === 'x-gzip') name = 'gzip';
    let q = 1;
    let valid = true;
    for (const param of params) {
      const [key, value] = param.split('=').map((part) => part.trim());
      if (key?.toLowerCase() !== 'q') continue;
      if (value === undefined || !Q_VALUE.test(value)) valid = false;
      else q = Number(value);
    }
    if (valid) weights.set(name, Math.max(q, weights.get(name) ?? 0));
  }
  const star = weights.get('*');
  const weightOf = (name: string): number => weights.get(name) ?? star ?? 0;
  let best: Encoding | undefined;
  let bestWeight = 0;
  for (const encoding of offered) {
    const weight = weightOf(encoding);
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  // Unlisted, identity is acceptable but least preferred (RFC 9110 §12.5.3).
  const identityWeight = weights.get('identity') ?? star ?? Number.MIN_VALUE;
  if (best !== undefined && bestWeight >= identityWeight) return best;
  if (identityWeight > 0) return 'identity';
  return best ?? 'refused';
}
