import { definePlugin } from 'switchyard';
import { OtelOptions } from './options.ts';

/**
 * OpenTelemetry traces over OTLP/HTTP (design/operator.md §8): per model call, a SERVER span and
 * one CLIENT span per upstream attempt with the GenAI attributes, built in the `log` stage after
 * the client has its answer. The SDK is imported in `setup`, so a gateway without this plugin
 * never loads it.
 *
 * @example
 * otel({ endpoint: 'http://collector:4318', protocol: 'http/json', serviceName: 'gateway-eu' })
 */
export default definePlugin(OtelOptions, (options) => ({
  name: 'otel',
  async setup(gateway) {
    const { startTracing } = await import('./tracing.ts');
    const tracing = await startTracing(options, gateway.log);
    gateway.hooks.log.tapPromise('otel', async (ctx, outcome) => tracing.record(ctx, outcome));
    gateway.onClose(() => tracing.close());
  },
}));
