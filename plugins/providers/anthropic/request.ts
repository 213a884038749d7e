import type { ThinkingConfigEnabled } from '@anthropic-ai/sdk/resources/messages';
import { invalidParam, type ChatRequest, type Deployment } from 'switchyard';
import { toConversation } from './messages.ts';
import { jsonModeOf, toToolsPart } from './tools.ts';
import type { AnthropicRequest, AnthropicSettings } from './types.ts';

type Effort = NonNullable<ChatRequest['reasoning_effort']>;

/** Thinking budgets per `reasoning_effort`. Anthropic's minimum budget is 1024 tokens. */
const thinkingBudgets = {
  none: 0,
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16384,
  xhigh: 24576,
  max: 32768,
} as const satisfies Record<Effort, number>;

const minThinkingBudget = 1024;

/** The canonical request → a Messages API body. Pure: throws a 400 for what cannot be said upstream. */
export function toAnthropicRequest(req: ChatRequest, target: Deployment, settings: AnthropicSettings): AnthropicRequest {
  const { system, messages } = toConversation(req.messages);
  const thinking = thinkingOf(req, target, settings);
  const body: AnthropicRequest = {
    model: target.model,
    max_tokens: thinking?.maxTokens ?? requestedMaxTokens(req) ?? defaultMaxTokens(target, settings),
    messages,
  };
  if (system !== undefined) body.system = system;
  if (thinking !== undefined) body.thinking = thinking.config;
  if (req.temperature != null) {
    // Anthropic's range is 0–1; OpenAI's is 0–2. Out of range is the client's to fix, not ours to clamp.
    if (req.temperature < 0 || req.temperature > 1) throw invalidParam('temperature', 'Anthropic accepts temperature from 0 to 1');
    body.temperature = req.temperature;
  }
  if (req.top_p != null) body.top_p = req.top_p;
  if (req.stop != null) {
    const stops = typeof req.stop === 'string' ? [req.stop] : req.stop;
    if (stops.length > 0) body.stop_sequences = stops;
  }
  if (req.user != null && req.user !== '') body.metadata = { user_id: req.user };
  if (req.modalities?.includes('audio')) throw invalidParam('modalities', "audio output is not supported by Anthropic");
  Object.assign(body, toToolsPart(req, jsonModeOf(req), thinking !== undefined));
  if (req.stream === true) body.stream = true;
  return body;
}

function requestedMaxTokens(req: ChatRequest): number | undefined {
  return req.max_completion_tokens ?? req.max_tokens ?? undefined;
}

function defaultMaxTokens(target: Deployment, settings: AnthropicSettings): number {
  const fromDeployment = target.options?.defaultMaxTokens;
  return typeof fromDeployment === 'number' ? fromDeployment : settings.defaultMaxTokens;
}

/**
 * `reasoning_effort` → extended thinking. Thinking tokens count toward `max_tokens` on both
 * sides, so a client's limit bounds the budget; without one, the budget comes on top of the default.
 */
function thinkingOf(
  req: ChatRequest,
  target: Deployment,
  settings: AnthropicSettings,
): { config: ThinkingConfigEnabled; maxTokens: number } | undefined {
  const effort = req.reasoning_effort;
  if (effort == null || effort === 'none') return undefined;
  const budget = thinkingBudgets[effort];
  if (budget === undefined) throw invalidParam('reasoning_effort', `unknown reasoning_effort '${String(effort)}'`);
  const requested = requestedMaxTokens(req);
  if (requested === undefined) {
    const maxTokens = budget + defaultMaxTokens(target, settings);
    return { config: { type: 'enabled', budget_tokens: budget }, maxTokens };
  }
  if (requested <= minThinkingBudget) {
    const param = req.max_completion_tokens != null ? 'max_completion_tokens' : 'max_tokens';
    throw invalidParam(param, `with reasoning_effort, Anthropic needs more than ${minThinkingBudget} tokens (thinking counts toward the limit)`);
  }
  return { config: { type: 'enabled', budget_tokens: Math.min(budget, requested - 1) }, maxTokens: requested };
}
