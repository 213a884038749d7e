import { describe, expect, test } from 'vitest';
import type { Attempt } from 'switchyard';
import { attemptAttributes, genAiOperation, genAiProvider, usageAttributes } from '../../../plugins/otel/attributes.ts';

describe('GenAI attributes', () => {
  test('operation and provider names as the conventions spell them', () => {
    expect(['chat', 'completions', 'embeddings', 'models', 'route'].map((op) => genAiOperation(op as 'chat'))).toEqual(['chat', 'text_completion', 'embeddings', undefined, undefined]);
    expect(['openai', 'bedrock', 'azure', 'gemini', 'mistral', 'xai', 'openrouter'].map(genAiProvider)).toEqual([
      'openai',
      'aws.bedrock',
      'azure.ai.openai',
      'gcp.gemini',
      'mistral_ai',
      'x_ai',
      'openrouter',
    ]);
  });

  test('usage in OTel’s meaning: input includes cache reads and writes, output includes reasoning', () => {
    expect(
      usageAttributes({
        prompt_tokens: 100,
        completion_tokens: 50,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 60, cache_creation_tokens: 10 },
        completion_tokens_details: { reasoning_tokens: 20 },
      }),
    ).toEqual({
      'gen_ai.usage.input_tokens': 100,
      'gen_ai.usage.output_tokens': 50,
      'gen_ai.usage.cache_read.input_tokens': 60,
      'gen_ai.usage.cache_creation.input_tokens': 10,
      'gen_ai.usage.reasoning.output_tokens': 20,
    });
  });

  test('an attempt names its upstream by host and port only: no path, query or credentials', () => {
    const attempt: Attempt = {
      deployment: { id: 'g#0', group: 'g', provider: 'azure', model: 'gpt-4o', baseURL: 'https://user:pw@example.openai.azure.com:8443/openai?api-key=secret', apiKey: 'sk-deployment-key' },
      startedAt: 0,
      durationMs: 5,
      outcome: 'error',
      status: 429,
      error: 'rate_limit_exceeded',
    };
    expect(attemptAttributes('chat', attempt, 2)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'azure.ai.openai',
      'gen_ai.request.model': 'gpt-4o',
      'switchyard.attempt': 3,
      'switchyard.deployment': 'g#0',
      'server.address': 'example.openai.azure.com',
      'server.port': 8443,
      'error.type': 'rate_limit_exceeded',
      'switchyard.error_code': 'rate_limit_exceeded',
      'switchyard.error_status': 429,
    });
  });

  test('a failed attempt the upstream answered: error.type and http.response.status_code are its status, not the gateway’s', () => {
    const attempt: Attempt = {
      deployment: { id: 'g#0', group: 'g', provider: 'openai', model: 'gpt-4o' },
      startedAt: 0,
      durationMs: 5,
      outcome: 'error',
      status: 502,
      upstreamStatus: 500,
      error: 'upstream_error',
    };
    expect(attemptAttributes('chat', attempt, 0)).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'switchyard.attempt': 1,
      'switchyard.deployment': 'g#0',
      'http.response.status_code': 500,
      'error.type': '500',
      'switchyard.error_code': 'upstream_error',
      'switchyard.error_status': 502,
    });
  });
});
