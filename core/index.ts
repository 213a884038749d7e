/**
 * Switchyard's public API: what configs and plugins import from `switchyard`.
 * Everything else under core/ is internal and may change.
 */
export { defineConfig, type GatewayConfig, type PluginEntry } from './config/define.ts';
export type { DeploymentConfig, GatewaySettings, ModelGroup, RetrySettings, ServerSettings, TimeoutSettings } from './config/schema.ts';
export { definePlugin, type GatewayApi, type Plugin, type PluginFactory, type ReadinessReport } from './plugin.ts';
export type { InboundFormat, NativeFormat, StreamEncoder } from './inbound.ts';
export { NativeRequest, type NativeCallInit } from './forward/native.ts';
export type { CountTokensFormat, CountTokensRequest, CountTokensTranslation, TokenCount } from './count/types.ts';
export { countPromptTokens } from './count/tokenizer.ts';
export type { ErrorEnvelope, PluginRoute, RouteAnswer, RouteAuth, RouteCall, RouteMethod } from './server/plugin-routes.ts';
export { Order, type ExclusiveStage, type PluginHooks, type StageHooks, type TapOptions } from './hooks.ts';
export { RequestContext, type ContextState, type Principal, type Timings } from './context.ts';
export type { Outcome } from './outcome.ts';
export type { Attempt, Deployment, RetryPolicy, RoutePlan, TimeoutPolicy } from './routing/types.ts';
export { byScore, shuffled, weightedOrder } from './routing/order.ts';
export type { Candidate, OrderInput, RoutingStrategy, StrategyNeed } from './routing/strategy.ts';
export type {
  Circuit,
  CircuitState,
  Clock,
  Cooldown,
  CooldownInit,
  CooldownRecord,
  LatencyKind,
  OutcomeCounts,
  Random,
  SharedState,
  StateHealth,
  UsageWindow,
} from './state/types.ts';
export { circuitOf, closedCircuit, cooldownRecord, noUsage, slidingUsage, usageWindowMs } from './state/types.ts';
export { MemoryState } from './state/memory.ts';
export { systemClock, systemRandom } from './state/clock.ts';
export {
  GatewayError,
  PluginError,
  ConfigError,
  type ConfigProblem,
  type ErrorType,
  type GatewayStatus,
  type OpenAIErrorBody,
  bodyTooLarge,
  clientClosed,
  credentialsRejected,
  forbidden,
  internalError,
  invalidJson,
  invalidParam,
  invalidRequest,
  isRetryable,
  modelNotFound,
  noHealthyDeployment,
  operationNotSupported,
  rateLimited,
  unauthorized,
  unsupportedParam,
  upstreamInvalid,
  upstreamTimeout,
  upstreamUnreachable,
} from './errors.ts';
export { cutEcho, echoLimit } from './echo.ts';
export { JsonBody, StreamEvent, completeResult, streamResult, type AnswerObserver, type CallResult, type CompleteResult, type ForwardResult, type StreamResult } from './result.ts';
export {
  defineProvider,
  type CallInfo,
  type ChatTranslation,
  type CompletionsTranslation,
  type DecodedEvent,
  type EmbeddingsTranslation,
  type ForwardTranslation,
  type ModelsTranslation,
  type Passthrough,
  type ProviderDefinition,
  type UpstreamInit,
} from './providers/define.ts';
export { ProviderRegistry, type ModelInfo, type ProviderAdapter } from './providers/registry.ts';
export {
  forwardOperations,
  forwardRoutes,
  isForwardOperation,
  type ForwardOperation,
  type ForwardRoute,
  type NativeOperation,
  type TranslatableForwardPath,
} from './forward/operations.ts';
export type { ForwardBody, ForwardPayload } from './forward/body.ts';
export type { ForwardRequest } from './forward/read.ts';
export { documentsPerSearch, requestUnits, type ForwardUnits } from './forward/units.ts';
export { ForwardMeter } from './forward/meter.ts';
export { providerError, retryAfterSeconds, scrubSecrets, upstreamBodyOf, type ProviderErrorInfo } from './providers/upstream-errors.ts';
export {
  encodeEmbeddings,
  floatsToBase64,
  singleChoiceChunk,
  singleChoiceCompletion,
  toolArgumentsObject,
  usageChunk,
  type AssistantAnswer,
  type ChunkIds,
} from './providers/translation-helpers.ts';
export { parseSse, SseDecoder, type SseMessage } from './stream/sse.ts';
export { TopLevelFields } from './stream/json-fields.ts';
export { ChatStreamAssembler, CompletionStreamAssembler } from './stream/assemble.ts';
export { startGateway, type RunningGateway, type StartOptions } from './start.ts';
export type { Logger } from './log.ts';
export type * from './openai/types.ts';
export { estimatePromptTokens, requestedOutputTokens } from './openai/estimate.ts';
export { tokenParts, type TokenParts } from './openai/usage.ts';
export { anthropicUsage, type AnthropicTokens } from './openai/anthropic-usage.ts';
export { PriceSchema, type Price, type PriceTable } from './pricing/types.ts';
export { priceFamilies, pricesAsOf, shippedPrices, type PriceFamily } from './pricing/table.ts';
export { PriceBook, priceOf } from './pricing/lookup.ts';
