import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import { describe, expect, test } from 'vitest';
import { countPromptTokens, type ChatRequest } from 'switchyard';

/** The oracle: the encoding itself, applied by hand with OpenAI's framing (3 per message, 3 to prime the reply). */
const encoding = new Tiktoken(o200k);
const tokens = (text: string): number => encoding.encode(text, [], []).length;

const request = (messages: ChatRequest['messages'], extra: Partial<ChatRequest> = {}): ChatRequest => ({ model: 'm', messages, ...extra });

describe('countPromptTokens (o200k_base, loaded on first use)', () => {
  test('one user message: framing, role and text', async () => {
    const text = 'The quick brown fox jumps over the lazy dog, twice: über-schnell! 你好';
    expect(await countPromptTokens(request([{ role: 'user', content: text }]))).toBe(3 + tokens('user') + tokens(text) + 3);
    // Not the character heuristic: the text above is 69 characters.
    expect(tokens(text)).not.toBe(Math.ceil(text.length / 4));
  });

  test('system, text parts, an image, tool calls with their arguments, tool results and tools', async () => {
    const tools: ChatRequest['tools'] = [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const chat = request(
      [
        { role: 'system', content: 'be brief' },
        { role: 'user', content: [{ type: 'text', text: 'what is this?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris"}' } }] },
        { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
      ],
      { tools },
    );
    const expected =
      3 * 4 +
      tokens('system') + tokens('be brief') +
      tokens('user') + tokens('what is this?') + 85 +
      tokens('assistant') + tokens('get_weather') + tokens('{"city": "Paris"}') +
      tokens('tool') + tokens('sunny') +
      3 +
      tokens(JSON.stringify(tools));
    expect(await countPromptTokens(chat)).toBe(expected);
  });

  test('special-token text in a prompt is counted as text, not refused', async () => {
    const n = await countPromptTokens(request([{ role: 'user', content: 'say <|endoftext|> now' }]));
    expect(n).toBe(3 + tokens('user') + tokens('say <|endoftext|> now') + 3);
  });

  test('past 200 000 characters the rest is counted at four characters per token', async () => {
    const head = 'word '.repeat(40_000);
    const tail = 'x'.repeat(4_000);
    const n = await countPromptTokens(request([{ role: 'user', content: head + tail }]));
    // The role takes 4 characters of the exact budget, so 4 characters of the text are left over.
    const exactPart = (head + tail).slice(0, 200_000 - 4);
    expect(n).toBe(3 + tokens('user') + tokens(exactPart) + Math.ceil((head.length + tail.length - exactPart.length) / 4) + 3);
  });
});
