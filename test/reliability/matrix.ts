import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { RunningGateway } from 'switchyard';
import { freePort } from '../helpers/cli.ts';
import { judge, leaked, send } from './client.ts';
import { startFaultServer, type FaultServer } from './fault-upstream.ts';
import { answerText, answering, expectedStatuses, faultsFor, notRetried, type Fault } from './faults.ts';
import {
  captureLog,
  cellGroup,
  cellGroups,
  chatBody,
  clientHeaders,
  eventually,
  handles,
  isHang,
  secretsInLog,
  startCellGateway,
  type LogCapture,
} from './harness.ts';
import { allSecrets, wires, type WireId } from './wires.ts';

/**
 * The fault matrix of one wire format: every fault × {non-stream, stream}, against an in-process
 * gateway whose model group `cell-<fault>` has one deployment on the fault upstream. Each cell
 * checks what the client got (a correct answer, an OpenAI envelope with a sensible status, or a
 * stream ending in an error event), that no provider key reached the answer or the log, that
 * the gateway serves the next request, and that no upstream call, timer or socket is left.
 */
export function defineMatrix(wireId: WireId): void {
  // Scoped, so several wire formats can share a file: each its own gateway, upstream and baseline.
  describe(`${wireId} wire format`, () => matrixOf(wireId));
}

function matrixOf(wireId: WireId): void {
  const wire = wires[wireId];
  let upstream: FaultServer;
  let gw: RunningGateway;
  let log: LogCapture;
  let closed = false;
  let baseline: ReturnType<typeof handles>;

  beforeAll(async () => {
    baseline = handles();
    log = captureLog();
    upstream = await startFaultServer(wire);
    // Nothing listens on it: the `refused` deployment's origin.
    const closedOrigin = `http://127.0.0.1:${await freePort()}`;
    gw = await startCellGateway(wireId, upstream.url, cellGroups(wireId, closedOrigin), log);
  });

  afterAll(async () => {
    if (closed) return;
    await gw?.close(100);
    await upstream?.close();
  });

  const ask = (fault: Fault, stream: boolean) =>
    send(`${gw.url}/v1/chat/completions`, chatBody(cellGroup(fault), stream), { headers: clientHeaders, limitMs: 12_000 });

  /**
   * One cell. `alone` cells run one at a time and also check that the cell's timers are gone and
   * the upstream holds few connections; the hang cells run side by side (each waits out its
   * timeouts), so they check only their own upstream calls, and the file's last test the rest.
   */
  async function cell(fault: Fault, stream: boolean, alone: boolean): Promise<void> {
    const mode = stream ? 'stream' : 'non-stream';
    const timersBefore = handles().timers;
    const logFrom = log.lines.length;
    const problems: string[] = [];

    const callsBefore = upstream.received.get(fault) ?? 0;
    const answer = await ask(fault, stream);
    const calls = (upstream.received.get(fault) ?? 0) - callsBefore;
    if (alone && notRetried.has(fault) && calls !== 1) problems.push(`the upstream was called ${calls} times; a refused key fails again on the same deployment`);
    let verdict;
    try {
      verdict = judge(answer, stream, answerText(fault));
    } catch (err) {
      problems.push(`answer: ${(err as Error).message}`);
    }
    if (verdict !== undefined) {
      if (answering.has(fault) && verdict.kind !== 'answer') {
        problems.push(`expected the correct answer, got ${verdict.kind}: ${JSON.stringify(verdict.error)}`);
      }
      if (!answering.has(fault) && verdict.kind === 'answer') problems.push('a faulty upstream answer was passed off as a correct one');
      if (verdict.kind === 'envelope') {
        if (!expectedStatuses[fault].includes(verdict.status)) {
          problems.push(`status ${verdict.status}, expected ${expectedStatuses[fault].join(' or ')}: ${JSON.stringify(verdict.error)}`);
        }
        if (verdict.status === 429 && answer.headers['retry-after'] === undefined) problems.push('a 429 without Retry-After');
      }
    }
    const inAnswer = leaked(answer, allSecrets);
    if (inAnswer.length > 0) problems.push(`provider secret(s) in the answer: ${inAnswer.join(', ')}`);

    // The gateway still serves.
    const next = await ask('ok', false);
    try {
      if (judge(next, false, answerText('ok')).kind !== 'answer') problems.push(`the next request failed: ${next.status} ${next.body.toString('utf8').slice(0, 300)}`);
    } catch (err) {
      problems.push(`the next request: ${(err as Error).message}`);
    }

    // Every upstream call let go of, every timer of the cell gone.
    if (!(await eventually(() => upstream.openResponses(fault) === 0))) problems.push(`${upstream.openResponses(fault)} upstream response(s) still open`);
    if (alone) {
      if (!(await eventually(() => handles().timers <= timersBefore))) problems.push(`timers: ${handles().timers} after the cell, ${timersBefore} before`);
      if (upstream.connections() > 4) problems.push(`${upstream.connections()} connections open on the upstream`);
    }

    const inLog = secretsInLog(log.lines.slice(logFrom), allSecrets);
    if (inLog.length > 0) problems.push(...inLog.map((l) => `log: ${l}`));

    expect(problems, `${wireId} ${mode} ${fault}`).toEqual([]);
  }

  for (const stream of [false, true]) {
    const mode = stream ? 'stream' : 'non-stream';
    describe(`${wireId} ${mode}`, () => {
      for (const fault of faultsFor(stream).filter((f) => !isHang(f))) test(`${wireId} ${mode} ${fault}`, () => cell(fault, stream, true));
    });
  }
  describe.concurrent(`${wireId} hangs`, () => {
    for (const stream of [false, true]) {
      const mode = stream ? 'stream' : 'non-stream';
      for (const fault of faultsFor(stream).filter(isHang)) test(`${wireId} ${mode} ${fault}`, () => cell(fault, stream, false));
    }
  });

  test(`${wireId}: no key in any log line, and nothing left once the gateway and upstream close`, async () => {
    closed = true;
    await gw.close(100);
    await upstream.close();
    expect(log.lines.length).toBeGreaterThan(0);
    expect(secretsInLog(log.lines, allSecrets)).toEqual([]);
    await eventually(() => {
      const now = handles();
      return now.sockets <= baseline.sockets && now.servers <= baseline.servers && now.timers <= baseline.timers;
    });
    const now = handles();
    expect({ sockets: Math.max(0, now.sockets - baseline.sockets), servers: Math.max(0, now.servers - baseline.servers), timers: Math.max(0, now.timers - baseline.timers) }).toEqual({
      sockets: 0,
      servers: 0,
      timers: 0,
    });
  });
}
