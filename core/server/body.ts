import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, invalidJson } from '../errors.ts';

/**
 * Reads and parses a JSON request body, refusing more than `limit` bytes: early from
 * `content-length`, or as soon as the count passes it.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limit) throw bodyTooLarge(limit);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > limit) throw bodyTooLarge(limit);
    parts.push(part);
  }
  if (size === 0) throw invalidJson('the body is empty');
  const text = (parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, size)).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw invalidJson((err as SyntaxError).message);
  }
}
