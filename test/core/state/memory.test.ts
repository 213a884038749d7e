import { describe } from 'vitest';
import { MemoryState } from 'switchyard';
import { sharedStateContract } from '../../helpers/state-contract.ts';

describe('MemoryState', () => {
  sharedStateContract(() => new MemoryState(), (name) => name);
});
