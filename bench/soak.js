#!/usr/bin/env node
// `npm run soak [-- --seconds 600]`: registers the TypeScript loader (as bench/run.js does) and runs bench/soak.ts.
import { register } from 'tsx/esm/api';

register();
await import('./soak.ts');
