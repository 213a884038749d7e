import type { IncomingHttpHeaders } from 'node:http';
import { ROOT_CONTEXT, type Context, type TextMapGetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const propagator = new W3CTraceContextPropagator();

const headerGetter: TextMapGetter<IncomingHttpHeaders> = {
  keys: (headers) => Object.keys(headers),
  get: (headers, key) => headers[key.toLowerCase()],
};

/**
 * The client's trace, from its W3C `traceparent` and `tracestate` headers, as the parent of the
 * request's SERVER span; the empty root context when it sent none (or a malformed one), so the
 * span starts a trace of its own.
 */
export function parentContext(headers: IncomingHttpHeaders): Context {
  if (headers.traceparent === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, headers, headerGetter);
}
