#!/usr/bin/env node
// The CLI's entry point: bin/switchyard.js loads it from source (under tsx); `npm run build`
// compiles it to dist/core/main.js, which runs without a TypeScript loader.
import { main } from './cli.ts';

await main(process.argv.slice(2));
