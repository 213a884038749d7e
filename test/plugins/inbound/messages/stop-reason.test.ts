import { describe, expect, test } from 'vitest';
import { matchedStopOf, stopReasonOf } from '../../../../plugins/inbound/messages/stop-reason.ts';

const plain = { toolUse: false, refused: false, matchedStop: undefined };

describe('stopReasonOf', () => {
  test.each([
    ['stop', 'end_turn'],
    [null, 'end_turn'],
    [undefined, 'end_turn'],
    ['length', 'max_tokens'],
    ['tool_calls', 'tool_use'],
    ['function_call', 'tool_use'],
    ['content_filter', 'refusal'],
  ] as const)('%s → %s', (finish, reason) => {
    expect(stopReasonOf(finish, plain)).toEqual({ stop_reason: reason, stop_sequence: null });
  });

  test('a plain stop: refusal, then tool calls, then a matched stop sequence decide', () => {
    expect(stopReasonOf('stop', { ...plain, matchedStop: 'END' })).toEqual({ stop_reason: 'stop_sequence', stop_sequence: 'END' });
    expect(stopReasonOf('stop', { ...plain, toolUse: true, matchedStop: 'END' })).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    expect(stopReasonOf('stop', { ...plain, refused: true, toolUse: true })).toEqual({ stop_reason: 'refusal', stop_sequence: null });
  });

  test('length wins over tool calls (the answer was cut)', () => {
    expect(stopReasonOf('length', { ...plain, toolUse: true })).toEqual({ stop_reason: 'max_tokens', stop_sequence: null });
  });
});

describe('matchedStopOf', () => {
  test('a string stop_reason on the choice is the matched sequence; anything else is not', () => {
    expect(matchedStopOf({ stop_reason: '###' })).toBe('###');
    expect(matchedStopOf({ stop_reason: 128001 })).toBeUndefined();
    expect(matchedStopOf({ stop_reason: '' })).toBeUndefined();
    expect(matchedStopOf({})).toBeUndefined();
    expect(matchedStopOf(undefined)).toBeUndefined();
  });
});
