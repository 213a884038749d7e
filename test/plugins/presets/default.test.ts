import { describe, expect, test } from 'vitest';
import { defaultConfig, defaultPlugins, masterKeyFromEnv } from '../../../plugins/presets/default.ts';

describe('default preset', () => {
  test('enables exactly the providers with credentials in the environment', () => {
    const names = defaultPlugins({ OPENAI_API_KEY: 'k', GROQ_API_KEY: 'g', OLLAMA_BASE_URL: 'http://127.0.0.1:11434', MISTRAL_BASE_URL: 'http://x' }).map((p) => p.name);
    expect(names).toEqual(['provider-openai', 'provider-groq', 'provider-ollama', 'auth-master-key', 'routing-models', 'fallback-ordered', 'log-pino', 'inbound-messages', 'inbound-responses']);
  });

  test('with a master key: virtual keys and metrics beside it; metrics: false leaves them out', () => {
    const env = { OPENAI_API_KEY: 'k', SWITCHYARD_MASTER_KEY: 'sk-master' };
    expect(defaultPlugins(env).map((p) => p.name)).toEqual(['provider-openai', 'keys', 'metrics', 'admin-ui', 'routing-models', 'fallback-ordered', 'log-pino', 'inbound-messages', 'inbound-responses']);
    expect(defaultPlugins(env, { metrics: false }).map((p) => p.name)).not.toContain('metrics');
    expect(defaultPlugins(env, { metrics: { auth: false, maxDynamicModels: 3 } }).map((p) => p.name)).toContain('metrics');
  });

  test('OTLP traces when OTEL_EXPORTER_OTLP_ENDPOINT is set, last, with the standard variables', () => {
    const env = { OPENAI_API_KEY: 'k', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' };
    const plugins = defaultPlugins(env);
    expect(plugins.map((p) => p.name)).toEqual(['provider-openai', 'auth-master-key', 'routing-models', 'fallback-ordered', 'log-pino', 'inbound-messages', 'inbound-responses', 'otel']);
    expect(plugins.at(-1)?.optionProblems).toBeUndefined();
    // A protocol the plugin does not speak fails start-up naming it, instead of tracing otherwise.
    expect(defaultPlugins({ ...env, OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }).at(-1)?.optionProblems?.every((p) => p.path === 'protocol')).toBe(true);
  });

  test('with a master key: the keys plugin and the admin page next to it; without one, neither', () => {
    const names = defaultPlugins({ OPENAI_API_KEY: 'k', SWITCHYARD_MASTER_KEY: 'sk-master', SWITCHYARD_DATA_DIR: '/tmp/sy-preset-unused' }).map((p) => p.name);
    expect(names).toEqual(['provider-openai', 'keys', 'metrics', 'admin-ui', 'routing-models', 'fallback-ordered', 'log-pino', 'inbound-messages', 'inbound-responses']);
    expect(defaultPlugins({ OPENAI_API_KEY: 'k', SWITCHYARD_MASTER_KEY: '' }).map((p) => p.name)).not.toContain('admin-ui');
  });

  test('master key from SWITCHYARD_MASTER_KEY, or LiteLLM’s name', () => {
    expect(masterKeyFromEnv({ SWITCHYARD_MASTER_KEY: 'a', LITELLM_MASTER_KEY: 'b' })).toBe('a');
    expect(masterKeyFromEnv({ LITELLM_MASTER_KEY: 'b' })).toBe('b');
    expect(masterKeyFromEnv({ SWITCHYARD_MASTER_KEY: '' })).toBeUndefined();
  });

  test('defaultConfig has no model groups of its own', () => {
    expect(defaultConfig({}).models).toBeUndefined();
  });
});
