#!/usr/bin/env node
// Registers the TypeScript loader, so the gateway and its TypeScript config run without a build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../core/cli.ts');
await main(process.argv.slice(2));
