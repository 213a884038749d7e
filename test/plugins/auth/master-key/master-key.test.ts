import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import masterKey from '../../../../plugins/auth/master-key/index.ts';
import modelRouting from '../../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../../helpers/gateway.ts';

let gw: RunningGateway;
beforeAll(async () => {
  gw = await startTestGateway(defineConfig({ plugins: [masterKey({ key: 'right-key' }), modelRouting({})] }));
});
afterAll(() => gw.close(100));

const models = (headers: Record<string, string>) => fetch(`${gw.url}/v1/models`, { headers });

describe('auth-master-key', () => {
  test('Bearer and x-api-key are accepted', async () => {
    expect((await models({ authorization: 'Bearer right-key' })).status).toBe(200);
    expect((await models({ authorization: 'bearer right-key' })).status).toBe(200);
    expect((await models({ 'x-api-key': 'right-key' })).status).toBe(200);
  });

  test('missing, wrong, prefix and longer keys get 401 in the OpenAI envelope', async () => {
    const cases: Record<string, string>[] = [{}, { authorization: 'Bearer wrong' }, { authorization: 'Bearer right' }, { 'x-api-key': 'right-key-and-more' }];
    for (const headers of cases) {
      const res = await models(headers);
      expect(res.status).toBe(401);
      const body = (await res.json()) as { error: { type: string; message: string } };
      expect(body.error.type).toBe('authentication_error');
      expect(body.error.message).not.toContain('right-key');
    }
  });

  test('health needs no key', async () => {
    expect((await fetch(`${gw.url}/health`)).status).toBe(200);
  });

  test('without a key nothing is tapped and the gateway binds loopback only', async () => {
    const open = await startTestGateway(defineConfig({ plugins: [masterKey({}), modelRouting({})] }));
    try {
      expect(open.gateway.hooks.auth.isUsed()).toBe(false);
      expect(open.host).toBe('127.0.0.1');
    } finally {
      await open.close(100);
    }
  });
});
