import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Paths that must never reach a log line. Plugins log objects, not raw requests, but a careless
 * `log.info({ deployment })` or `{ headers }` still gets scrubbed.
 */
export const redactedPaths: readonly string[] = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  'headers["api-key"]',
  'apiKey',
  '*.apiKey',
  '*.*.apiKey',
  'api_key',
  '*.api_key',
  'secretAccessKey',
  '*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
];

export interface LoggerOptions {
  readonly level?: string;
  /** Write synchronously (tests, CLI errors). The server default is asynchronous, off the hot path. */
  readonly sync?: boolean;
}

/** The root logger. Asynchronous destination, so logging never blocks a request on stdout. */
export function createRootLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? 'info';
  return pino(
    {
      level,
      base: { service: 'switchyard' },
      redact: { paths: [...redactedPaths], censor: '[redacted]' },
    },
    pino.destination({ dest: 1, sync: options.sync ?? false, minLength: 0 }),
  );
}
