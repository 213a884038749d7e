import { Type, type Static } from '@sinclair/typebox';
import { PriceSchema } from 'switchyard';

/** OTel's sampler names (`OTEL_TRACES_SAMPLER`); the `traceidratio` ones keep `samplerRatio` of traces. */
export const SamplerName = Type.Union([
  Type.Literal('always_on'),
  Type.Literal('always_off'),
  Type.Literal('traceidratio'),
  Type.Literal('parentbased_always_on'),
  Type.Literal('parentbased_always_off'),
  Type.Literal('parentbased_traceidratio'),
]);
export type SamplerName = Static<typeof SamplerName>;

/**
 * The `otel` plugin's options. It reads no environment variable itself: the default preset maps
 * the standard `OTEL_*` ones onto these (plugins/presets/otel-from-env.ts).
 */
export const OtelOptions = Type.Object(
  {
    /**
     * The collector's base URL, as `OTEL_EXPORTER_OTLP_ENDPOINT`: spans go to `<endpoint>/v1/traces`.
     * Default `http://localhost:4318`.
     */
    endpoint: Type.Optional(Type.String({ minLength: 1 })),
    /** The full traces URL, used as is (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`); wins over `endpoint`. */
    tracesEndpoint: Type.Optional(Type.String({ minLength: 1 })),
    /** `http/protobuf` (default) or `http/json`. */
    protocol: Type.Optional(Type.Union([Type.Literal('http/protobuf'), Type.Literal('http/json')])),
    /** `service.name` of the spans' resource. Default `switchyard`. */
    serviceName: Type.Optional(Type.String({ minLength: 1 })),
    /** Headers sent with every export (a collector's auth token). Never put in a span or a log line. */
    headers: Type.Optional(Type.Record(Type.String(), Type.String())),
    /** Prompts and answers as `gen_ai.input.messages` / `gen_ai.output.messages`. Default false. */
    captureContent: Type.Optional(Type.Boolean()),
    /** Longest captured content attribute, characters; longer ones are cut. Default 16 384. */
    contentLimit: Type.Optional(Type.Integer({ minimum: 64 })),
    /** Default `parentbased_always_on`, the OTel default. */
    sampler: Type.Optional(SamplerName),
    /** Share of traces kept by the `traceidratio` samplers, 0–1. Default 1. */
    samplerRatio: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
    /** Delay between two batch exports, ms (`OTEL_BSP_SCHEDULE_DELAY`). Default 5000. */
    scheduleDelayMs: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Longest export, ms; also bounds the flush at shutdown. Default 10 000. */
    exportTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Prices (USD per million tokens) by model name over the shipped table, for `switchyard.cost_usd`. */
    prices: Type.Optional(Type.Record(Type.String(), PriceSchema)),
  },
  { additionalProperties: false, title: 'otel' },
);
export type OtelOptions = Static<typeof OtelOptions>;
