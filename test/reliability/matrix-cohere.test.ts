import { defineMatrix } from './matrix.ts';

// Faults × {non-stream, stream} on the cohere wire format (see matrix.ts for what each cell checks).
defineMatrix('cohere');
