import type { IncomingMessage } from 'node:http';
import { bodyTooLarge, invalidParam, invalidRequest } from '../errors.ts';
import { readBodyBytes } from '../server/body.ts';
import { parseJsonBody } from '../server/parse-body.ts';
import { JsonForwardBody, MultipartForwardBody, type ForwardBody } from './body.ts';
import { multipartBoundary, MultipartModelScanner, type ModelField } from './multipart-model.ts';
import type { ForwardRoute } from './operations.ts';
import { RequestReader } from './request-reader.ts';

/**
 * How much of a multipart upload is read ahead once its `model` is known, so that a small upload
 * is held whole and can be sent to another deployment if the first fails. Past it the rest is
 * streamed upstream as it arrives, and sent once.
 */
export const replayableUploadBytes = 1024 * 1024;

/** A forwarded call's request, read far enough to route it. */
export interface ForwardRequest {
  readonly route: ForwardRoute;
  /** The client's model name. */
  readonly model: string;
  /** What the stages may read: the JSON body, or `{ model }` of an upload. */
  readonly request: Readonly<Record<string, unknown>>;
  readonly body: ForwardBody;
}

/**
 * Reads a forwarded call's body far enough to know its model: a JSON body whole (within `limit`,
 * as any model call), a multipart upload only up to its `model` field (plus `replayableUploadBytes`),
 * the rest left to stream upstream, bounded by `limit` as it goes.
 */
export async function readForwardRequest(route: ForwardRoute, req: IncomingMessage, limit: number): Promise<ForwardRequest> {
  if (route.body === 'json') {
    const bytes = await readBodyBytes(req, limit);
    const request = parseJsonBody(bytes);
    if (typeof request !== 'object' || request === null || Array.isArray(request)) throw invalidRequest('the body must be a JSON object');
    const model = (request as { model?: unknown }).model;
    if (typeof model !== 'string' || model === '') throw invalidParam('model', "'model' must be a non-empty string");
    return { route, model, request: request as Record<string, unknown>, body: new JsonForwardBody(bytes, request as Record<string, unknown>) };
  }
  const declared = declaredLength(req);
  if (declared !== undefined && declared > limit) throw bodyTooLarge(limit);
  const contentType = req.headers['content-type'] as string | undefined;
  const scanner = new MultipartModelScanner(multipartBoundary(contentType));
  const reader = new RequestReader(req, limit);
  const head: Buffer[] = [];
  try {
    let field: ModelField | undefined;
    while (field === undefined) {
      const chunk = await reader.next();
      if (chunk === undefined) throw scanner.end();
      head.push(chunk);
      field = scanner.feed(chunk);
    }
    while (!reader.ended && reader.size < replayableUploadBytes) {
      const chunk = await reader.next();
      if (chunk !== undefined) head.push(chunk);
    }
    if (field.value === '') throw invalidParam('model', "'model' must be a non-empty string");
    const rest = reader.ended ? undefined : reader;
    if (rest === undefined) reader.stop();
    const body = new MultipartForwardBody({ contentType: contentType as string, head, field, rest, declaredLength: declared });
    return { route, model: field.value, request: { model: field.value }, body };
  } catch (err) {
    reader.stop();
    throw err;
  }
}

function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}
