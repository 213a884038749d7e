import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, invalidJson } from '../errors.ts';
import { collect } from '../http/collect.ts';

/**
 * Reads and parses a JSON request body, refusing more than `limit` bytes: early from
 * `content-length`, or as soon as the count passes it.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw bodyTooLarge(limit);
  const bytes = await collect(req, limit, bodyTooLarge);
  if (bytes.length === 0) throw invalidJson('the body is empty');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalidJson((err as SyntaxError).message);
  }
}
