import { describe, expect, test } from 'vitest';
import { parseSse } from 'switchyard';

async function* bytes(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield typeof p === 'string' ? new TextEncoder().encode(p) : p;
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<{ event: string | undefined; data: string }[]> {
  const out = [];
  for await (const m of parseSse(body)) out.push({ event: m.event, data: m.data });
  return out;
}

describe('parseSse', () => {
  test('events split anywhere, named events, comments', async () => {
    const events = await collect(bytes('data: {"a"', ':1}\n\n: keep-alive\n\nevent: ping\nda', 'ta: {}\n\ndata: [DONE]\n\n'));
    expect(events).toEqual([
      { event: undefined, data: '{"a":1}' },
      { event: 'ping', data: '{}' },
      { event: undefined, data: '[DONE]' },
    ]);
  });

  test('a multi-byte character split across reads survives', async () => {
    const encoded = new TextEncoder().encode('data: {"t":"héllo 🚀"}\n\n');
    const cut = encoded.indexOf(0xf0) + 2; // inside the rocket's four bytes
    const events = await collect(bytes(encoded.slice(0, cut), encoded.slice(cut)));
    expect(JSON.parse(events[0]!.data)).toEqual({ t: 'héllo 🚀' });
  });

  test('CRLF line endings and a last event without its blank line', async () => {
    expect(await collect(bytes('data: 1\r\n\r\ndata: 2'))).toEqual([
      { event: undefined, data: '1' },
      { event: undefined, data: '2' },
    ]);
  });
});
