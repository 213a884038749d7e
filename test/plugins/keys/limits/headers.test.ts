import { describe, expect, test } from 'vitest';
import { formatResetDuration, rateLimitHeaders, retryAfterHeaders } from '../../../../plugins/keys/limits/index.ts';

describe('formatResetDuration: as OpenAI (Go) writes durations', () => {
  test.each([
    [0, '0s'],
    [1, '1ms'],
    [12, '12ms'],
    [999, '999ms'],
    [1_000, '1s'],
    [1_500, '1.5s'],
    [1_250, '1.25s'],
    [1_005, '1.005s'],
    [7_660, '7.66s'],
    [59_999, '59.999s'],
    [60_000, '1m0s'],
    [360_000, '6m0s'],
    [61_500, '1m1.5s'],
    [3_600_000, '1h0m0s'],
    [3_723_000, '1h2m3s'],
    [90_000_000, '25h0m0s'],
  ])('%i ms -> %s', (ms, text) => {
    expect(formatResetDuration(ms)).toBe(text);
  });

  test('a fraction of a millisecond rounds up, a negative wait is none', () => {
    expect(formatResetDuration(0.2)).toBe('1ms');
    expect(formatResetDuration(-5)).toBe('0s');
  });
});

describe('rateLimitHeaders', () => {
  test('the -requests three for rpm and the -tokens three for tpm', () => {
    expect(
      rateLimitHeaders({ requests: { limit: 10, remaining: 9, resetMs: 59_750 }, tokens: { limit: 1000, remaining: 0, resetMs: 12 } }),
    ).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '9',
      'x-ratelimit-reset-requests': '59.75s',
      'x-ratelimit-limit-tokens': '1000',
      'x-ratelimit-remaining-tokens': '0',
      'x-ratelimit-reset-tokens': '12ms',
    });
  });

  test('only the triples whose limit applies', () => {
    expect(rateLimitHeaders({ requests: undefined, tokens: { limit: 5, remaining: 5, resetMs: 0 } })).toEqual({
      'x-ratelimit-limit-tokens': '5',
      'x-ratelimit-remaining-tokens': '5',
      'x-ratelimit-reset-tokens': '0s',
    });
    expect(rateLimitHeaders({ requests: undefined, tokens: undefined })).toEqual({});
  });
});

describe('retryAfterHeaders', () => {
  test.each([
    [0, '0', '0'],
    [1, '1', '1'],
    [999, '1', '999'],
    [1_000, '1', '1000'],
    [1_001, '2', '1001'],
    [59_250, '60', '59250'],
  ])('%i ms -> Retry-After %s, retry-after-ms %s', (ms, seconds, millis) => {
    expect(retryAfterHeaders(ms)).toEqual({ 'retry-after': seconds, 'retry-after-ms': millis });
  });
});
