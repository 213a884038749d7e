import { describe, expect, it } from 'vitest';
import { insertSizes } from '../../../../plugins/keys/store/spend-queries.ts';

describe('insertSizes: how a spend batch is cut into INSERT statements', () => {
  it('SQLite uses only 200, 50, 10 and 1 rows, so few statement texts are ever prepared', () => {
    expect(insertSizes(500, 'sqlite')).toEqual([200, 200, 50, 50]);
    expect(insertSizes(137, 'sqlite')).toEqual([50, 50, 10, 10, 10, 1, 1, 1, 1, 1, 1, 1]);
    expect(insertSizes(1, 'sqlite')).toEqual([1]);
    expect(insertSizes(0, 'sqlite')).toEqual([]);
    const seen = new Set<number>();
    for (let n = 1; n <= 1000; n++) {
      const sizes = insertSizes(n, 'sqlite');
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(n);
      sizes.forEach((s) => seen.add(s));
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 10, 50, 200]);
  });

  it('PostgreSQL sends 200 at a time and the rest in one round trip', () => {
    expect(insertSizes(500, 'postgres')).toEqual([200, 200, 100]);
    expect(insertSizes(137, 'postgres')).toEqual([137]);
  });
});
