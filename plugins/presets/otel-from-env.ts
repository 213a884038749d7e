import type { OtelOptions } from '../otel/index.ts';
import type { Env } from './providers-from-env.ts';

const set = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/** A non-negative integer, or undefined for anything else (the spec: an invalid value is ignored). */
function integer(value: string | undefined): number | undefined {
  if (!set(value) || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}

function ratio(value: string | undefined): number | undefined {
  if (!set(value)) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 1 ? n : undefined;
}

/**
 * `OTEL_EXPORTER_OTLP_HEADERS`' format: `key=value` pairs separated by commas, values
 * percent-encoded (`Authorization=Bearer%20abc`). Pairs without `=` or a key are skipped.
 *
 * @example
 * otlpHeaders('api-key=abc,x-team=ml%20ops'); // { 'api-key': 'abc', 'x-team': 'ml ops' }
 */
export function otlpHeaders(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const key = pair.slice(0, at).trim();
    if (key === '') continue;
    const raw = pair.slice(at + 1).trim();
    try {
      headers[key] = decodeURIComponent(raw);
    } catch {
      headers[key] = raw;
    }
  }
  return headers;
}

/**
 * The `otel` plugin's options from the standard variables, or undefined when traces are off: they
 * are on when `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) is set, unless
 * `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none`. The `_TRACES_` variant of a variable
 * wins over the general one. A protocol or sampler the plugin does not support (`grpc`,
 * `jaeger_remote`) is passed on as is, so start-up fails naming it instead of tracing otherwise
 * than asked.
 */
export function otelFromEnv(env: Env): OtelOptions | undefined {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesEndpoint = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!set(endpoint) && !set(tracesEndpoint)) return undefined;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true' || env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return undefined;
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? env.OTEL_EXPORTER_OTLP_PROTOCOL;
  const sampler = env.OTEL_TRACES_SAMPLER;
  const headers = { ...otlpHeaders(env.OTEL_EXPORTER_OTLP_HEADERS), ...otlpHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS) };
  const scheduleDelayMs = integer(env.OTEL_BSP_SCHEDULE_DELAY);
  const exportTimeoutMs = integer(env.OTEL_EXPORTER_OTLP_TRACES_TIMEOUT ?? env.OTEL_EXPORTER_OTLP_TIMEOUT);
  const samplerRatio = ratio(env.OTEL_TRACES_SAMPLER_ARG);
  return {
    ...(set(endpoint) ? { endpoint: endpoint.trim() } : {}),
    ...(set(tracesEndpoint) ? { tracesEndpoint: tracesEndpoint.trim() } : {}),
    ...(set(protocol) ? { protocol: protocol.trim() as OtelOptions['protocol'] } : {}),
    ...(set(env.OTEL_SERVICE_NAME) ? { serviceName: env.OTEL_SERVICE_NAME.trim() } : {}),
    ...(set(sampler) ? { sampler: sampler.trim().toLowerCase() as OtelOptions['sampler'] } : {}),
    ...(samplerRatio === undefined ? {} : { samplerRatio }),
    ...(scheduleDelayMs === undefined ? {} : { scheduleDelayMs }),
    ...(exportTimeoutMs === undefined || exportTimeoutMs === 0 ? {} : { exportTimeoutMs }),
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
    // The variable OTel's GenAI instrumentations read for the same choice.
    ...(env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT?.trim().toLowerCase() === 'true' ? { captureContent: true } : {}),
  };
}
