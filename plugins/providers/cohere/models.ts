import type { ModelInfo, ModelsTranslation } from 'switchyard';
import type { CohereModelList } from './wire.ts';

/** `GET /v1/models`: Cohere's catalogue (one page of up to 1000), deprecated models left out. */
export const cohereModels: ModelsTranslation<CohereModelList> = {
  fromResponse(res: CohereModelList): readonly ModelInfo[] {
    return (res.models ?? [])
      .filter((m) => typeof m.name === 'string' && m.is_deprecated !== true)
      .map((m) => ({ id: m.name as string, ownedBy: 'cohere' }));
  },
};
