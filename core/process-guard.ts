import type { Logger } from './log.ts';

/**
 * Process-level handlers for a serving gateway, installed by the CLI once it listens. Node ends
 * the process on an unhandled rejection or an uncaught exception; for a gateway that is every
 * client's requests and streams dropped because one request hit a bug (issue #11: a model name
 * with a newline did exactly that). Request handling already answers its own failures
 * (Pipeline.handle, writeError); what still escapes it — a plugin's stray promise or timer, a
 * bug — is logged with its stack and the gateway keeps serving. Start-up failures are not
 * covered: the CLI exits on them before this is installed.
 *
 * Returns a function that removes the handlers.
 */
export function installProcessGuard(log: Logger): () => void {
  const onRejection = (reason: unknown): void => {
    log.error({ err: reason }, 'unhandled promise rejection; still serving');
  };
  const onException = (err: Error, origin: string): void => {
    log.error({ err, origin }, 'uncaught exception; still serving');
  };
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
