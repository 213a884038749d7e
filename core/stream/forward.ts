import type { ServerResponse } from 'node:http';
import type { RequestContext } from '../context.ts';
import { clientClosed, toGatewayError, type GatewayError } from '../errors.ts';
import type { AnswerObserver, ForwardResult } from '../result.ts';
import { callHeaders } from '../server/respond.ts';
import { BodyTail } from './usage-tail.ts';

/**
 * Writes a forwarded answer (JSON too large to hold, or a forwarded operation's JSON or audio) as it arrives, waiting for the client to
 * drain before reading on, so a client that stops reading holds the upstream back instead of the
 * gateway's memory. The usage is read from the tail into `ctx.usage`. A failure part-way cannot
 * become an envelope (the status and part of the body are sent): the response is destroyed, so
 * the client sees a cut answer (a short content-length, or a chunked body without its end),
 * never a whole-looking one. Returns the error, if any (also one the answer reported itself, as
 * a relayed stream's `error` event, which the client has as it came).
 */
export async function writeForwarded(ctx: RequestContext, res: ServerResponse, result: ForwardResult): Promise<GatewayError | undefined> {
  const body = result.body;
  const json = result.type === undefined || /json/i.test(result.type);
  const headers = ['content-type', result.type ?? 'application/json'];
  if (result.length !== undefined) headers.push('content-length', String(result.length));
  // A relayed event stream gets the headers of every stream we send (no proxy buffering).
  if (result.type !== undefined && /^text\/event-stream/i.test(result.type)) headers.push('cache-control', 'no-cache', 'x-accel-buffering', 'no');
  res.writeHead(200, callHeaders(ctx, headers));
  const observer: AnswerObserver | undefined = result.observer ?? (json ? new BodyTail() : undefined);
  try {
    for (;;) {
      const next = await body.next();
      if (next.done === true) break;
      const chunk = next.value;
      const held = observer?.add(chunk);
      if (held !== undefined) await held;
      ctx.timings.firstByte ??= performance.now();
      if (!res.write(chunk)) await drained(res);
      if (res.destroyed) throw clientClosed();
    }
    res.end();
    if (observer === undefined) return undefined;
    ctx.usage = observer.usage();
    ctx.units = observer.units?.();
    // Relayed to the client as it came; the log stage still learns that the answer failed.
    return observer.failure?.();
  } catch (err) {
    const error = res.destroyed || ctx.signal.aborted ? clientClosed() : toGatewayError(err);
    void body.return?.(undefined)?.catch(() => undefined);
    res.destroy();
    return error;
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
