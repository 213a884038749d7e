import type { ServerResponse } from 'node:http';
import { serverShuttingDown } from '../errors.ts';
import { writeError } from './respond.ts';

/**
 * A model call that arrives while draining: answered at once with the 503 envelope, and the
 * connection closed so the client's next attempt goes to another instance. Its body is not read.
 */
export function refuseWhileDraining(res: ServerResponse, requestId: string): void {
  res.shouldKeepAlive = false;
  writeError(undefined, res, serverShuttingDown(), requestId);
}
