import { describe, expect, test } from 'vitest';
import { cacheControls } from '../../../../plugins/cache/shared/controls.ts';
import { cachePolicy } from '../../../../plugins/cache/shared/options.ts';

const policy = cachePolicy({ ttlSeconds: 60, maxTtlSeconds: 600 });

describe('cacheControls', () => {
  test('no headers: look up and store with the configured ttl', () => {
    expect(cacheControls({}, policy)).toEqual({ lookup: true, store: true, ttlSeconds: 60, maxAgeSeconds: undefined });
  });

  test('no-cache skips the lookup but stores; no-store does neither', () => {
    expect(cacheControls({ 'cache-control': 'no-cache' }, policy)).toMatchObject({ lookup: false, store: true });
    expect(cacheControls({ 'cache-control': 'No-Store' }, policy)).toMatchObject({ lookup: false, store: false });
  });

  test('a per-request ttl, cut to maxTtlSeconds', () => {
    expect(cacheControls({ 'x-switchyard-cache-ttl': '5' }, policy).ttlSeconds).toBe(5);
    expect(cacheControls({ 'x-switchyard-cache-ttl': '100000' }, policy).ttlSeconds).toBe(600);
    expect(cacheControls({ 'x-switchyard-cache-ttl': '0' }, policy)).toMatchObject({ lookup: true, store: false });
  });

  test('max-age bounds the age of a hit and sets the ttl; max-age=0 is no-cache', () => {
    expect(cacheControls({ 'cache-control': 'max-age=30' }, policy)).toEqual({ lookup: true, store: true, ttlSeconds: 30, maxAgeSeconds: 30 });
    expect(cacheControls({ 'cache-control': 'max-age=0' }, policy)).toMatchObject({ lookup: false, store: true, ttlSeconds: 60 });
    expect(cacheControls({ 'cache-control': 'max-age=30', 'x-switchyard-cache-ttl': '7' }, policy).ttlSeconds).toBe(7);
  });

  test('malformed values are a 400 naming the header', () => {
    expect(() => cacheControls({ 'x-switchyard-cache-ttl': 'soon' }, policy)).toThrow(expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'x-switchyard-cache-ttl' }) }));
    expect(() => cacheControls({ 'cache-control': 'max-age=-1' }, policy)).toThrow(expect.objectContaining({ status: 400 }));
  });
});
