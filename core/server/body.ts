import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, invalidJson } from '../errors.ts';
import { collect } from '../http/collect.ts';

/**
 * The request body's bytes, refusing more than `limit`: early from `content-length`, or as soon
 * as the count passes it. Kept as bytes so an unchanged request can be forwarded as it came.
 */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(bodyTooLarge(limit));
  return collect(req, limit, bodyTooLarge);
}

/** Parses request body bytes; an empty or malformed body is a 400. */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) throw invalidJson('the body is empty');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalidJson((err as SyntaxError).message);
  }
}
