/**
 * The interface every session store implements, and the record it keeps.
 *
 * @module
 */

/**
 * What a store keeps per session id. Times are epoch milliseconds.
 *
 * @example
 * ```ts
 * const record: SessionRecord = { data: { visits: 3 }, created: Date.now(), touched: Date.now() };
 * ```
 *
 * @category Stores
 */
export interface SessionRecord {
  /** The session's keys and JSON-serialisable values. */
  data: Record<string, unknown>;
  /** When the session began; the absolute timeout counts from here. */
  created: number;
  /** When the record was last written; the idle timeout counts from here. */
  touched: number;
}

/**
 * Where sessions live between requests. Every method may reject; the
 * `session` middleware answers a failed read with 503 and fails the
 * response on a failed write (see its documentation).
 *
 * Implementations must keep records apart from the objects passed in and
 * out (serialise them), drop a record once its `ttl` has passed, and treat
 * ids as opaque strings.
 *
 * @example
 * ```ts
 * const store: SessionStore = new MemoryStore();
 * await store.set(id, { data: { visits: 1 }, created: now, touched: now }, 30 * 60_000);
 * (await store.get(id))?.data.visits; // 1
 * await store.destroy(id);
 * ```
 *
 * @category Stores
 */
export interface SessionStore {
  /** The record stored under `id`, or `undefined` when absent or expired. */
  get(id: string): Promise<SessionRecord | undefined>;
  /** Stores `record` under `id`, replacing any, for `ttl` milliseconds (> 0). */
  set(id: string, record: SessionRecord, ttl: number): Promise<void>;
  /** Deletes the record under `id`; deleting a missing one is not an error. */
  destroy(id: string): Promise<void>;
  /** Releases timers and handles the store owns (not a client it was given). */
  close?(): Promise<void>;
}

/**
 * Parses a stored record, returning `undefined` for anything that is not
 * one (a truncated file, a foreign key), so that bad data reads as absent.
 *
 * @example
 * ```ts
 * parseRecord('{"data":{},"created":1,"touched":1}'); // a record
 * parseRecord('garbage');                            // undefined
 * ```
 *
 * @category Stores
 */
export function parseRecord(text: string): SessionRecord | undefined {
  try {
    return asRecord(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/**
 * Parses JSON text that should hold an object (or array), returning
 * `undefined` for malformed text or a primitive, so that bad stored data
 * reads as absent rather than throwing.
 *
 * @example
 * ```ts
 * parseJsonObject('{"a":1}'); // { a: 1 }
 * parseJsonObject('42');      // undefined
 * ```
 */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : undefined;
}

/**
 * The value itself when it has a record's shape, else `undefined`.
 *
 * @example
 * ```ts
 * asRecord({ data: {}, created: 1, touched: 1 }); // the record
 * asRecord([1, 2]);                                // undefined
 * ```
 *
 * @category Stores
 */
export function asRecord(value: unknown): SessionRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { data, created, touched } = value as Partial<Record<keyof SessionRecord, unknown>>;
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  if (typeof created !== 'number' || typeof touched !== 'number') return undefined;
  return { data: data as Record<string, unknown>, created, touched };
}
