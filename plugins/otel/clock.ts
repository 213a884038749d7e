import type { HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';

/**
 * A `performance.now()` reading (what `ctx.timings` and attempts hold) as an epoch time for a
 * span: spans are built after the request, from those readings, so each one is placed on the
 * wall clock through the process's time origin, the same base OTel's own clock uses.
 */
export function epochTime(performanceMs: number): HrTime {
  return millisToHrTime(performance.timeOrigin + performanceMs);
}
