import { expect, test } from 'vitest';
import { GatewayError } from '../../../../core/errors.ts';
import { pageQuery, queryBoolean, queryValue } from '../../../../plugins/keys/admin/query.ts';

const q = (s: string) => new URLSearchParams(s);

function param(fn: () => unknown): string | null {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return (err as GatewayError).toBody().error.param;
  }
  throw new Error('expected a refusal');
}

test('an empty query value is no value', () => {
  expect(queryValue(q('a=&b=x'), 'a')).toBeUndefined();
  expect(queryValue(q('a=&b=x'), 'b')).toBe('x');
});

test('pages: defaults, bounds, whole numbers only', () => {
  expect(pageQuery(q(''), 'size', 10)).toEqual({ page: 1, size: 10 });
  expect(pageQuery(q('page=3&page_size=100'), 'page_size', 50)).toEqual({ page: 3, size: 100 });
  expect(param(() => pageQuery(q('page_size=101'), 'page_size', 50))).toBe('page_size');
  expect(param(() => pageQuery(q('size=0'), 'size', 10))).toBe('size');
  expect(param(() => pageQuery(q('page=-1'), 'size', 10))).toBe('page');
  expect(param(() => pageQuery(q('page=1e3'), 'size', 10))).toBe('page');
});

test('booleans as LiteLLM writes them', () => {
  expect(queryBoolean(q('x=true'), 'x')).toBe(true);
  expect(queryBoolean(q('x=1'), 'x')).toBe(true);
  expect(queryBoolean(q('x=false'), 'x')).toBe(false);
  expect(queryBoolean(q(''), 'x')).toBe(false);
  expect(param(() => queryBoolean(q('x=yes'), 'x'))).toBe('x');
});
