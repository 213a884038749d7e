import { defineMatrix } from './matrix.ts';

// Faults × {non-stream, stream} on the azure wire format (see matrix.ts for what each cell checks).
defineMatrix('azure');
