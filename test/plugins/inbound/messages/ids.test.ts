import { describe, expect, test } from 'vitest';
import { messageId, toolUseId } from '../../../../plugins/inbound/messages/ids.ts';

describe('messageId', () => {
  test('derived from the upstream id', () => {
    expect(messageId('chatcmpl-AbC123')).toBe('msg_AbC123');
    expect(messageId('gen-1700000000-xyz')).toBe('msg_gen-1700000000-xyz');
    expect(messageId('msg_01XFDUDYJgAACzvnptvVoYEL')).toBe('msg_01XFDUDYJgAACzvnptvVoYEL');
  });

  test('random without one, different each time', () => {
    const a = messageId(undefined);
    expect(a).toMatch(/^msg_[0-9a-f]{24}$/);
    expect(messageId('')).not.toBe(a);
  });
});

test('toolUseId: random toolu_ ids', () => {
  const a = toolUseId();
  expect(a).toMatch(/^toolu_[0-9a-f]{24}$/);
  expect(toolUseId()).not.toBe(a);
});
