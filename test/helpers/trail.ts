import { definePlugin, type Plugin } from 'switchyard';

/** One finished request as the log stage saw it: `deployment:status` per attempt. */
export interface Trail {
  readonly model: string;
  readonly status: number;
  readonly attempts: string[];
  readonly error: string | undefined;
}

/** A plugin that records every request's attempt trail, for tests that assert exact sequences. */
export function trailRecorder(): { plugin: Plugin; trails: Trail[] } {
  const trails: Trail[] = [];
  const plugin = definePlugin(() => ({
    name: 'test-trail',
    setup(gateway) {
      gateway.hooks.log.tapPromise('test-trail', async (ctx, outcome) => {
        trails.push({
          model: ctx.model,
          status: outcome.status,
          attempts: ctx.attempts.map((a) => `${a.deployment.id}:${a.status}`),
          error: outcome.error?.extra.code,
        });
      });
    },
  }))();
  return { plugin, trails };
}
