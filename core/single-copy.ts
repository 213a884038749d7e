/**
 * Refuses to load a second copy of the core into one process. Two copies mean two `GatewayError`
 * classes and two hook registries: a plugin's errors fail `instanceof` in the other copy, so every
 * upstream failure turns into a 500 and no fallback runs, without a word. That happens when a
 * plugin package brings its own `switchyard` (a dependency instead of a peer dependency) or loads it
 * through another module system; it is better as a loud error at start-up.
 */
const marker = Symbol.for('switchyard.core');
const registry = globalThis as { [marker]?: string };
const first = registry[marker];
if (first === undefined) {
  registry[marker] = import.meta.url;
} else if (first !== import.meta.url) {
  throw new Error(
    `a second copy of switchyard was loaded (${import.meta.url}) beside the running gateway's (${first}): ` +
      "a plugin package must list 'switchyard' as a peer dependency, not bring its own",
  );
}

export {};
