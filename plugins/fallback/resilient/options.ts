import { Type } from '@sinclair/typebox';
import type { Clock, Random } from 'switchyard';

const ms = (description: string) => Type.Integer({ minimum: 0, description });

export const ResilientFallbackOptions = Type.Object(
  {
    /** Retries of the same deployment (default 2); a group's `retry.retries` overrides. */
    retries: Type.Optional(Type.Integer({ minimum: 0, maximum: 10 })),
    baseDelayMs: Type.Optional(ms('First backoff ceiling, doubled per retry (default 250)')),
    maxDelayMs: Type.Optional(ms('Cap on any wait, Retry-After included (default 8000)')),
    /** Retries allowed per budget window as a share of the group's requests (default 0.2). */
    budgetRatio: Type.Optional(Type.Number({ minimum: 0, maximum: 10 })),
    /** Retries always allowed per window (default 10). */
    minRetries: Type.Optional(Type.Integer({ minimum: 0 })),
    budgetWindowMs: Type.Optional(Type.Integer({ minimum: 1000 })),
    cooldown: Type.Optional(
      Type.Object(
        {
          failures: Type.Optional(Type.Integer({ minimum: 1, description: 'Failures in the window that cool a deployment (default 3)' })),
          failureRate: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1, description: 'Or this failure share (default 0.5)' })),
          minCalls: Type.Optional(Type.Integer({ minimum: 1, description: 'Calls before the rate counts (default 10)' })),
          windowMs: Type.Optional(Type.Integer({ minimum: 1000, description: 'Failure window (default 60000)' })),
          seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Cooldown length (default 30)' })),
          halfOpenMs: Type.Optional(Type.Integer({ minimum: 1000, description: 'Half-open time without a probe before the record expires (default 300000)' })),
        },
        { additionalProperties: false },
      ),
    ),
    /** Default whole-request budget across attempts, ms (none by default). */
    requestTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Largest `x-switchyard-timeout` a client may ask for, ms (default 600000). */
    maxRequestTimeoutMs: Type.Optional(Type.Integer({ minimum: 1 })),
    /** Weight of a new latency sample in the moving average (default 0.3). */
    latencyAlpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    /** Context windows by upstream model, added to the shipped table. */
    contextWindows: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1 }))),
    clock: Type.Optional(Type.Unsafe<Clock>({ description: 'A Clock; tests inject a fake one' })),
    random: Type.Optional(Type.Unsafe<Random>({ description: 'A source of chance in [0, 1); tests inject a seeded one' })),
  },
  { additionalProperties: false, title: 'fallback-resilient' },
);
