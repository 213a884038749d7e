import { Type, type Static } from '@sinclair/typebox';
import { PriceSchema } from '../pricing/types.ts';

const Ms = (description: string) => Type.Integer({ minimum: 1, description });

/** Upstream time limits, ms. `firstByte` is the older `timeout`. */
export const TimeoutsSchema = Type.Object(
  {
    connect: Type.Optional(Ms('Longest wait for a TCP/TLS connection')),
    firstByte: Type.Optional(Ms('Longest wait for response headers (and the first stream event)')),
    idle: Type.Optional(Ms('Longest silence between body chunks or stream events')),
    total: Type.Optional(Ms('Longest single upstream call, body included')),
  },
  { additionalProperties: false },
);

/** Retries of one deployment and the group's retry budget (read by call-stage plugins). */
export const RetrySettingsSchema = Type.Object(
  {
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'Retries of the same deployment' })),
    baseDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 60_000 })),
    maxDelayMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 600_000, description: 'Cap on any wait, Retry-After included' })),
    budgetRatio: Type.Optional(Type.Number({ minimum: 0, maximum: 10, description: 'Retries per request allowed over the window' })),
    minRetries: Type.Optional(Type.Integer({ minimum: 0, description: 'Retries always allowed per window' })),
  },
  { additionalProperties: false },
);

const capacityFields = {
  weight: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Share of traffic for the weighted strategy (default 1)' })),
  tier: Type.Optional(Type.Integer({ minimum: 0, description: 'Priority tier; lower tiers are tried first (default 0)' })),
  rpm: Type.Optional(Type.Integer({ minimum: 1, description: 'Requests per minute this deployment takes' })),
  tpm: Type.Optional(Type.Integer({ minimum: 1, description: 'Tokens per minute this deployment takes' })),
  maxConcurrent: Type.Optional(Type.Integer({ minimum: 1, description: 'Calls in flight at once' })),
  contextWindow: Type.Optional(Type.Integer({ minimum: 1, description: 'Context window in tokens (overrides the built-in table)' })),
};

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
    timeouts: Type.Optional(TimeoutsSchema),
    /** Overrides the shipped price table and plugins' `prices`. */
    price: Type.Optional(PriceSchema),
    ...capacityFields,
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
    routing: Type.Optional(Type.String({ minLength: 1, description: 'Load-balancing strategy: weighted, round-robin, least-busy…' })),
    contextWindowFallbacks: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Groups for prompts too long here' })),
    contentPolicyFallbacks: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Groups for content refused here' })),
    retry: Type.Optional(RetrySettingsSchema),
    timeouts: Type.Optional(
      Type.Composite([
        TimeoutsSchema,
        Type.Object({
          request: Type.Optional(Ms('Whole-request budget across attempts')),
          maxRequest: Type.Optional(Ms('Largest budget the x-switchyard-timeout header may ask for')),
        }),
      ], { additionalProperties: false }),
    ),
  },
  { additionalProperties: false },
);

/** Cross-origin access for browser clients; off unless `server.cors` is set. */
export const CorsSettingsSchema = Type.Object(
  {
    origins: Type.Union(
      [Type.Literal('*'), Type.Array(Type.String({ minLength: 1, pattern: '^[a-z][a-z0-9+.-]*://[^/\\s]+$' }), { minItems: 1 })],
      { description: "Allowed origins (`https://app.example.com`, no path), or '*' for any" },
    ),
    credentials: Type.Optional(Type.Boolean({ description: 'Allow cookies / HTTP auth (the origin is echoed, never *)' })),
    maxAgeSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400, description: 'How long browsers cache a preflight (default 600)' })),
    allowHeaders: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Request headers allowed besides the built-in ones' })),
    exposeHeaders: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Response headers exposed besides the built-in ones' })),
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
    answerBuffer: Type.Optional(
      Type.Object(
        {
          forwardAboveBytes: Type.Optional(
            Type.Integer({ minimum: 0, description: 'Pass-through answers larger than this are forwarded as they arrive, not held (default 1 MiB)' }),
          ),
          perRequestBytes: Type.Optional(Type.Integer({ minimum: 1024, description: 'Most answer bytes one request may hold (default 64 MiB)' })),
          totalBytes: Type.Optional(Type.Integer({ minimum: 1024, description: 'Most answer bytes the process may hold (default 256 MiB)' })),
        },
        { additionalProperties: false },
      ),
    ),
    cors: Type.Optional(CorsSettingsSchema),
  },
  { additionalProperties: false },
);

export const GatewaySettingsSchema = Type.Object(
  {
    dropUnsupportedParams: Type.Optional(Type.Boolean({ description: 'Drop params a provider cannot honour instead of 400' })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 20, description: 'Calls per request, retries included (default 3)' })),
    timeout: Type.Optional(Ms('Default upstream time to first byte, in ms (default 60000 streamed, 300000 not; README)')),
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
export type CorsSettings = Static<typeof CorsSettingsSchema>;
export type GatewaySettings = Static<typeof GatewaySettingsSchema>;
export type TimeoutSettings = Static<typeof TimeoutsSchema>;
export type RetrySettings = Static<typeof RetrySettingsSchema>;

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
