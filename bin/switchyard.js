#!/usr/bin/env node
// Registers the TypeScript loader, so the gateway and its TypeScript config run without a build step.
import { register as registerCjs } from 'tsx/cjs/api';
import { register } from 'tsx/esm/api';

register();
// A config in a folder without `"type": "module"` in its package.json is CommonJS to Node: tsx must
// compile it on the require path too, or Node fails with ERR_REQUIRE_CYCLE_MODULE.
registerCjs();
await import('../core/main.ts');
