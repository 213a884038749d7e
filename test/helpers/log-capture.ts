import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { redactedPaths } from '../../core/log.ts';

/** One parsed log line, and its length as written. */
export interface LogLine {
  readonly level: number;
  readonly msg?: string;
  readonly bytes: number;
  readonly [field: string]: unknown;
}

/** A root logger whose lines are kept in memory, parsed (the gateway's redaction paths on). */
export function captureLog(level = 'info'): { readonly log: Logger; readonly lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n')) {
        if (line) lines.push({ ...(JSON.parse(line) as { level: number }), bytes: Buffer.byteLength(line) });
      }
      done();
    },
  });
  return { log: pino({ level, redact: { paths: [...redactedPaths], censor: '[redacted]' } }, sink), lines };
}

/** Polls (no fixed sleep) until `lines` has one matching `match`. */
export async function waitForLine(lines: readonly LogLine[], match: (line: LogLine) => boolean, tries = 100): Promise<LogLine> {
  for (let i = 0; i < tries; i++) {
    const found = lines.find(match);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no such log line among:\n${lines.map((l) => JSON.stringify(l).slice(0, 300)).join('\n')}`);
}
