import { expect, test } from 'vitest';
import { RequestContext } from 'switchyard';
import { requestLine } from '../../../../plugins/log/pino/index.ts';
import { createRootLogger } from '../../../../core/log.ts';

test('the log line carries the attempt trail: deployment, outcome, status, latency, error per attempt', () => {
  const ctx = new RequestContext({ id: 'r1', operation: 'chat', headers: {}, signal: new AbortController().signal, rootLog: createRootLogger({ level: 'silent', sync: true }) });
  const dep = (id: string) => ({ id, group: 'main', provider: 'openai', model: 'gpt-4o' });
  ctx.attempts.push(
    { deployment: dep('main#0'), startedAt: 0, durationMs: 12.345, outcome: 'error', status: 502, upstreamStatus: 500, error: 'upstream_error' },
    { deployment: dep('main#1'), startedAt: 13, durationMs: 40, outcome: 'ok', status: 200 },
  );
  const line = requestLine(ctx, { status: 200, error: undefined, stream: false, result: undefined });
  expect(line.attempts).toBe(2);
  expect(line.trail).toEqual([
    { deployment: 'main#0', outcome: 'error', status: 502, upstreamStatus: 500, ms: 12.35, error: 'upstream_error' },
    { deployment: 'main#1', outcome: 'ok', status: 200, upstreamStatus: undefined, ms: 40, error: undefined },
  ]);
});

test('a single failed attempt has its trail too, with the upstream status (a timeout has none); a single success has none', () => {
  const make = () => new RequestContext({ id: 'r2', operation: 'chat', headers: {}, signal: new AbortController().signal, rootLog: createRootLogger({ level: 'silent', sync: true }) });
  const dep = { id: 'main#0', group: 'main', provider: 'openai', model: 'gpt-4o' };
  const failed = make();
  failed.attempts.push({ deployment: dep, startedAt: 0, durationMs: 5, outcome: 'error', status: 502, upstreamStatus: 503, error: 'upstream_error' });
  expect(requestLine(failed, { status: 502, error: undefined, stream: false, result: undefined }).trail).toEqual([
    { deployment: 'main#0', outcome: 'error', status: 502, upstreamStatus: 503, ms: 5, error: 'upstream_error' },
  ]);
  const timedOut = make();
  timedOut.attempts.push({ deployment: dep, startedAt: 0, durationMs: 30_000, outcome: 'error', status: 504, error: 'upstream_timeout' });
  expect(requestLine(timedOut, { status: 504, error: undefined, stream: false, result: undefined }).trail).toEqual([
    { deployment: 'main#0', outcome: 'error', status: 504, upstreamStatus: undefined, ms: 30_000, error: 'upstream_timeout' },
  ]);
  const ok = make();
  ok.attempts.push({ deployment: dep, startedAt: 0, durationMs: 5, outcome: 'ok', status: 200 });
  expect(requestLine(ok, { status: 200, error: undefined, stream: false, result: undefined }).trail).toBeUndefined();
});
