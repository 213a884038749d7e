#!/usr/bin/env node
// Registers the TypeScript loader, so the gateway runs from source without a build step. Configs and
// in-house plugins are not loaded through it: core/config/import-module.ts bundles them as ES modules
// bound to this gateway's own modules, whatever the user's folder says about module types.
import { register } from 'tsx/esm/api';

register();
await import('../core/main.ts');
