import type { Random } from '../state/types.ts';

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = out[i] as T;
    out[i] = out[j] as T;
    out[j] = t;
  }
  return out;
}

/**
 * Weighted sampling without replacement: the first item is picked with probability
 * weight / total, the next among the rest, and so on. Equal weights give a uniform shuffle.
 */
export function weightedOrder<T>(items: readonly T[], weight: (item: T) => number, random: Random): T[] {
  const rest = items.slice();
  const weights = rest.map(weight);
  let total = weights.reduce((a, b) => a + b, 0);
  const out: T[] = [];
  while (rest.length > 0) {
    let r = random() * total;
    let i = 0;
    for (; i < rest.length - 1; i++) {
      r -= weights[i] as number;
      if (r < 0) break;
    }
    out.push(rest[i] as T);
    total -= weights[i] as number;
    rest.splice(i, 1);
    weights.splice(i, 1);
  }
  return out;
}

/** Sorts by a score, lowest first; ties broken at random so equal deployments share the load. */
export function byScore<T>(items: readonly T[], score: (item: T) => number, random: Random): T[] {
  const keyed = items.map((item) => ({ item, score: score(item), tie: random() }));
  keyed.sort((a, b) => a.score - b.score || a.tie - b.tie);
  return keyed.map((k) => k.item);
}
