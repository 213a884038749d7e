import { Type, type Static } from '@sinclair/typebox';

const Ms = (description: string) => Type.Integer({ minimum: 1, description });

export const DeploymentConfigSchema = Type.Object(
  {
    provider: Type.String({ minLength: 1, description: 'A registered provider id: openai, anthropic, groq…' }),
    model: Type.String({ minLength: 1, description: 'The model name sent upstream' }),
    baseURL: Type.Optional(Type.String({ format: 'uri', description: "Overrides the provider's endpoint" })),
    apiKey: Type.Optional(Type.String({ description: "Overrides the provider's key" })),
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    timeout: Type.Optional(Ms('Time to first byte, and longest gap in a stream, in ms')),
    dropUnsupportedParams: Type.Optional(Type.Boolean()),
    options: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: 'Provider-specific settings' })),
  },
  { additionalProperties: false },
);

export const ModelGroupSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'What clients send as `model`' }),
    deployments: Type.Array(DeploymentConfigSchema, { minItems: 1 }),
    fallbacks: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Other groups, tried in order' })),
    timeout: Type.Optional(Ms('Default timeout of the deployments, in ms')),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20 })),
    dropUnsupportedParams: Type.Optional(Type.Boolean()),
    description: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ServerSettingsSchema = Type.Object(
  {
    port: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    host: Type.Optional(Type.String({ minLength: 1 })),
    bodyLimit: Type.Optional(Type.Integer({ minimum: 1024, description: 'Largest request body, in bytes (default 20 MB)' })),
    shutdownGraceMs: Type.Optional(Type.Integer({ minimum: 0, description: 'How long in-flight requests may finish on SIGTERM' })),
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Longest time to receive a whole request' })),
    headersTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Longest time to receive request headers' })),
    keepAliveTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Idle time before a client connection closes' })),
  },
  { additionalProperties: false },
);

export const GatewaySettingsSchema = Type.Object(
  {
    dropUnsupportedParams: Type.Optional(Type.Boolean({ description: 'Drop params a provider cannot honour instead of 400' })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Calls per request, retries included (default 3)' })),
    timeout: Type.Optional(Ms('Default upstream timeout, in ms (default 600000)')),
  },
  { additionalProperties: false },
);

export const GatewayConfigSchema = Type.Object(
  {
    server: Type.Optional(ServerSettingsSchema),
    settings: Type.Optional(GatewaySettingsSchema),
    plugins: Type.Array(Type.Unknown()),
    models: Type.Optional(Type.Array(ModelGroupSchema)),
  },
  { additionalProperties: false },
);

export type DeploymentConfig = Static<typeof DeploymentConfigSchema>;
export type ModelGroup = Static<typeof ModelGroupSchema>;
export type ServerSettings = Static<typeof ServerSettingsSchema>;
export type GatewaySettings = Static<typeof GatewaySettingsSchema>;

export const defaults = Object.freeze({
  port: 4000,
  host: '0.0.0.0',
  bodyLimit: 20 * 1024 * 1024,
  shutdownGraceMs: 10_000,
  requestTimeoutMs: 120_000,
  headersTimeoutMs: 30_000,
  // Longer than the 60 s idle timeout of common load balancers, so they never reuse a closed socket.
  keepAliveTimeoutMs: 65_000,
  maxAttempts: 3,
});
