import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

export interface ExporterSettings {
  readonly url: string;
  readonly protocol: 'http/protobuf' | 'http/json';
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/**
 * The OTLP/HTTP exporter for the protocol, loaded on demand: only the one package in use is
 * imported (the protobuf encoder is the larger of the two).
 */
export async function otlpExporter(settings: ExporterSettings): Promise<SpanExporter> {
  const config = { url: settings.url, headers: { ...settings.headers }, timeoutMillis: settings.timeoutMs };
  if (settings.protocol === 'http/json') {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
    return new OTLPTraceExporter(config);
  }
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  return new OTLPTraceExporter(config);
}

/** Told of each failed export: what went wrong and how many spans were lost with it. */
export type ExportFailureSink = (error: Error | undefined, spans: number) => void;

/**
 * An exporter that reports failed exports to `onFailure` and otherwise changes nothing: spans are
 * exported after the client has its answer, so a collector that is down or answers 500 costs
 * spans and a log line, never a request.
 */
export function reportingExporter(inner: SpanExporter, onFailure: ExportFailureSink): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
      try {
        inner.export(spans, (result) => {
          if (result.code !== ExportResultCode.SUCCESS) onFailure(result.error, spans.length);
          done(result);
        });
      } catch (err) {
        const error = err instanceof Error ? err : new Error(String(err));
        onFailure(error, spans.length);
        done({ code: ExportResultCode.FAILED, error });
      }
    },
    shutdown: () => inner.shutdown(),
    forceFlush: () => inner.forceFlush?.() ?? Promise.resolve(),
  };
}
