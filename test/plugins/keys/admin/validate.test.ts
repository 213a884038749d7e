import { Type } from '@sinclair/typebox';
import { expect, test } from 'vitest';
import { GatewayError } from '../../../../core/errors.ts';
import { bodyValidator, pointerToPath } from '../../../../plugins/keys/admin/validate.ts';

function refusal(fn: () => unknown): { status: number; param: string | null; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    const g = err as GatewayError;
    return { status: g.status, param: g.toBody().error.param, message: g.message };
  }
  throw new Error('expected a refusal');
}

test('JSON pointers become OpenAI param paths', () => {
  expect(pointerToPath('')).toBe('');
  expect(pointerToPath('/keys/0/token')).toBe('keys[0].token');
  expect(pointerToPath('/model_rpm_limit/gpt-4o')).toBe('model_rpm_limit.gpt-4o');
  expect(pointerToPath('/metadata/a~1b')).toBe('metadata.a/b');
});

test('a body is checked strictly for known fields and leniently for unknown ones', () => {
  const valid = bodyValidator(Type.Object({ key: Type.String(), n: Type.Optional(Type.Integer()), list: Type.Optional(Type.Array(Type.String())) }));
  expect(valid({ key: 'k', n: 1, other: { anything: true } })).toEqual({ key: 'k', n: 1, other: { anything: true } });
  expect(refusal(() => valid({ n: 1 }))).toEqual({ status: 400, param: 'key', message: 'key is required' });
  expect(refusal(() => valid({ key: 'k', n: '1' }))).toEqual({ status: 400, param: 'n', message: 'n must be integer' });
  expect(refusal(() => valid({ key: 'k', list: ['a', 2] }))).toMatchObject({ param: 'list[1]' });
  expect(refusal(() => valid(undefined))).toMatchObject({ status: 400, param: null });
  expect(refusal(() => valid('text'))).toMatchObject({ status: 400, param: null });
  expect(refusal(() => valid([1]))).toMatchObject({ status: 400, param: null });
});
