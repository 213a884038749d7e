import { randomBytes } from 'node:crypto';
import type { IdKind, NewId } from './types.ts';

/**
 * Random ids in OpenAI's form (`resp_` + 48 hex digits, …). Never derived from the upstream's
 * id: a response id is a store key, and chat servers (mocks, local ones) repeat theirs.
 */
export const randomId: NewId = (kind: IdKind) => `${kind}_${randomBytes(24).toString('hex')}`;
