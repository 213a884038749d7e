import { describe, expect, test } from 'vitest';
import { toGeminiSchema } from '../../../../plugins/providers/gemini/schema.ts';
import { checkSchema } from '../../../helpers/mock-upstream/gemini-checks.ts';

describe('JSON Schema → Gemini schema subset', () => {
  test('drops keys Gemini rejects, upper-cases types, folds null into nullable', () => {
    const out = toGeminiSchema(
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        title: 'Args',
        additionalProperties: false,
        properties: {
          name: { type: ['string', 'null'], minLength: 1, format: 'email', examples: ['a'] },
          when: { type: 'string', format: 'date-time' },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 3, uniqueItems: true },
          kind: { const: 'a' },
          size: { enum: [1, 2] , type: 'integer', exclusiveMinimum: 0 },
        },
        required: ['name', 'ghost'],
      },
      'p',
    );
    expect(out).toEqual({
      type: 'OBJECT',
      title: 'Args',
      properties: {
        name: { type: 'STRING', nullable: true, minLength: '1' },
        when: { type: 'STRING', format: 'date-time' },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, maxItems: '3' },
        kind: { type: 'STRING', enum: ['a'] },
        size: { type: 'INTEGER' },
      },
      required: ['name'],
    });
    expect(checkSchema(out as Record<string, unknown>, 'x')).toBeUndefined();
  });

  test('local $refs are inlined; oneOf becomes anyOf; Optional[X] becomes X nullable', () => {
    const out = toGeminiSchema(
      {
        type: 'object',
        properties: {
          pet: { $ref: '#/$defs/Pet' },
          id: { oneOf: [{ type: 'string' }, { type: 'integer' }] },
          note: { anyOf: [{ type: 'string' }, { type: 'null' }], description: 'optional' },
        },
        $defs: { Pet: { type: 'object', properties: { name: { type: 'string' } } } },
      },
      'p',
    );
    expect(out.properties).toEqual({
      pet: { type: 'OBJECT', properties: { name: { type: 'STRING' } } },
      id: { anyOf: [{ type: 'STRING' }, { type: 'INTEGER' }] },
      note: { type: 'STRING', nullable: true, description: 'optional' },
    });
  });

  test('an unresolvable or self-referencing $ref is a 400 naming the param', () => {
    expect(() => toGeminiSchema({ $ref: '#/$defs/Missing' }, 'tools[0].function.parameters')).toThrow(
      expect.objectContaining({ status: 400, extra: expect.objectContaining({ param: 'tools[0].function.parameters' }) }),
    );
    const loop = { type: 'object', properties: { next: { $ref: '#/$defs/Node' } }, $defs: { Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } } };
    expect(() => toGeminiSchema(loop, 'p')).toThrow(expect.objectContaining({ status: 400 }));
  });
});
