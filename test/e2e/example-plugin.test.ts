import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ConfigError, startGateway, type GatewayConfig, type RunningGateway } from 'switchyard';
import { importConfigFile, resolveConfig } from '../../core/config/load.ts';
import { createRootLogger } from '../../core/log.ts';
import { mockOpenAIKey, startMockOpenAI } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

// examples/gateway.with-plugin.config.ts loaded the way the CLI loads it: the file is imported,
// the default preset reads the environment, and './plugins/tenant-tag.ts' resolves against the
// config's folder.
const examples = resolve(dirname(fileURLToPath(import.meta.url)), '../../examples');
const configFile = resolve(examples, 'gateway.with-plugin.config.ts');
const key = 'sy-example-master-key';
const silent = createRootLogger({ level: 'silent', sync: true });

let upstream: MockServer;
const saved = { ...process.env };
const started: RunningGateway[] = [];

async function start(config: GatewayConfig): Promise<{ gw: RunningGateway; client: OpenAI }> {
  const gw = await startGateway(config, { port: 0, host: '127.0.0.1', log: silent, baseDir: examples });
  started.push(gw);
  return { gw, client: new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 }) };
}

beforeAll(async () => {
  upstream = await startMockOpenAI();
  // What the default preset reads; restored in afterAll. The config module is imported after this.
  for (const name of Object.keys(process.env)) if (/_(API_KEY|BASE_URL)$|MASTER_KEY$/.test(name)) delete process.env[name];
  Object.assign(process.env, { OPENAI_API_KEY: mockOpenAIKey, OPENAI_BASE_URL: `${upstream.url}/v1`, SWITCHYARD_MASTER_KEY: key });
});

afterAll(async () => {
  for (const gw of started) await gw.close(500);
  await upstream.close();
  for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
  Object.assign(process.env, saved);
});

describe('the tenant-tag example plugin', () => {
  test('loaded as a module specifier from the example config: tags `user` upstream and echoes the tenant', async () => {
    const config = await importConfigFile(configFile);
    expect(config.plugins.at(-1)).toEqual(['./plugins/tenant-tag.ts', { header: 'x-tenant-id', responseHeader: 'x-tenant' }]);
    const { client } = await start(config);
    upstream.reset();

    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'X-Tenant-Id': 'acme' } })
      .withResponse();
    expect(data.choices[0]?.message.content).toBe('echo: hi');
    expect(response.headers.get('x-tenant')).toBe('acme');
    expect(upstream.requests[0]?.json).toMatchObject({ model: 'gpt-4o-mini', user: 'acme' });

    // Streams carry the header too (it is set before the response starts).
    const stream = await client.chat.completions
      .create({ model: 'gpt-4o-mini', stream: true, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-tenant-id': 'globex' } })
      .withResponse();
    expect(stream.response.headers.get('x-tenant')).toBe('globex');
    for await (const _ of stream.data);
    expect(upstream.requests[1]?.json).toMatchObject({ user: 'globex' });

    // Without the header nothing changes, and a client's own `user` is kept.
    const plain = await client.chat.completions
      .create({ model: 'gpt-4o-mini', user: 'end-user-7', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(plain.response.headers.get('x-tenant')).toBeNull();
    expect(upstream.requests[2]?.json).toMatchObject({ user: 'end-user-7' });
  });

  test('loaded as an instance (the config\'s `withInstance` export): the same effect, on embeddings too', async () => {
    const mod = (await import(configFile)) as { withInstance: GatewayConfig };
    expect(mod.withInstance.plugins.some((p) => typeof p === 'object' && 'name' in p && p.name === 'tenant-tag')).toBe(true);
    const { client } = await start(mod.withInstance);
    upstream.reset();
    const { response } = await client.embeddings
      .create({ model: 'text-embedding-3-small', input: 'x' }, { headers: { 'x-tenant-id': 'initech' } })
      .withResponse();
    expect(response.headers.get('x-tenant')).toBe('initech');
    expect(upstream.requests[0]?.json).toMatchObject({ user: 'initech' });
  });

  test('bad options are reported with their path before the server starts', async () => {
    const err = await resolveConfig({ plugins: [['./plugins/tenant-tag.ts', { header: '', colour: 'red' }]] }, examples).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'plugins[0].header' }),
        expect.objectContaining({ path: 'plugins[0].colour', message: 'is not a known setting' }),
      ]),
    );
  });
});
