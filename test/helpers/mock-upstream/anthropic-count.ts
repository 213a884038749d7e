import type { ServerResponse } from 'node:http';
import { anthropicError, checkMessages, checkTools } from './anthropic.ts';
import { sendJson, type RecordedRequest } from './server.ts';

type Json = Record<string, unknown>;

/**
 * What `POST /v1/messages/count_tokens` accepts (the API reference's CountTokensRequest): no
 * `max_tokens`, `stream` or sampling settings; Anthropic answers 400 "Extra inputs are not
 * permitted" to those.
 */
const countTopLevel = new Set(['model', 'messages', 'system', 'tools', 'tool_choice', 'thinking', 'mcp_servers', 'context_management', 'output_config', 'output_format']);

/**
 * The mock's count: deterministic and unlike the gateway's estimate (characters / 3 plus a fixed
 * framing), so a test can tell an exact count relayed from the upstream from a local estimate.
 */
export function mockAnthropicCount(body: Json): number {
  const chars = JSON.stringify(body.messages ?? []).length + JSON.stringify(body.system ?? '').length + JSON.stringify(body.tools ?? []).length;
  return Math.ceil(chars / 3) + 7;
}

/** `POST /v1/messages/count_tokens` as Anthropic serves it, after the headers were checked. */
export function anthropicCountTokens(req: RecordedRequest, res: ServerResponse, models: ReadonlySet<string>): void {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json') || typeof req.json !== 'object' || req.json === null) {
    return anthropicError(res, 400, 'invalid_request_error', 'Request body is not valid JSON');
  }
  const body = req.json as Json;
  for (const key of Object.keys(body)) {
    if (!countTopLevel.has(key)) return anthropicError(res, 400, 'invalid_request_error', `${key}: Extra inputs are not permitted`);
  }
  if (typeof body.model !== 'string') return anthropicError(res, 400, 'invalid_request_error', 'model: Field required');
  if (!models.has(body.model)) return anthropicError(res, 404, 'not_found_error', `model: ${body.model}`);
  const system = body.system;
  if (system !== undefined && typeof system !== 'string' && !Array.isArray(system)) {
    return anthropicError(res, 400, 'invalid_request_error', 'system: Input should be a valid string or a list of text blocks');
  }
  if (!checkMessages(body.messages, res) || !checkTools(body, res)) return;
  sendJson(res, 200, { input_tokens: mockAnthropicCount(body) }, { 'request-id': 'req_mock_count' });
}
