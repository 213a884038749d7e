import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig } from 'switchyard';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { root, startGatewayProcess, type ServingGateway } from '../../helpers/cli.ts';
import { startTestGateway } from '../../helpers/gateway.ts';

const key = 'sy-no-providers-key';

interface Envelope {
  error: { message: string; code: string };
}

describe('no provider configured (npm start, a mistyped key variable)', () => {
  let gw: ServingGateway;
  beforeAll(async () => {
    // OPENAI_KEY instead of OPENAI_API_KEY: the mistake this is about.
    gw = await startGatewayProcess(join(root, 'bin/switchyard.js'), [], { SWITCHYARD_MASTER_KEY: key, OPENAI_KEY: 'sk-typo-0000' });
  });
  afterAll(() => gw.kill());

  test('start-up warns, naming the variables it reads and the one it ignored (never its value)', () => {
    const out = gw.output();
    expect(out).toContain('no provider is configured: set one of OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY');
    expect(out).toMatch(/"unreadVariables":\["OPENAI_KEY"\]/);
    expect(out).not.toContain('sk-typo-0000');
  });

  test('readiness is 503 with a providers check that says why', async () => {
    const res = await fetch(`http://127.0.0.1:${gw.port}/health/readiness`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; providers: string[]; checks: { providers: { status: string; detail: { error: string } } } };
    expect(body).toMatchObject({ status: 'down', providers: [], checks: { providers: { status: 'down' } } });
    expect(body.checks.providers.detail.error).toContain('no provider is configured');
  });

  test.each(['gpt-4o', 'openai/gpt-4o', 'claude-3-5-sonnet'])('chat with %s: 404 naming the variables', async (model) => {
    const res = await fetch(`http://127.0.0.1:${gw.port}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as Envelope;
    expect(error.code).toBe('model_not_found');
    expect(error.message).toContain(`model '${model}' is not served here: no provider is configured: set one of OPENAI_API_KEY,`);
    expect(error.message).toContain('AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY');
  });
});

describe('any config without a provider', () => {
  test('readiness is not ready', async () => {
    const gw = await startTestGateway(defineConfig({ plugins: [modelRouting({})] }));
    try {
      const res = await fetch(`${gw.url}/health/readiness`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'down', checks: { providers: { status: 'down' } } });
    } finally {
      await gw.close(100);
    }
  });
});
