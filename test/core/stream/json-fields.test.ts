import { describe, expect, test } from 'vitest';
import { TopLevelFields } from 'switchyard';

/** Feeds `text` in pieces of `size` bytes (splitting keys, strings, escapes and UTF-8 characters). */
function scan(text: string, names: readonly string[], size: number): TopLevelFields {
  const fields = new TopLevelFields(names);
  const bytes = Buffer.from(text, 'utf8');
  for (let i = 0; i < bytes.length; i += size) fields.feed(bytes.subarray(i, i + size));
  return fields;
}

const answer = {
  output: [{ id: 'msg_nested', usage: { wrong: true }, content: [{ text: 'a "quoted" \\ id: "x" }], é, 😀' }] }],
  id: 'resp_top',
  usage: { input_tokens: 12, input_tokens_details: { cached_tokens: 3 }, output_tokens: 7 },
  metadata: { id: 'also nested' },
  n: 42,
  flag: true,
  nothing: null,
};

describe('TopLevelFields', () => {
  test.each([1, 2, 3, 7, 64, 100_000])('picks top-level fields only, whatever the chunking (%i bytes)', (size) => {
    const fields = scan(JSON.stringify(answer, null, size % 2 === 0 ? 2 : 0), ['id', 'usage', 'n', 'flag', 'nothing', 'absent'], size);
    expect(fields.value('id')).toBe('resp_top');
    expect(fields.value('usage')).toEqual(answer.usage);
    expect(fields.value('n')).toBe(42);
    expect(fields.value('flag')).toBe(true);
    expect(fields.value('nothing')).toBeNull();
    expect(fields.value('absent')).toBeUndefined();
  });

  test('a body cut inside a field leaves it undefined; a field not asked for is never kept', () => {
    const text = JSON.stringify(answer);
    const cut = scan(text.slice(0, text.indexOf('"output_tokens"')), ['usage', 'id'], 5);
    expect(cut.value('usage')).toBeUndefined();
    expect(cut.value('id')).toBe('resp_top');
    expect(scan(text, ['metadata'], 9).value('output')).toBeUndefined();
  });
});
