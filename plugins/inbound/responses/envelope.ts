import type { OutputItem, ResponseObject, ResponsesRequestEcho, ResponseUsage } from './types.ts';

/** The parts of a Response that change as it is produced; the rest is the request's echo. */
export interface ResponseState {
  readonly id: string;
  /** Seconds since the epoch. */
  readonly createdAt: number;
  readonly status: NonNullable<ResponseObject['status']>;
  readonly output: readonly OutputItem[];
  readonly usage?: ResponseUsage | undefined;
  readonly incompleteDetails?: ResponseObject['incomplete_details'];
  readonly error?: ResponseObject['error'];
  /** Seconds since the epoch, once finished. */
  readonly completedAt?: number | undefined;
}

/** A whole Response object: id, status, output and usage, plus the echoed request settings. */
export function responseObject(echo: ResponsesRequestEcho, state: ResponseState): ResponseObject {
  const response: ResponseObject = {
    id: state.id,
    object: 'response',
    created_at: state.createdAt,
    status: state.status,
    background: echo.background,
    error: state.error ?? null,
    incomplete_details: state.incompleteDetails ?? null,
    instructions: echo.instructions,
    max_output_tokens: echo.max_output_tokens,
    model: echo.model,
    output: [...state.output],
    parallel_tool_calls: echo.parallel_tool_calls,
    previous_response_id: echo.previous_response_id,
    reasoning: echo.reasoning,
    store: echo.store,
    temperature: echo.temperature,
    text: echo.text,
    tool_choice: echo.tool_choice,
    tools: echo.tools,
    top_p: echo.top_p,
    truncation: echo.truncation,
    metadata: echo.metadata,
    completed_at: state.completedAt ?? null,
  };
  if (state.usage !== undefined) response.usage = state.usage;
  if (echo.user !== undefined) response.user = echo.user;
  if (echo.safety_identifier !== undefined) response.safety_identifier = echo.safety_identifier;
  return response;
}

/** Seconds since the epoch, as Responses timestamps are. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
