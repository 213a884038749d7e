import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { PriceBook, type Logger, type Outcome, type RequestContext } from 'switchyard';
import { tracesUrl } from './endpoint.ts';
import { otlpExporter, reportingExporter } from './exporter.ts';
import { rateLimitedFailureLog } from './failure-log.ts';
import type { OtelOptions } from './options.ts';
import { samplerOf } from './sampler.ts';
import { recordModelCall, type SpanSettings } from './spans.ts';

/** A running trace pipeline: record a finished request; flush and stop at shutdown. */
export interface Tracing {
  /** Builds the request's spans and hands them to the batch processor; never throws. */
  record(ctx: RequestContext, outcome: Outcome): void;
  /** Exports what is queued, then stops; bounded by the export timeout. */
  close(): Promise<void>;
}

const defaults = { serviceName: 'switchyard', protocol: 'http/protobuf', scheduleDelayMs: 5000, exportTimeoutMs: 10_000, contentLimit: 16_384 } as const;

/**
 * Sets up the plugin's own tracer provider (never the global one: two gateways in one process,
 * or an application's own OTel setup, each keep theirs), a batch processor and the OTLP/HTTP
 * exporter. This module is imported only when the plugin is enabled, so the SDK costs nothing
 * otherwise.
 */
export async function startTracing(options: OtelOptions, log: Logger): Promise<Tracing> {
  const url = tracesUrl(options);
  const timeoutMs = options.exportTimeoutMs ?? defaults.exportTimeoutMs;
  const exporter = await otlpExporter({ url, protocol: options.protocol ?? defaults.protocol, headers: options.headers ?? {}, timeoutMs });
  const processor = new BatchSpanProcessor(reportingExporter(exporter, rateLimitedFailureLog(log)), {
    scheduledDelayMillis: options.scheduleDelayMs ?? defaults.scheduleDelayMs,
    exportTimeoutMillis: timeoutMs,
  });
  const provider = new BasicTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ 'service.name': options.serviceName ?? defaults.serviceName })),
    sampler: samplerOf(options.sampler, options.samplerRatio),
    spanProcessors: [processor],
  });
  const settings: SpanSettings = {
    tracer: provider.getTracer('switchyard'),
    prices: new PriceBook(options.prices ?? {}),
    captureContent: options.captureContent ?? false,
    contentLimit: options.contentLimit ?? defaults.contentLimit,
  };
  log.info({ url, protocol: options.protocol ?? defaults.protocol }, 'otel: exporting traces');
  return {
    record(ctx, outcome) {
      try {
        recordModelCall(settings, ctx, outcome);
      } catch (err) {
        log.warn({ err, reqId: ctx.id }, 'otel: could not build the request’s spans');
      }
    },
    close: () => bounded(provider.shutdown(), timeoutMs + 1000),
  };
}

/** Waits for `work`, but no longer than `ms`: a collector that is down must not hold the shutdown. */
async function bounded(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
    timer.unref();
  });
  try {
    await Promise.race([work.catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
