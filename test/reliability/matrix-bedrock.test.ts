import { defineMatrix } from './matrix.ts';

// Faults × {non-stream, stream} on the bedrock wire format (see matrix.ts for what each cell checks).
defineMatrix('bedrock');
