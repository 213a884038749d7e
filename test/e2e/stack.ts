import { defineConfig, type ModelGroup, type RunningGateway } from 'switchyard';
import masterKey from '../../plugins/auth/master-key/index.ts';
import orderedFallback from '../../plugins/fallback/ordered/index.ts';
import openai from '../../plugins/providers/openai/index.ts';
import modelRouting from '../../plugins/routing/models/index.ts';
import { startTestGateway } from '../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI, type MockOpenAIOptions } from '../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../helpers/mock-upstream/server.ts';

/** What the client-library e2e tests run against: a gateway in front of the strict OpenAI mock. */
export interface ClientStack {
  readonly upstream: MockServer;
  readonly gateway: RunningGateway;
  /** The gateway's OpenAI base URL (`…/v1`), what clients are given. */
  readonly baseURL: string;
  /** The gateway's master key, what clients send. */
  readonly apiKey: string;
  /** The JSON bodies the mock received on a path (`/v1/chat/completions`…), in order. */
  bodies(path: string): Record<string, unknown>[];
  close(): Promise<void>;
}

export const stackKey = 'sy-e2e-master-key';

export async function startClientStack(
  options: { mock?: MockOpenAIOptions; models?: readonly ModelGroup[] } = {},
): Promise<ClientStack> {
  const upstream = await startMockOpenAI(options.mock);
  const gateway = await startTestGateway(
    defineConfig({
      plugins: [
        openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
        masterKey({ key: stackKey }),
        modelRouting({}),
        orderedFallback({ retryDelayMs: 1 }),
      ],
      models: options.models ?? [],
    }),
  ).catch(async (err: unknown) => {
    await upstream.close();
    throw err;
  });
  return {
    upstream,
    gateway,
    baseURL: `${gateway.url}/v1`,
    apiKey: stackKey,
    bodies: (path) => upstream.requests.filter((r) => r.url === path).map((r) => r.json as Record<string, unknown>),
    async close() {
      await gateway.close(1000);
      await upstream.close();
    },
  };
}
