import { defineMatrix } from './matrix.ts';

// Faults × {non-stream, stream} on the anthropic and gemini wire formats, one after the other (see matrix.ts
// for what each cell checks; three files, so the suite's two workers share the six formats).
defineMatrix('anthropic');
defineMatrix('gemini');
