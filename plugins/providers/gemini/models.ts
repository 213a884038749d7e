import type { ModelInfo, ModelsTranslation } from 'switchyard';
import type { ListModelsResponse } from './types.ts';

/** `GET models` → the gateway's model list; names lose their `models/` prefix. */
export const models: ModelsTranslation<ListModelsResponse> = {
  fromResponse(res: ListModelsResponse): readonly ModelInfo[] {
    return (res.models ?? []).flatMap((m) =>
      typeof m.name === 'string' ? [{ id: m.name.replace(/^models\//, ''), ownedBy: 'google' }] : [],
    );
  },
};
