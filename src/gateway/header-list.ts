/**
 * A case-insensitive view of a {@link ResponseHeaders} list.
 *
 * @module
 */
import type { ResponseHeaders } from './types.js';

/**
 * Reads and edits a `[name, value][]` header list by case-insensitive name,
 * in place: the list it wraps stays the single source of truth, so it can be
 * handed to `startResponse` after editing.
 *
 * @example
 * ```ts
 * const headers = new HeaderList([['content-type', 'text/plain']]);
 * headers.get('Content-Type');            // 'text/plain'
 * headers.set('Cache-Control', 'no-store');
 * headers.add('Set-Cookie', 'a=1');
 * startResponse('200 OK', headers.list);
 * ```
 *
 * @category Helpers
 */
export class HeaderList {
  /** The underlying list, edited in place. */
  readonly list: ResponseHeaders;

  constructor(list: ResponseHeaders = []) {
    this.list = list;
  }

  /** The first value for `name`, or `undefined`. */
  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    for (const [key, value] of this.list) if (key.toLowerCase() === lower) return value;
    return undefined;
  }

  /** Every value for `name`, in order. */
  getAll(name: string): string[] {
    const lower = name.toLowerCase();
    return this.list.filter(([key]) => key.toLowerCase() === lower).map(([, value]) => value);
  }

  /** Whether any header is named `name`. */
  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every header named `name` with one holding `value`. */
  set(name: string, value: string): this {
    this.delete(name);
    this.list.push([name, value]);
    return this;
  }

  /** Appends a header, keeping any others of the same name. */
  add(name: string, value: string): this {
    this.list.push([name, value]);
    return this;
  }

  /** Sets `name` only if it is absent. Returns the value now in effect. */
  setDefault(name: string, value: string): string {
    const existing = this.get(name);
    if (existing !== undefined) return existing;
    this.list.push([name, value]);
    return value;
  }

  /** Removes every header named `name`; returns how many were removed. */
  delete(name: string): number {
    const lower = name.toLowerCase();
    let removed = 0;
    for (let i = this.list.length - 1; i >= 0; i--) {
      if (this.list[i]![0].toLowerCase() === lower) {
        this.list.splice(i, 1);
        removed++;
      }
    }
    return removed;
  }

  /** Iterates the `[name, value]` pairs in order. */
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.list[Symbol.iterator]();
  }
}
