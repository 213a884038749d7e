import { Type, type Static } from '@sinclair/typebox';
import {
  definePlugin,
  defineProvider,
  operationNotSupported,
  type CallInfo,
  type ChatTranslation,
  type Deployment,
  type UpstreamInit,
} from 'switchyard';
import { toConverse } from './chat-request.ts';
import { fromConverse } from './chat-response.ts';
import { endConverseStream, fromConverseEvent, startConverseStream, type StreamState } from './chat-stream.ts';
import { bedrockEmbeddings } from './embeddings.ts';
import { bedrockErrorInfo } from './errors.ts';
import { bedrockImages } from './images.ts';
import { bedrockRerank } from './rerank.ts';
import type { decodeEventStream } from './event-stream.ts';
import { encodeModelId } from './model-id.ts';
import type { BedrockSigner } from './signing.ts';
import type { ConverseResponse, ConverseStreamOutput, ConverseWireRequest, StreamException } from './wire.ts';

export const BedrockOptions = Type.Object(
  {
    /** Provider id used in `provider/model` names and deployments (default `bedrock`). */
    id: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' })),
    /** Default region; a deployment's `options.region` overrides it. */
    region: Type.Optional(Type.String({ pattern: '^[a-z0-9-]+$' })),
    accessKeyId: Type.Optional(Type.String({ minLength: 1 })),
    secretAccessKey: Type.Optional(Type.String({ minLength: 1 })),
    sessionToken: Type.Optional(Type.String({ minLength: 1 })),
    /** Overrides `https://bedrock-runtime.{region}.amazonaws.com` (a VPC endpoint, a proxy, a test mock). */
    baseURL: Type.Optional(Type.String({ format: 'uri' })),
  },
  { additionalProperties: false, title: 'provider-bedrock' },
);
export type BedrockOptions = Static<typeof BedrockOptions>;

type Env = Readonly<Record<string, string | undefined>>;
const set = (v: string | undefined): v is string => v !== undefined && v !== '';

/** Options from the AWS SDK's variables, or undefined when the keys are absent. */
export function bedrockOptionsFromEnv(env: Env): BedrockOptions | undefined {
  if (!set(env.AWS_ACCESS_KEY_ID) || !set(env.AWS_SECRET_ACCESS_KEY)) return undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  return {
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    ...(set(env.AWS_SESSION_TOKEN) ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(set(region) ? { region } : {}),
    ...(set(env.BEDROCK_BASE_URL) ? { baseURL: env.BEDROCK_BASE_URL } : {}),
  };
}

/** Bare names Bedrock answers: its `vendor.model` ids, with or without a cross-region profile prefix, and Bedrock ARNs. */
const claims = /^(?:(?:us|eu|apac|us-gov|global|jp|au|ca)\.)?(?:anthropic\.claude|amazon\.|meta\.llama|mistral\.|cohere\.)|^arn:aws[a-z-]*:bedrock:/;

const chat: ChatTranslation<ConverseWireRequest, ConverseResponse, ConverseStreamOutput | StreamException, StreamState> = {
  // Converse's inferenceConfig has maxTokens, temperature, topP and stopSequences, and no more.
  unsupported: [
    'presence_penalty',
    'frequency_penalty',
    'logit_bias',
    'logprobs',
    'top_logprobs',
    'seed',
    'parallel_tool_calls',
    'reasoning_effort',
    'audio',
    'modalities',
    'prediction',
    'web_search_options',
    'functions',
    'function_call',
  ],
  supportsN: false,
  toRequest: (req) => toConverse(req),
  fromResponse: fromConverse,
  startStream: startConverseStream,
  fromEvent: fromConverseEvent,
  endStream: endConverseStream,
};

/**
 * AWS Bedrock: chat through Converse and ConverseStream (binary event stream), embeddings
 * (Titan, Cohere), images (Nova Canvas, Titan Image) and rerank (Cohere Rerank) through
 * InvokeModel, every call signed with SigV4 (service `bedrock`).
 * Credentials come from the options, else from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
 * AWS_SESSION_TOKEN; the region from the options, AWS_REGION / AWS_DEFAULT_REGION, else us-east-1.
 *
 * @example
 * plugins: [bedrock({ region: 'eu-central-1' })],
 * models: [{ name: 'claude', deployments: [{ provider: 'bedrock', model: 'eu.anthropic.claude-3-5-sonnet-20240620-v1:0' }] }]
 */
export default definePlugin(BedrockOptions, (options) => {
  const env = options.accessKeyId === undefined ? bedrockOptionsFromEnv(process.env) : undefined;
  const id = options.id ?? 'bedrock';
  const accessKeyId = options.accessKeyId ?? env?.accessKeyId;
  const secretAccessKey = options.secretAccessKey ?? env?.secretAccessKey;
  const sessionToken = options.accessKeyId === undefined ? env?.sessionToken : options.sessionToken;
  const region = options.region ?? env?.region ?? (process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1');
  const baseURL = options.baseURL ?? env?.baseURL ?? (process.env.BEDROCK_BASE_URL || undefined);
  const secrets = [accessKeyId, secretAccessKey, sessionToken].filter(set);
  // The AWS signer and event-stream codec (~16 MB of resident modules) load in `setup`, so a
  // gateway that imports this plugin without enabling it never pays for them.
  let signer: BedrockSigner | undefined;
  let decode: typeof decodeEventStream | undefined;

  async function request(target: Deployment, call: CallInfo): Promise<UpstreamInit> {
    // Embeddings, images and rerank all go through InvokeModel, each in its model's own body.
    const invoke = call.operation === 'embeddings' || call.operation === 'images' || call.operation === 'rerank';
    if (call.operation !== 'chat' && !invoke) throw operationNotSupported(target.model, call.operation);
    const deploymentRegion = typeof target.options?.region === 'string' ? target.options.region : region;
    const base = (target.baseURL ?? baseURL ?? `https://bedrock-runtime.${deploymentRegion}.amazonaws.com`).replace(/\/+$/, '');
    const action = invoke ? 'invoke' : call.stream ? 'converse-stream' : 'converse';
    const url = new URL(`${base}/model/${encodeModelId(target.model)}/${action}`);
    const headers: Record<string, string> = {
      ...target.headers,
      'content-type': 'application/json',
      accept: call.stream ? 'application/vnd.amazon.eventstream' : 'application/json',
    };
    // Set in `setup`, which refuses to finish without credentials; kept here so the type narrows.
    if (signer === undefined) throw new Error('bedrock: no credentials');
    return { url: url.href, headers: await signer.sign(url, deploymentRegion, call.body, headers) };
  }

  const adapter = defineProvider({
    id,
    claims: (model) => claims.test(model),
    request,
    errorInfo: (status, body, headers) => bedrockErrorInfo(status, body, headers, secrets),
    chat,
    embeddings: bedrockEmbeddings,
    forwardTranslations: { '/images/generations': bedrockImages(id), '/rerank': bedrockRerank(id) },
    streamContentType: 'application/vnd.amazon.eventstream',
    decodeStream: (body) => (decode as typeof decodeEventStream)(body, id),
  });

  return {
    name: id === 'bedrock' ? 'provider-bedrock' : `provider-${id}`,
    async setup(gateway) {
      if (!set(accessKeyId) || !set(secretAccessKey)) {
        throw new Error(`provider '${id}' has no AWS credentials: set accessKeyId and secretAccessKey, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY`);
      }
      const [signing, eventStream] = await Promise.all([import('./signing.ts'), import('./event-stream.ts')]);
      signer = new signing.BedrockSigner({ accessKeyId, secretAccessKey, sessionToken });
      decode = eventStream.decodeEventStream;
      gateway.providers.register(adapter);
    },
  };
});
