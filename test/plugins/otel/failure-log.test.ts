import { describe, expect, test } from 'vitest';
import type { Logger } from 'switchyard';
import { rateLimitedFailureLog } from '../../../plugins/otel/failure-log.ts';

function fakeLog(): { log: Logger; lines: { fields: Record<string, unknown>; msg: string }[] } {
  const lines: { fields: Record<string, unknown>; msg: string }[] = [];
  const log = { warn: (fields: Record<string, unknown>, msg: string) => lines.push({ fields, msg }) } as unknown as Logger;
  return { log, lines };
}

describe('rateLimitedFailureLog', () => {
  test('the first failure at once, then one line a minute counting failures and lost spans', () => {
    const { log, lines } = fakeLog();
    let now = 1_000_000;
    const report = rateLimitedFailureLog(log, () => now);
    report(new Error('connect ECONNREFUSED'), 3);
    expect(lines).toEqual([{ fields: { err: 'connect ECONNREFUSED', failures: 1, spansLost: 3 }, msg: 'otel: span export failed' }]);
    now += 10_000;
    report(new Error('a'), 2);
    now += 10_000;
    report(undefined, 5);
    expect(lines).toHaveLength(1);
    now += 40_000;
    report(new Error('b'), 1);
    expect(lines[1]).toEqual({ fields: { err: 'b', failures: 3, spansLost: 8 }, msg: 'otel: span export failed' });
  });
});
