/**
 * The `otel` plugin: OpenTelemetry traces over OTLP/HTTP with the GenAI conventions
 * (design/operator.md §8). See README.md.
 */
export { default } from './plugin.ts';
export { OtelOptions, SamplerName } from './options.ts';
