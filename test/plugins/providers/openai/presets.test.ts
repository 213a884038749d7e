import { describe, expect, test } from 'vitest';
import { presets } from '../../../../plugins/providers/openai/presets.ts';

describe('OpenAI naming rule', () => {
  test("claims OpenAI's embedding models but not Google's text-embedding-004 (Gemini's)", () => {
    for (const m of ['gpt-4o', 'o3-mini', 'text-embedding-3-small', 'text-embedding-3-large', 'text-embedding-ada-002']) {
      expect(presets.openai.claims.test(m), m).toBe(true);
    }
    for (const m of ['text-embedding-004', 'text-embedding-005', 'gemini-embedding-001', 'claude-3-5-sonnet-20241022']) {
      expect(presets.openai.claims.test(m), m).toBe(false);
    }
  });

  test('claims the images, audio and moderation models (forwarded routes), not rerank models', () => {
    for (const m of ['dall-e-3', 'dall-e-2', 'gpt-image-1', 'tts-1', 'tts-1-hd', 'whisper-1', 'omni-moderation-latest', 'text-moderation-stable']) {
      expect(presets.openai.claims.test(m), m).toBe(true);
    }
    for (const m of ['rerank-v3.5', 'dalle-3', 'whisperx']) expect(presets.openai.claims.test(m), m).toBe(false);
  });
});
