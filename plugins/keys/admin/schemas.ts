import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * Admin request bodies as TypeBox schemas (LiteLLM's field names). Unknown fields pass: LiteLLM
 * clients send many we have no use for (`aliases`, `config`, `permissions`…); the fields we know
 * are checked strictly, so a limit with a wrong type is a 400, never silently dropped. `null`
 * on a limit clears it; on a list or map it means the default (`[]`, `{}`).
 */

const nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const name = Type.String({ minLength: 1, maxLength: 256 });
const usd = Type.Number({ minimum: 0 });
const count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const models = nullable(Type.Array(name, { maxItems: 10_000 }));
const perModel = nullable(Type.Record(Type.String({ minLength: 1, maxLength: 256 }), count));
const metadata = nullable(Type.Record(Type.String(), Type.Unknown()));
/** A key as the caller holds it, or its hash. */
const keyRef = Type.String({ minLength: 1, maxLength: 4096 });

/** Every field an admin may set on a key (generate, update, regenerate). */
export const keyFieldsSchema = {
  key_alias: Type.Optional(nullable(name)),
  duration: Type.Optional(nullable(Type.String())),
  /** ISO 8601 expiry time; `duration` is the usual way, `expires` is what LiteLLM exports. */
  expires: Type.Optional(nullable(Type.String())),
  models: Type.Optional(models),
  max_budget: Type.Optional(nullable(usd)),
  soft_budget: Type.Optional(nullable(usd)),
  budget_duration: Type.Optional(nullable(Type.String())),
  tpm_limit: Type.Optional(nullable(count)),
  rpm_limit: Type.Optional(nullable(count)),
  max_parallel_requests: Type.Optional(nullable(count)),
  model_rpm_limit: Type.Optional(perModel),
  model_tpm_limit: Type.Optional(perModel),
  team_id: Type.Optional(nullable(name)),
  user_id: Type.Optional(nullable(name)),
  metadata: Type.Optional(metadata),
  tags: Type.Optional(nullable(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 1000 }))),
  blocked: Type.Optional(nullable(Type.Boolean())),
};
const keyFields = Type.Object(keyFieldsSchema);
export type KeyFieldsBody = Static<typeof keyFields>;

export const generateSchema = Type.Object({ ...keyFieldsSchema, key: Type.Optional(keyRef) });
export const updateSchema = Type.Object({ ...keyFieldsSchema, key: keyRef });
export const regenerateSchema = Type.Object({ ...keyFieldsSchema, key: keyRef, new_key: Type.Optional(keyRef) });
export const keyOnlySchema = Type.Object({ key: keyRef });
export const deleteSchema = Type.Object({
  keys: Type.Optional(Type.Array(keyRef, { maxItems: 1000 })),
  key_aliases: Type.Optional(Type.Array(name, { maxItems: 1000 })),
});
export const infoV2Schema = Type.Object({ keys: Type.Array(keyRef, { minItems: 1, maxItems: 100 }) });

/** One imported key: a LiteLLM row (`token` = its hash) or a plaintext `key`. */
export const importItemSchema = Type.Object({
  ...keyFieldsSchema,
  token: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  key: Type.Optional(keyRef),
  key_name: Type.Optional(nullable(Type.String({ maxLength: 64 }))),
  spend: Type.Optional(nullable(usd)),
  created_at: Type.Optional(nullable(Type.String())),
});
export type ImportItem = Static<typeof importItemSchema>;
/** `{keys: [...]}`; a body without `keys` is one item. `skip_existing` makes a re-run import only the new keys. */
export const importBatchSchema = Type.Object({
  keys: Type.Array(importItemSchema, { minItems: 1, maxItems: 1000 }),
  skip_existing: Type.Optional(Type.Boolean()),
});
export const importOneSchema = Type.Object({ ...importItemSchema.properties, skip_existing: Type.Optional(Type.Boolean()) });

export const teamFieldsSchema = {
  team_alias: Type.Optional(nullable(name)),
  models: Type.Optional(models),
  max_budget: Type.Optional(nullable(usd)),
  budget_duration: Type.Optional(nullable(Type.String())),
  tpm_limit: Type.Optional(nullable(count)),
  rpm_limit: Type.Optional(nullable(count)),
  max_parallel_requests: Type.Optional(nullable(count)),
  metadata: Type.Optional(metadata),
  blocked: Type.Optional(nullable(Type.Boolean())),
};
const teamFields = Type.Object(teamFieldsSchema);
export type TeamFieldsBody = Static<typeof teamFields>;

export const teamNewSchema = Type.Object({ ...teamFieldsSchema, team_id: Type.Optional(name) });
export const teamUpdateSchema = Type.Object({ ...teamFieldsSchema, team_id: name });
export const teamDeleteSchema = Type.Object({ team_ids: Type.Array(name, { minItems: 1, maxItems: 100 }) });

/** LiteLLM fields that set limits this gateway does not enforce: refused rather than ignored. */
export const UNSUPPORTED_KEY_FIELDS = ['model_max_budget', 'budget_id', 'spend'] as const;
export const UNSUPPORTED_TEAM_FIELDS = ['model_max_budget', 'budget_id', 'spend', 'soft_budget'] as const;
