import { invalidParam, type ChatRequest, type Deployment } from 'switchyard';
import { toCohereMessages } from './messages.ts';
import type { CohereChatRequest, CohereResponseFormat, CohereTool } from './wire.ts';

/** Plain 1:1 renames; `satisfies` rejects a typo on either side at compile time. */
const renames = {
  temperature: 'temperature',
  top_p: 'p',
  seed: 'seed',
  frequency_penalty: 'frequency_penalty',
  presence_penalty: 'presence_penalty',
} as const satisfies Partial<Record<keyof ChatRequest, keyof CohereChatRequest>>;

/**
 * Penalty ranges Cohere documents that are narrower than OpenAI's: a 400 here names the OpenAI
 * param. Penalties are not clamped: a negative one asks for repetition, which Cohere cannot give.
 */
const ranges: Partial<Record<keyof typeof renames, readonly [number, number]>> = {
  frequency_penalty: [0, 1],
  presence_penalty: [0, 1],
};

/** Cohere's documented bounds of `p` (OpenAI's `top_p` takes 0–1). */
const minP = 0.01;
const maxP = 0.99;

/**
 * OpenAI's `top_p` as Cohere's `p`. `1` (OpenAI's default, which many clients send) means "no
 * nucleus cut", exactly as if unset, so it is left out as an unset `top_p` is (Cohere then uses
 * its own default). Other values outside Cohere's 0.01–0.99 are clamped to the nearest bound,
 * the closest sampling Cohere offers; values outside OpenAI's own 0–1 are a 400.
 */
function nucleus(topP: number): number | undefined {
  if (topP < 0 || topP > 1) throw invalidParam('top_p', "'top_p' must be between 0 and 1");
  if (topP === 1) return undefined;
  return Math.min(maxP, Math.max(minP, topP));
}

function renamed(req: ChatRequest): Partial<CohereChatRequest> {
  const out: Record<string, number> = {};
  for (const [from, to] of Object.entries(renames) as [keyof typeof renames, string][]) {
    const raw = req[from];
    if (raw === undefined || raw === null) continue;
    const value = from === 'top_p' ? nucleus(raw) : raw;
    if (value === undefined) continue;
    const range = ranges[from];
    if (range !== undefined && (value < range[0] || value > range[1])) {
      // A neutral penalty (0) is inside the range; anything else Cohere cannot honour.
      throw invalidParam(from, `cohere accepts '${from}' between ${range[0]} and ${range[1]}`);
    }
    out[to] = value;
  }
  return out as Partial<CohereChatRequest>;
}

/** Tools and tool_choice. A named choice keeps only that tool and makes a call REQUIRED: the same contract. */
function tools(req: ChatRequest): Pick<CohereChatRequest, 'tools' | 'tool_choice' | 'strict_tools'> {
  const defs = req.tools ?? [];
  if (defs.length === 0) {
    if (req.tool_choice === 'required' || typeof req.tool_choice === 'object') {
      throw invalidParam('tool_choice', "'tool_choice' needs 'tools'");
    }
    return {};
  }
  let list: CohereTool[] = defs.map((t, i) => {
    if (t.type !== 'function') throw invalidParam(`tools[${i}].type`, `cohere supports only function tools, not '${t.type}'`);
    const fn = t.function;
    return {
      type: 'function',
      function: {
        name: fn.name,
        ...(fn.description === undefined ? {} : { description: fn.description }),
        // Cohere requires a parameters schema; a function without one takes no arguments.
        parameters: (fn.parameters as Record<string, unknown> | undefined) ?? { type: 'object', properties: {} },
      },
    };
  });
  const strict = defs.every((t) => t.type === 'function' && t.function.strict === true);
  const choice = req.tool_choice;
  let tool_choice: CohereChatRequest['tool_choice'];
  if (choice === 'none') tool_choice = 'NONE';
  else if (choice === 'required') tool_choice = 'REQUIRED';
  else if (typeof choice === 'object') {
    if (choice.type !== 'function') throw invalidParam('tool_choice', `cohere does not support tool_choice of type '${choice.type}'`);
    const name = choice.function.name;
    list = list.filter((t) => t.function?.name === name);
    if (list.length === 0) throw invalidParam('tool_choice', `tool_choice names '${name}', which is not in 'tools'`);
    tool_choice = 'REQUIRED';
  }
  return { tools: list, ...(tool_choice === undefined ? {} : { tool_choice }), ...(strict ? { strict_tools: true } : {}) };
}

/** `json_object` and `json_schema` are both Cohere's `json_object`, the latter with its schema. */
function responseFormat(req: ChatRequest): CohereResponseFormat | undefined {
  const format = req.response_format;
  if (format === undefined || format === null || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') return { type: 'json_object', json_schema: format.json_schema.schema ?? { type: 'object' } };
  throw invalidParam('response_format', `cohere does not support response_format '${(format as { type: string }).type}'`);
}

/** The `/v2/chat` body of an OpenAI chat request. Pure; throws a 400 for what Cohere cannot take. */
export function toCohereRequest(req: ChatRequest, target: Deployment): CohereChatRequest {
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  const stop = req.stop;
  const format = responseFormat(req);
  return {
    model: target.model,
    messages: toCohereMessages(req.messages),
    ...renamed(req),
    ...(maxTokens === undefined || maxTokens === null ? {} : { max_tokens: maxTokens }),
    ...(stop === undefined || stop === null ? {} : { stop_sequences: typeof stop === 'string' ? [stop] : stop }),
    ...tools(req),
    ...(format === undefined ? {} : { response_format: format }),
    ...(req.stream === true ? { stream: true } : {}),
  };
}
