import type { Logger } from 'switchyard';
import type { ExportFailureSink } from './exporter.ts';

/** One line per this many ms at most, however often exports fail. */
const intervalMs = 60_000;

/**
 * Logs failed exports, rate-limited: the first failure at once, then at most one line a minute
 * counting the failures and spans lost since the last line, so a collector that is down for an
 * hour writes sixty lines, not one per batch.
 */
export function rateLimitedFailureLog(log: Logger, now: () => number = Date.now): ExportFailureSink {
  let lastAt = -Infinity;
  let failures = 0;
  let lost = 0;
  return (error, spans) => {
    failures += 1;
    lost += spans;
    const at = now();
    if (at - lastAt < intervalMs) return;
    lastAt = at;
    log.warn({ err: error?.message ?? 'unknown error', failures, spansLost: lost }, 'otel: span export failed');
    failures = 0;
    lost = 0;
  };
}
