#!/usr/bin/env node
// `npm run bench [-- --quick]`: registers the TypeScript loader (as bin/switchyard.js does) and runs the harness.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
