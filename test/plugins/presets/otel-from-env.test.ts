import { describe, expect, test } from 'vitest';
import { otelFromEnv, otlpHeaders } from '../../../plugins/presets/otel-from-env.ts';

describe('otel options from the standard OTEL_* variables', () => {
  test('off unless an OTLP endpoint is set, or when the SDK or the traces exporter is disabled', () => {
    expect(otelFromEnv({})).toBeUndefined();
    expect(otelFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toBeUndefined();
    expect(otelFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(otelFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(otelFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toEqual({ endpoint: 'http://c:4318' });
    expect(otelFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/t' })).toEqual({ tracesEndpoint: 'http://c:4318/t' });
  });

  test('every variable mapped; the _TRACES_ variants win; invalid numbers are ignored', () => {
    expect(
      otelFromEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'gw-eu',
        OTEL_BSP_SCHEDULE_DELAY: '250',
        OTEL_TRACES_SAMPLER: 'ParentBased_TraceIdRatio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_EXPORTER_OTLP_HEADERS: 'api-key=abc,x-team=ml%20ops',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api-key=def',
        OTEL_EXPORTER_OTLP_TIMEOUT: '3000',
        OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
      }),
    ).toEqual({
      endpoint: 'http://c:4318',
      protocol: 'http/json',
      serviceName: 'gw-eu',
      scheduleDelayMs: 250,
      sampler: 'parentbased_traceidratio',
      samplerRatio: 0.25,
      headers: { 'api-key': 'def', 'x-team': 'ml ops' },
      exportTimeoutMs: 3000,
      captureContent: true,
    });
    expect(otelFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_BSP_SCHEDULE_DELAY: 'soon', OTEL_TRACES_SAMPLER_ARG: '2' })).toEqual({ endpoint: 'http://c:4318' });
  });

  test('OTEL_EXPORTER_OTLP_HEADERS: k=v pairs, percent-decoded, malformed pairs skipped', () => {
    expect(otlpHeaders('a=1, b = two%3Dthree ,=x,novalue,c=%E0%A4%A')).toEqual({ a: '1', b: 'two=three', c: '%E0%A4%A' });
    expect(otlpHeaders(undefined)).toEqual({});
  });
});
