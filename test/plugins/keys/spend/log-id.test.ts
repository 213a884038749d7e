import { describe, expect, test } from 'vitest';
import { newLogId } from '../../../../plugins/keys/spend/log-id.ts';

describe('newLogId', () => {
  test('ids made later sort later, within a millisecond too, and never repeat', () => {
    const at = Date.UTC(2026, 11, 5, 12);
    const ids = [newLogId(at), newLogId(at), newLogId(at + 1), ...Array.from({ length: 10_000 }, () => newLogId(at + 2))];
    expect(ids.every((id) => /^[0-9a-f]{32}$/.test(id))).toBe(true);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    // The time leads, so another instance's ids interleave by time.
    expect(ids[0]?.slice(0, 12)).toBe(at.toString(16).padStart(12, '0'));
  });
});
