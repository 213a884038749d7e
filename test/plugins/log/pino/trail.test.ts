import { expect, test } from 'vitest';
import { RequestContext } from 'switchyard';
import { requestLine } from '../../../../plugins/log/pino/index.ts';
import { createRootLogger } from '../../../../core/log.ts';

test('the log line carries the attempt trail: deployment, outcome, status, latency, error per attempt', () => {
  const ctx = new RequestContext({ id: 'r1', operation: 'chat', headers: {}, signal: new AbortController().signal, rootLog: createRootLogger({ level: 'silent', sync: true }) });
  const dep = (id: string) => ({ id, group: 'main', provider: 'openai', model: 'gpt-4o' });
  ctx.attempts.push(
    { deployment: dep('main#0'), startedAt: 0, durationMs: 12.345, outcome: 'error', status: 502, error: 'upstream_error' },
    { deployment: dep('main#1'), startedAt: 13, durationMs: 40, outcome: 'ok', status: 200 },
  );
  const line = requestLine(ctx, { status: 200, error: undefined, stream: false, result: undefined });
  expect(line.attempts).toBe(2);
  expect(line.trail).toEqual([
    { deployment: 'main#0', outcome: 'error', status: 502, ms: 12.35, error: 'upstream_error' },
    { deployment: 'main#1', outcome: 'ok', status: 200, ms: 40, error: undefined },
  ]);
});
