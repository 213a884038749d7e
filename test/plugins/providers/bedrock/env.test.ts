import { describe, expect, test } from 'vitest';
import { providersFromEnv } from '../../../../plugins/presets/providers-from-env.ts';
import bedrock, { bedrockOptionsFromEnv } from '../../../../plugins/providers/bedrock/index.ts';

describe('Bedrock from the environment', () => {
  test('enabled by the AWS keys, with session token, region and base URL', () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIDENV',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'tok',
      AWS_DEFAULT_REGION: 'eu-west-3',
      BEDROCK_BASE_URL: 'http://127.0.0.1:1',
    };
    expect(bedrockOptionsFromEnv(env)).toEqual({ accessKeyId: 'AKIDENV', secretAccessKey: 'secret', sessionToken: 'tok', region: 'eu-west-3', baseURL: 'http://127.0.0.1:1' });
    expect(bedrockOptionsFromEnv({ ...env, AWS_REGION: 'us-west-2' })?.region).toBe('us-west-2');
    expect(providersFromEnv(env).map((p) => p.name)).toContain('provider-bedrock');
    expect(providersFromEnv({ AWS_ACCESS_KEY_ID: 'AKIDENV' }).map((p) => p.name)).not.toContain('provider-bedrock');
  });

  test('options are validated; a plugin without credentials refuses to start', async () => {
    expect(bedrock({ region: 'Not A Region' } as never).optionProblems?.[0]?.path).toContain('region');
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    try {
      const plugin = bedrock({});
      await expect(Promise.resolve().then(() => plugin.setup({} as never))).rejects.toThrow(/no AWS credentials/);
    } finally {
      if (saved.id !== undefined) process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret !== undefined) process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
  });
});
