import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Deployment } from 'switchyard';
import { callUpstreamComplete } from '../../../core/http/complete.ts';
import { callUpstreamStream } from '../../../core/http/stream.ts';
import { callTimeouts, upstreamTimeoutDefaults } from '../../../core/http/timeouts.ts';
import { gatewayFailure, startRouteServer, type RouteServer } from '../../helpers/route-server.ts';

/**
 * #12.10: the defaults no longer hold a client for 600 s per attempt on a hung provider; first
 * byte, idle and total are separate, and the total is enforced by the call itself.
 */
const bare: Deployment = { id: 'd', group: 'g', provider: 'p', model: 'm' };

describe('default upstream time limits', () => {
  test('first byte 60 s for a stream, 300 s for a non-streamed answer; idle 60 s; total 10 min', () => {
    expect(callTimeouts(bare, true)).toEqual({ firstByteMs: 60_000, idleMs: 60_000, defaultTotalMs: 600_000 });
    expect(callTimeouts(bare, false)).toEqual({ firstByteMs: 300_000, idleMs: 60_000, defaultTotalMs: 600_000 });
    expect(upstreamTimeoutDefaults.connectMs).toBe(10_000);
  });

  test('configured values win: timeout (first byte) also bounds gaps unless idle is set; a deployment deadline replaces the default total', () => {
    expect(callTimeouts({ ...bare, timeoutMs: 5_000 }, true)).toEqual({ firstByteMs: 5_000, idleMs: 5_000, defaultTotalMs: 600_000 });
    expect(callTimeouts({ ...bare, timeoutMs: 5_000, idleTimeoutMs: 2_000 }, false)).toEqual({ firstByteMs: 5_000, idleMs: 2_000, defaultTotalMs: 600_000 });
    expect(callTimeouts({ ...bare, totalTimeoutMs: 30_000 }, true).defaultTotalMs).toBeUndefined();
    // A first-byte limit longer than the default total is not cut short by it.
    expect(callTimeouts({ ...bare, timeoutMs: 900_000 }, false).defaultTotalMs).toBe(900_000);
  });
});

describe('the whole-call limit (totalTimeoutMs) on the transport', () => {
  let server: RouteServer;
  beforeAll(async () => {
    server = await startRouteServer({
      '/hang': () => undefined,
      '/trickle': (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(': still here\n\n');
      },
    });
  });
  afterAll(() => server.close());

  test('a provider that never answers is given up at the total limit as a 504', async () => {
    const err = await gatewayFailure(callUpstreamComplete(server.call('/hang', { timeoutMs: 600_000, totalTimeoutMs: 20 })));
    expect(err.status).toBe(504);
    expect(err.message).toContain('20 ms');
  });

  test('a stream that trickles forever is cut at the total limit with a 504', async () => {
    // Under load the limit may pass before the headers are in: either way the call ends as a 504.
    const read = (async () => {
      const stream = await callUpstreamStream(server.call('/trickle', { timeoutMs: 600_000, totalTimeoutMs: 50 }));
      for await (const _ of stream.body) void _;
    })();
    const err = await gatewayFailure(read);
    expect(err.status).toBe(504);
  });
});
