import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Static `import … from '…'` and `export … from '…'` specifiers of a file (not `import()`, not `import type`). */
function staticImports(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers: string[] = [];
  for (const match of source.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?\bfrom\s+'([^']+)'/gm)) {
    if (match[2] === undefined) specifiers.push(match[3] as string);
  }
  for (const match of source.matchAll(/^\s*import\s+'([^']+)'/gm)) specifiers.push(match[1] as string);
  return specifiers;
}

/** Every package a module loads at import time, following relative imports through the repository. */
function packagesLoadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier));
      else packages.add(specifier);
    }
  };
  visit(resolve(root, entry));
  return packages;
}

describe('otel: the SDK is loaded only when the plugin is set up', () => {
  test('the default preset and the plugin’s entry import no @opentelemetry package', () => {
    for (const entry of ['plugins/presets/default.ts', 'plugins/otel/index.ts']) {
      const loaded = [...packagesLoadedBy(entry)];
      expect(loaded.filter((p) => p.startsWith('@opentelemetry/'))).toEqual([]);
    }
  });

  test('the module setup imports does load it (so the check above can fail)', () => {
    expect([...packagesLoadedBy('plugins/otel/tracing.ts')]).toContain('@opentelemetry/sdk-trace-base');
  });
});
