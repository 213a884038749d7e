import { sendJson, startMockServer, type MockServer } from './server.ts';

/** Every answer's usage: 10 prompt tokens (4 read from a cache), 5 completion tokens (2 of them reasoning). */
export const fixedUsage = {
  prompt_tokens: 10,
  completion_tokens: 5,
  total_tokens: 15,
  prompt_tokens_details: { cached_tokens: 4 },
  completion_tokens_details: { reasoning_tokens: 2 },
} as const;

/**
 * An OpenAI chat upstream whose answers are all alike, for tests that count tokens: model
 * `broken` answers 500; any other model answers `ok` with `fixedUsage`, streamed when asked (with
 * a usage chunk when `stream_options.include_usage` asks, as OpenAI does).
 */
export function startFixedUsageUpstream(): Promise<MockServer> {
  return startMockServer((req, res) => {
    const body = req.json as { model?: string; stream?: boolean; stream_options?: { include_usage?: boolean } };
    if (body.model === 'broken') return sendJson(res, 500, { error: { message: 'upstream broke', type: 'server_error', code: null } });
    const base = { id: 'chatcmpl-fixed', created: 1_700_000_000, model: body.model };
    if (body.stream !== true) {
      return sendJson(res, 200, {
        ...base,
        object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok', refusal: null }, logprobs: null, finish_reason: 'stop' }],
        usage: fixedUsage,
      });
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = (choices: unknown[], extra = {}): string => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices, ...extra })}\n\n`;
    res.write(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    res.write(chunk([{ index: 0, delta: { content: 'ok' }, finish_reason: null }]));
    res.write(chunk([{ index: 0, delta: {}, finish_reason: 'stop' }]));
    if (body.stream_options?.include_usage === true) res.write(chunk([], { usage: fixedUsage }));
    res.end('data: [DONE]\n\n');
  });
}
