/**
 * The order of measured runs. Servers are interleaved within each round and
 * shuffled afresh every round (with a fixed seed, so runs are repeatable).
 * A plain rotation would not do: it keeps every server's neighbours fixed, so
 * whatever one server leaves behind on the core — a GC, cold caches — would
 * always land on the same next server.
 *
 * @module
 */

/**
 * One measured run to do.
 *
 * @example
 * ```ts
 * for (const slot of schedule(['a', 'b'], [1, 10], 3)) console.log(slot.round, slot.pipelining, slot.item);
 * ```
 */
export interface Slot<T> {
  round: number;
  pipelining: number;
  item: T;
}

/**
 * Every (round, pipelining level, item) in run order: in each round the
 * levels alternate in direction and the items are shuffled per level.
 *
 * @example
 * ```ts
 * schedule(['a', 'b', 'c'], [1], 2).map((s) => s.item); // e.g. ['b','a','c','c','b','a']
 * ```
 */
export function schedule<T>(items: readonly T[], levels: readonly number[], rounds: number, seed = 1): Slot<T>[] {
  const random = mulberry32(seed);
  const slots: Slot<T>[] = [];
  for (let round = 0; round < rounds; round++) {
    const levelOrder = round % 2 === 0 ? levels : [...levels].reverse();
    for (const pipelining of levelOrder) {
      for (const item of shuffle(items, random)) slots.push({ round, pipelining, item });
    }
  }
  return slots;
}

/** Fisher–Yates, on a copy. */
function shuffle<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A small seeded PRNG (mulberry32): uniform in [0, 1), the same sequence for the same seed. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
