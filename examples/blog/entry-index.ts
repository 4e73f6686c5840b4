/**
 * The in-memory index of entries, kept sorted newest first, so a page of
 * the list costs the same with ten entries or ten thousand: a change moves
 * one entry (binary search, then one array splice), and a page is a slice.
 */
import { createHash } from 'node:crypto';

/** What the index knows of one entry file. */
export interface IndexedEntry {
  readonly name: string;
  readonly mtimeMs: number;
  readonly size: number;
}

// Newest first; equal times by name, so the order is total and stable.
function compare(a: IndexedEntry, b: IndexedEntry): number {
  return b.mtimeMs - a.mtimeMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

/** Entries by name and in list order. */
export class EntryIndex {
  #byName = new Map<string, IndexedEntry>();
  #sorted: IndexedEntry[] = [];
  // When an entry last disappeared: the list changes then too, though no
  // remaining entry got newer.
  #removedAt = 0;

  /** Replaces everything, as after reading the directory. */
  reset(entries: IndexedEntry[], listChangedAt: number): void {
    this.#byName = new Map(entries.map((entry) => [entry.name, entry]));
    this.#sorted = [...this.#byName.values()].sort(compare);
    this.#removedAt = listChangedAt;
  }

  /** Adds or updates one entry. */
  set(entry: IndexedEntry): void {
    const old = this.#byName.get(entry.name);
    if (old !== undefined) {
      if (old.mtimeMs === entry.mtimeMs && old.size === entry.size) return;
      this.#sorted.splice(this.#position(old), 1);
    }
    this.#byName.set(entry.name, entry);
    this.#sorted.splice(this.#insertionPoint(entry), 0, entry);
  }

  /** Removes one entry, if present. */
  delete(name: string, at: number): void {
    const old = this.#byName.get(name);
    if (old === undefined) return;
    this.#sorted.splice(this.#position(old), 1);
    this.#byName.delete(name);
    this.#removedAt = Math.max(this.#removedAt, at);
  }

  /** How many entries there are. */
  get size(): number {
    return this.#sorted.length;
  }

  /** When the list last changed, in epoch milliseconds. */
  get lastModifiedMs(): number {
    return Math.max(this.#sorted[0]?.mtimeMs ?? 0, this.#removedAt);
  }

  /** Entries `offset` to `offset + limit - 1`, newest first. */
  page(offset: number, limit: number): IndexedEntry[] {
    return this.#sorted.slice(offset, offset + limit);
  }

  /** A digest of what a page shows, for its ETag. */
  pageVersion(offset: number, limit: number): string {
    const hash = createHash('sha256').update(`${this.size}\n${offset}\n${limit}\n${this.lastModifiedMs}\n`);
    for (const { name, mtimeMs, size } of this.#sorted.slice(offset, offset + limit)) hash.update(`${name}\n${mtimeMs}\n${size}\n`);
    return hash.digest('base64url').slice(0, 22);
  }

  #insertionPoint(entry: IndexedEntry): number {
    let low = 0;
    let high = this.#sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.#sorted[mid]!, entry) <= 0) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  #position(entry: IndexedEntry): number {
    let low = 0;
    let high = this.#sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare(this.#sorted[mid]!, entry) < 0) low = mid + 1;
      else high = mid;
    }
    if (this.#sorted[low] !== entry) throw new Error(`index out of order at ${entry.name}`);
    return low;
  }
}
