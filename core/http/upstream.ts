import { Agent, errors as undiciErrors, request } from 'undici';
import type { Dispatcher } from 'undici';
import { Stream, type Readable } from 'node:stream';
import { collect } from './collect.ts';
import { clientClosed, GatewayError, upstreamTimeout, upstreamUnreachable } from '../errors.ts';

/**
 * One pooled keep-alive client for every upstream call of the process. Connections are reused
 * per origin; there is no per-origin cap, since providers rate-limit by key, not by socket.
 */
let sharedAgent: Agent | undefined;

export function upstreamAgent(): Agent {
  return (sharedAgent ??= new Agent({
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    connect: { timeout: 10_000 },
    pipelining: 1,
  }));
}

/** Closes the pooled sockets (on shutdown). */
export async function closeUpstreamAgent(): Promise<void> {
  const agent = sharedAgent;
  sharedAgent = undefined;
  if (agent !== undefined) await agent.close();
}

export interface UpstreamCall {
  /** Provider id, for error messages. */
  readonly provider: string;
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly headers: Record<string, string>;
  readonly body?: string | Buffer | Uint8Array | undefined;
  /** The client's signal: when it aborts, the upstream request is torn down. */
  readonly signal: AbortSignal;
  /** Longest wait for response headers, and longest silence between body chunks, in ms. */
  readonly timeoutMs: number;
}

export type UpstreamResponse = Dispatcher.ResponseData;

/** The default time to first byte allowed upstream when neither deployment nor group sets one. */
export const defaultUpstreamTimeoutMs = 600_000;

export async function callUpstream(call: UpstreamCall): Promise<UpstreamResponse> {
  try {
    return await request(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body ?? null,
      signal: call.signal,
      dispatcher: upstreamAgent(),
      headersTimeout: call.timeoutMs,
      bodyTimeout: call.timeoutMs,
    });
  } catch (err) {
    throw upstreamFailure(err, call);
  }
}

/** Maps a transport failure (not an HTTP status) to a GatewayError. */
export function upstreamFailure(err: unknown, call: Pick<UpstreamCall, 'provider' | 'signal' | 'timeoutMs'>): GatewayError {
  if (err instanceof GatewayError) return err;
  if (call.signal.aborted) return clientClosed();
  if (
    err instanceof undiciErrors.HeadersTimeoutError ||
    err instanceof undiciErrors.BodyTimeoutError ||
    err instanceof undiciErrors.ConnectTimeoutError
  ) {
    return upstreamTimeout(call.provider, call.timeoutMs);
  }
  return upstreamUnreachable(call.provider, err);
}

function tooLarge(limit: number): Error {
  return new Error(`upstream body over ${limit} bytes`);
}

/** Reads a whole body, refusing more than `limit` bytes (an upstream gone wrong must not fill memory). */
export async function readBody(body: Readable | AsyncIterable<Uint8Array>, limit = 256 * 1024 * 1024): Promise<Buffer> {
  // Node streams (undici's bodies) take the cheaper listener path; other iterables are looped.
  if (body instanceof Stream) return collect(body as Readable, limit, tooLarge);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of body) {
    size += part.length;
    if (size > limit) throw tooLarge(limit);
    parts.push(part as Buffer);
  }
  return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size);
}
