import { describe, expect, test } from 'vitest';
import { GatewayError } from 'switchyard';
import { deletedResponse, inputItemsPage, type ConversationItem } from '../../../../plugins/inbound/responses/index.ts';

const items: ConversationItem[] = ['a', 'b', 'c', 'd', 'e'].map((x) => ({
  id: `msg_${x}`,
  type: 'message',
  role: 'user',
  status: 'completed',
  content: [{ type: 'input_text', text: x }],
}));
const ids = (page: { data: { id?: string | null }[] }) => page.data.map((i) => i.id);

describe('inputItemsPage', () => {
  test('newest first by default, 20 at most', () => {
    expect(inputItemsPage(items)).toEqual({ object: 'list', data: [...items].reverse(), first_id: 'msg_e', last_id: 'msg_a', has_more: false });
  });

  test('order asc, limit and after page through', () => {
    const first = inputItemsPage(items, { order: 'asc', limit: '2' });
    expect(ids(first)).toEqual(['msg_a', 'msg_b']);
    expect(first.has_more).toBe(true);
    const second = inputItemsPage(items, { order: 'asc', limit: 2, after: first.last_id });
    expect(ids(second)).toEqual(['msg_c', 'msg_d']);
    const third = inputItemsPage(items, { order: 'asc', limit: 2, after: second.last_id });
    expect(third).toMatchObject({ first_id: 'msg_e', last_id: 'msg_e', has_more: false });
    expect(ids(inputItemsPage(items, { after: 'msg_c' }))).toEqual(['msg_b', 'msg_a']);
  });

  test('an unknown after is past the end; no items is an empty list', () => {
    expect(inputItemsPage(items, { after: 'msg_zz' })).toEqual({ object: 'list', data: [], first_id: '', last_id: '', has_more: false });
    expect(inputItemsPage([])).toEqual({ object: 'list', data: [], first_id: '', last_id: '', has_more: false });
  });

  test.each([
    [{ limit: '0' }, 'limit'],
    [{ limit: '101' }, 'limit'],
    [{ limit: 'ten' }, 'limit'],
    [{ order: 'up' }, 'order'],
  ])('%o → 400 naming %s', (query, param) => {
    const err = (() => {
      try {
        inputItemsPage(items, query);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(GatewayError);
    expect(err).toMatchObject({ status: 400, extra: { param } });
  });
});

test('deletedResponse', () => {
  expect(deletedResponse('resp_1')).toEqual({ id: 'resp_1', object: 'response', deleted: true });
});
