import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * What the worker runs: its own connection to the file, checkpointing the WAL into the database
 * every `intervalMs`. PASSIVE never waits for the gateway's connection and never blocks it: it
 * copies what it can, and the WAL is rewound by the next write once everything is copied.
 * CommonJS source for `eval` (a file of ours would be .ts under tsx and .js when compiled).
 */
const source = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (err) { parentPort.postMessage({ failed: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export interface CheckpointerOptions {
  readonly file: string;
  readonly intervalMs?: number;
  /** The worker could not start or its checkpoints fail: the caller checkpoints inline again. */
  readonly onFailure: (reason: string) => void;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. A checkpoint copies the WAL's pages into the
 * database file and fsyncs it; run by the connection that commits (SQLite's default, every 1000
 * pages) it stalled the gateway's loop for 15–25 ms every few batches of spend rows. The gateway's
 * connection sets `wal_autocheckpoint = 0` and this worker thread checkpoints on its own
 * connection instead.
 */
export class Checkpointer {
  readonly #worker: Worker;
  #closed = false;

  constructor(options: CheckpointerOptions) {
    const module = createRequire(import.meta.url).resolve('better-sqlite3');
    this.#worker = new Worker(source, { eval: true, workerData: { file: options.file, module, intervalMs: options.intervalMs ?? 1000 } });
    // A forgotten close never keeps the process alive.
    this.#worker.unref();
    let failed = false;
    const fail = (reason: string): void => {
      if (failed || this.#closed) return;
      failed = true;
      options.onFailure(reason);
    };
    this.#worker.on('error', (err: Error) => fail(err.message));
    this.#worker.on('message', (m: { failed?: string }) => m.failed !== undefined && fail(m.failed));
  }

  /** Stops the worker and closes its connection; resolves once the thread has exited. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    this.#worker.postMessage('close');
    // A worker still starting (or stuck in a checkpoint) is stopped after a grace period.
    const timer = setTimeout(() => void this.#worker.terminate(), 2_000);
    await exited;
    clearTimeout(timer);
  }
}
