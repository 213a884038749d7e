import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' },
    testTimeout: 15_000,
    hookTimeout: 15_000,
    // Network tests bind loopback ports and spawn gateways: keep the parallelism modest.
    maxWorkers: 2,
  },
});
