import type { ModelInfo as AnthropicModel } from '@anthropic-ai/sdk/resources/models';
import type { ModelInfo, ModelsTranslation } from 'switchyard';

/** `GET /v1/models`: `{data: [{id, created_at, display_name, …}], has_more, …}`. */
export const anthropicModels: ModelsTranslation<{ data?: readonly Partial<AnthropicModel>[] }> = {
  fromResponse(res): readonly ModelInfo[] {
    const out: ModelInfo[] = [];
    for (const m of res.data ?? []) {
      if (typeof m.id !== 'string') continue;
      const created = typeof m.created_at === 'string' ? Date.parse(m.created_at) : Number.NaN;
      out.push({ id: m.id, ownedBy: 'anthropic', ...(Number.isNaN(created) ? {} : { created: Math.floor(created / 1000) }) });
    }
    return out;
  },
};
