import { expect, test } from 'vitest';
import { Children } from '../../../plugins/metrics/series.ts';

test('a child is found again by the same label values, and only by them', () => {
  const children = new Children<{ id: number }>(3);
  const a = children.add({ id: 1 }, 'chat', 'gpt-4o', '200');
  expect(children.get('chat', 'gpt-4o', '200')).toBe(a);
  expect(children.get('chat', 'gpt-4o', '500')).toBeUndefined();
  expect(children.get('chat', 'gpt-4o')).toBeUndefined();
  expect(children.get('embeddings', 'gpt-4o', '200')).toBeUndefined();
  const b = children.add({ id: 2 }, 'chat', 'gpt-4o', '500');
  expect(children.get('chat', 'gpt-4o', '500')).toBe(b);
  expect(children.get('chat', 'gpt-4o', '200')).toBe(a);
});

test('values are kept apart whatever characters they hold (a joined key could collide)', () => {
  const children = new Children<string>(2);
  children.add('first', 'a\u0001b', 'c');
  children.add('second', 'a', 'b\u0001c');
  expect(children.get('a\u0001b', 'c')).toBe('first');
  expect(children.get('a', 'b\u0001c')).toBe('second');
});

test('empty label values are values like any other; depth 1 and 5 work alike', () => {
  const one = new Children<string>(1);
  one.add('route', '/v1/chat/completions');
  expect(one.get('/v1/chat/completions')).toBe('route');
  const five = new Children<string>(5);
  five.add('none', '', '', '', '', '');
  five.add('team', '/v1/chat/completions', '200', 'gpt', 'openai', 'eng');
  expect(five.get('', '', '', '', '')).toBe('none');
  expect(five.get('/v1/chat/completions', '200', 'gpt', 'openai', 'eng')).toBe('team');
  expect(five.get('/v1/chat/completions', '200', 'gpt', 'openai', '')).toBeUndefined();
});
