import type { Candidate, Deployment } from 'switchyard';

/** A candidate for strategy tests: a deployment with the given traits and measurements. */
export function candidate(id: string, d: Partial<Deployment> = {}, m: Partial<Omit<Candidate, 'deployment'>> = {}): Candidate {
  return {
    deployment: { id, group: 'g', provider: 'openai', model: 'gpt-4o', ...d },
    inFlight: m.inFlight ?? 0,
    latencyMs: m.latencyMs,
    ttftMs: m.ttftMs,
    usage: m.usage ?? { requests: 0, tokens: 0 },
  };
}

export const ids = (cs: readonly Candidate[]): string[] => cs.map((c) => c.deployment.id);
export const chatInput = (text = 'hello', extra: Record<string, unknown> = {}) =>
  ({ request: { model: 'g', messages: [{ role: 'user', content: text }], ...extra }, stream: false }) as never;
