import { expect, test } from 'vitest';
import { GatewayError } from '../../../../core/errors.ts';
import { isoTime, keyPatchFrom, refuseUnsupported, teamPatchFrom } from '../../../../plugins/keys/admin/fields.ts';

const T0 = Date.UTC(2026, 2, 18, 12);

function param(fn: () => unknown): string | null {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    return (err as GatewayError).toBody().error.param;
  }
  throw new Error('expected a refusal');
}

test('ISO times: dates, date-times with and without offsets (UTC when none), Python microseconds', () => {
  expect(isoTime('2027-01-31', 'x')).toBe(Date.UTC(2027, 0, 31));
  expect(isoTime('2027-01-31T10:00:00', 'x')).toBe(Date.UTC(2027, 0, 31, 10));
  expect(isoTime('2027-01-31 10:00:00', 'x')).toBe(Date.UTC(2027, 0, 31, 10));
  expect(isoTime('2027-01-31T10:00:00.123456+00:00', 'x')).toBe(Date.UTC(2027, 0, 31, 10, 0, 0, 123));
  expect(isoTime('2027-01-31T10:00:00+02:00', 'x')).toBe(Date.UTC(2027, 0, 31, 8));
  expect(isoTime('2027-01-31T10:00:00.5Z', 'x')).toBe(Date.UTC(2027, 0, 31, 10, 0, 0, 500));
  expect(param(() => isoTime('31/01/2027', 'expires'))).toBe('expires');
  expect(param(() => isoTime('2027-13-01', 'expires'))).toBe('expires');
});

test('a key body as a patch: only the fields given, USD to nano-USD, null to defaults', () => {
  expect(keyPatchFrom({}, T0)).toEqual({});
  expect(keyPatchFrom({ max_budget: 0.1, soft_budget: null, models: null, metadata: null, tags: null, blocked: null, duration: '2h' }, T0)).toEqual({
    max_budget: 100_000_000, soft_budget: null, models: [], metadata: {}, tags: [], blocked: false, expires: T0 + 7_200_000,
  });
  expect(keyPatchFrom({ duration: null }, T0)).toEqual({ expires: null });
  expect(keyPatchFrom({ models: ['all-team-models', 'gpt-4o'] }, T0)).toEqual({ models: ['gpt-4o'] });
  expect(param(() => keyPatchFrom({ budget_duration: '2y' }, T0, 'keys[3].'))).toBe('keys[3].budget_duration');
  expect(param(() => keyPatchFrom({ max_budget: 1e8 }, T0))).toBe('max_budget');
});

test('a team body as a patch', () => {
  expect(teamPatchFrom({ team_alias: 'E', max_budget: 2, budget_duration: 'weekly', blocked: true })).toEqual({
    team_alias: 'E', max_budget: 2_000_000_000, budget_duration: 'weekly', blocked: true,
  });
});

test('unsupported LiteLLM limit fields are refused unless empty', () => {
  expect(() => refuseUnsupported({ model_max_budget: {}, budget_id: null }, ['model_max_budget', 'budget_id'])).not.toThrow();
  expect(param(() => refuseUnsupported({ budget_id: 'b1' }, ['model_max_budget', 'budget_id']))).toBe('budget_id');
});
