/**
 * What the blog needs from storage, so the handler does not care where
 * entries live.
 */

/** An entry's name and file facts, without its text. */
export interface EntryInfo {
  /** The canonical name (see names.ts). */
  name: string;
  /** When the entry was last written. */
  updated: Date;
  /** The text's size in bytes. */
  size: number;
}

/** A stored entry. */
export interface Entry extends EntryInfo {
  /** The text, as UTF-8 bytes were stored. */
  text: string;
  /** Changes whenever the text or `updated` changes: the basis of its ETag. */
  version: string;
}

/** One page of the list, newest first. */
export interface EntryPage {
  /** How many entries there are in all. */
  total: number;
  /** The entries of this page, without their text. */
  entries: EntryInfo[];
  /** Reads the page's entries with their text (left out: any deleted since). */
  load(): Promise<Entry[]>;
  /** When the list last changed: the newest entry, or a deletion. */
  lastModified: Date;
  /** Changes whenever this page changes: the basis of its (weak) ETag. */
  version: string;
}

/**
 * Checks an entry as it is just before a write, under the store's lock for
 * that name, so the check and the write cannot be split by another request,
 * of this process or another. Throwing cancels the write. `current` is
 * undefined for a new entry.
 */
export type WriteCheck = (current: Entry | undefined) => void;

/**
 * A write that could not get its entry's lock in time: other writers keep
 * it busy, or one is stuck. Nothing was written; trying again later may
 * succeed.
 */
export class EntryBusyError extends Error {
  /** The entry that was busy. */
  readonly entry: string;

  constructor(entry: string, options?: ErrorOptions) {
    super(`${entry} is busy with other writes`, options);
    this.name = 'EntryBusyError';
    this.entry = entry;
  }
}

/** Entry storage. Writes (put, delete) may reject with {@link EntryBusyError}. */
export interface EntryStore {
  /** The blog's permanent UUID, created on first use. */
  blogId(): Promise<string>;
  /** The entry, or undefined when there is none by that name. */
  get(name: string): Promise<Entry | undefined>;
  /** Stores `text` (UTF-8) as the entry; `created` tells a new entry from an update. */
  put(name: string, text: Uint8Array, check?: WriteCheck): Promise<{ created: boolean; entry: Entry }>;
  /** Deletes the entry; false when there was none (then `check` is not called). */
  delete(name: string, check?: WriteCheck): Promise<boolean>;
  /** A page of entries, newest first. */
  list(offset: number, limit: number): Promise<EntryPage>;
}
