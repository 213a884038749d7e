import { describe, expect, test } from 'vitest';
import { allowsModel, keyAllowsModel } from '../../../plugins/keys/model-access.ts';

describe('model access', () => {
  test('empty and * allow everything; exact names; prefix wildcards', () => {
    expect(allowsModel([], 'gpt-4o')).toBe(true);
    expect(allowsModel(['*'], 'anything')).toBe(true);
    expect(allowsModel(['gpt-4o'], 'gpt-4o')).toBe(true);
    expect(allowsModel(['gpt-4o'], 'gpt-4o-mini')).toBe(false);
    expect(allowsModel(['openai/*'], 'openai/gpt-4o')).toBe(true);
    expect(allowsModel(['openai/*'], 'anthropic/claude-3-5-sonnet')).toBe(false);
    expect(allowsModel(['openai/*'], 'openai')).toBe(false);
    expect(allowsModel(['gpt-4o*'], 'gpt-4o-mini')).toBe(true);
  });

  test("a key's models are intersected with its team's; all-team-models defers to the team", () => {
    expect(keyAllowsModel(['gpt-4o', 'claude-3-5-sonnet'], ['gpt-4o'], 'claude-3-5-sonnet')).toBe(false);
    expect(keyAllowsModel(['gpt-4o', 'claude-3-5-sonnet'], ['gpt-4o'], 'gpt-4o')).toBe(true);
    expect(keyAllowsModel([], ['gpt-4o'], 'gpt-4o-mini')).toBe(false);
    expect(keyAllowsModel(['all-team-models'], ['gpt-4o'], 'gpt-4o')).toBe(true);
    expect(keyAllowsModel(['all-team-models'], ['gpt-4o'], 'o3')).toBe(false);
    expect(keyAllowsModel(['gpt-4o'], undefined, 'gpt-4o')).toBe(true);
  });
});
