import { invalidParam, type ChatRequest, type Deployment } from 'switchyard';
import { toConversation } from './messages.ts';
import { isEmptyObjectSchema, toGeminiSchema } from './schema.ts';
import type { FunctionDeclaration, GenerateContentRequest, GenerationConfig, SafetySetting, Tool, ToolConfig } from './types.ts';

/** OpenAI chat params with no Gemini equivalent: 400 naming the param, or dropped if configured. */
export const unsupportedChatParams = [
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'audio',
  'modalities',
  'prediction',
  'service_tier',
  'store',
  'metadata',
  'user',
  'safety_identifier',
  'prompt_cache_key',
  'verbosity',
  'web_search_options',
  'functions',
  'function_call',
  'parallel_tool_calls',
] as const satisfies readonly (keyof ChatRequest)[];

/** 1:1 renames into `generationConfig`; `satisfies` rejects a typo on either side. */
const renames = {
  temperature: 'temperature',
  top_p: 'topP',
  seed: 'seed',
  presence_penalty: 'presencePenalty',
  frequency_penalty: 'frequencyPenalty',
} as const satisfies Partial<Record<keyof ChatRequest, keyof GenerationConfig>>;

/**
 * `reasoning_effort` → `thinkingConfig.thinkingBudget` (tokens). Gemini 2.5 Flash accepts
 * 0…24576 and 2.5 Pro 128…32768, so the top is 24576 and `none` turns thinking off where the
 * model allows it. Thoughts are asked for so they can come back as `reasoning_content`.
 */
const thinkingBudgets = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: 24576, max: 24576 } as const satisfies Record<
  NonNullable<ChatRequest['reasoning_effort']>,
  number
>;

/** The `generateContent` body for a chat request. Pure: no I/O. */
export function toGenerateContent(req: ChatRequest, target: Deployment, safetySettings: readonly SafetySetting[] | undefined): GenerateContentRequest {
  const body: GenerateContentRequest = toConversation(req.messages);
  const tools = toTools(req);
  if (tools !== undefined) body.tools = tools;
  const toolConfig = toToolConfig(req);
  if (toolConfig !== undefined) body.toolConfig = toolConfig;
  const fromDeployment = target.options?.safetySettings;
  const safety = Array.isArray(fromDeployment) ? (fromDeployment as SafetySetting[]) : safetySettings;
  if (safety !== undefined && safety.length > 0) body.safetySettings = [...safety];
  const config = toGenerationConfig(req);
  if (Object.keys(config).length > 0) body.generationConfig = config;
  return body;
}

export function toGenerationConfig(req: ChatRequest): GenerationConfig {
  const config: GenerationConfig = {};
  for (const [from, to] of Object.entries(renames) as [keyof typeof renames, (typeof renames)[keyof typeof renames]][]) {
    const value = req[from];
    if (typeof value === 'number') config[to] = value;
  }
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (typeof max === 'number') config.maxOutputTokens = max;
  if (req.stop != null) config.stopSequences = typeof req.stop === 'string' ? [req.stop] : [...req.stop];
  if (typeof req.n === 'number' && req.n > 1) config.candidateCount = req.n;
  if (req.reasoning_effort != null) {
    const thinkingBudget = thinkingBudgets[req.reasoning_effort];
    config.thinkingConfig = thinkingBudget === 0 ? { thinkingBudget } : { thinkingBudget, includeThoughts: true };
  }
  const format = req.response_format;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    if (format.json_schema.schema !== undefined) config.responseSchema = toGeminiSchema(format.json_schema.schema, 'response_format.json_schema.schema');
  }
  return config;
}

function toTools(req: ChatRequest): Tool[] | undefined {
  if (req.tools === undefined || req.tools.length === 0) return undefined;
  const declarations = req.tools.map((tool, i): FunctionDeclaration => {
    if (tool.type !== 'function') throw invalidParam(`tools[${i}].type`, `Gemini supports function tools only, not '${tool.type}'`);
    const fn = tool.function;
    const declaration: FunctionDeclaration = { name: fn.name };
    if (fn.description !== undefined) declaration.description = fn.description;
    if (fn.parameters !== undefined) {
      const parameters = toGeminiSchema(fn.parameters, `tools[${i}].function.parameters`);
      if (!isEmptyObjectSchema(parameters)) declaration.parameters = parameters;
    }
    return declaration;
  });
  return [{ functionDeclarations: declarations }];
}

/** `tool_choice` → `functionCallingConfig.mode`: auto AUTO, none NONE, required ANY, named ANY + allowedFunctionNames. */
function toToolConfig(req: ChatRequest): ToolConfig | undefined {
  const choice = req.tool_choice;
  if (choice === undefined) return undefined;
  type Mode = NonNullable<NonNullable<ToolConfig['functionCallingConfig']>['mode']>;
  const config = (mode: string, allowedFunctionNames?: string[]): ToolConfig => ({
    functionCallingConfig: { mode: mode as Mode, ...(allowedFunctionNames ? { allowedFunctionNames } : {}) },
  });
  if (choice === 'auto') return config('AUTO');
  if (choice === 'none') return config('NONE');
  if (choice === 'required') return config('ANY');
  if (choice.type === 'function') return config('ANY', [choice.function.name]);
  if (choice.type === 'allowed_tools') {
    const names = choice.allowed_tools.tools.flatMap((t) => {
      const fn = (t as { function?: { name?: unknown } }).function;
      return typeof fn?.name === 'string' ? [fn.name] : [];
    });
    // Gemini restricts the functions only when a call is required (mode ANY).
    if (choice.allowed_tools.mode === 'required') return config('ANY', names);
    throw invalidParam('tool_choice.allowed_tools.mode', "Gemini can restrict the allowed functions only with mode 'required'");
  }
  throw invalidParam('tool_choice', `Gemini supports tool_choice auto, none, required or a named function, not '${choice.type}'`);
}
