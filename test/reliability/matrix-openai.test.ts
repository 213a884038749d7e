import { defineMatrix } from './matrix.ts';

// Faults × {non-stream, stream} on the openai wire format (see matrix.ts for what each cell checks).
defineMatrix('openai');
