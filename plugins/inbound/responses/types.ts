/**
 * The Responses API's wire types, from the official SDK (import type only), and the few shapes
 * this translation adds on top of them.
 */
import type {
  FunctionTool,
  Response,
  ResponseFunctionToolCallItem,
  ResponseFunctionToolCallOutputItem,
  ResponseInputMessageItem,
  ResponseOutputMessage,
  ResponseStreamEvent,
  ResponseUsage,
} from 'openai/resources/responses/responses';

export type {
  FunctionTool,
  Response,
  ResponseCreateParamsBase,
  ResponseFunctionToolCallItem,
  ResponseFunctionToolCallOutputItem,
  ResponseInputMessageItem,
  ResponseOutputMessage,
  ResponseOutputText,
  ResponseStreamEvent,
  ResponseUsage,
} from 'openai/resources/responses/responses';

/**
 * A Response as it goes on the wire. `output_text` is left out, as OpenAI leaves it out: the SDKs
 * compute it on the client (the JS SDK from `output`, Python's as a property). `store` is on
 * OpenAI's wire but not in the SDK's type.
 */
export type ResponseObject = Omit<Response, 'output_text'> & { store: boolean };

/** The output items a translated response carries. */
export type OutputItem = ResponseOutputMessage | ResponseFunctionToolCallItem;

/**
 * One item of a conversation, normalised, with its id: what `input_items` lists and what the
 * store keeps as history for `previous_response_id`. Earlier output items are valid input items,
 * so a stored history is sent back through the same mapping as a client's own input.
 */
export type ConversationItem =
  | ResponseInputMessageItem
  | ResponseOutputMessage
  | ResponseFunctionToolCallItem
  | ResponseFunctionToolCallOutputItem;

/** The request settings a Response echoes back (OpenAI's Response object repeats them). */
export type ResponsesRequestEcho = Pick<
  ResponseObject,
  | 'model'
  | 'instructions'
  | 'tools'
  | 'tool_choice'
  | 'parallel_tool_calls'
  | 'temperature'
  | 'top_p'
  | 'max_output_tokens'
  | 'text'
  | 'reasoning'
  | 'metadata'
  | 'store'
  | 'previous_response_id'
  | 'truncation'
  | 'background'
> &
  Partial<Pick<ResponseObject, 'user' | 'safety_identifier'>>;

/** The kinds of id this translation makes: `resp_…`, `msg_…`, `fc_…`, `fco_…` (tool output) and `call_…`. */
export type IdKind = 'resp' | 'msg' | 'fc' | 'fco' | 'call';

/** Makes a fresh id of a kind; injectable so golden tests get stable ids. */
export type NewId = (kind: IdKind) => string;

/**
 * A stream event as it is written: the SDK's event types, with lifecycle events carrying the wire
 * `ResponseObject` (no `output_text`). Every written event carries its `sequence_number`.
 */
export type StreamEvent = ResponseStreamEvent extends infer E
  ? E extends { response: Response }
    ? Omit<E, 'response'> & { response: ResponseObject }
    : E
  : never;

/** An event before the encoder numbers it. */
export type UnnumberedEvent = StreamEvent extends infer E ? (E extends StreamEvent ? Omit<E, 'sequence_number'> : never) : never;

export type ToolDefinition = FunctionTool;
export type Usage = ResponseUsage;
