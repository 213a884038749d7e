import { expect, test } from 'vitest';
import { clearDeadline, withDeadline } from '../../../core/http/upstream.ts';

test('no deadline: the client signal itself', () => {
  const client = new AbortController().signal;
  expect(withDeadline(client, undefined)).toBe(client);
});

test('the deadline aborts with a TimeoutError; a client abort passes its reason through', async () => {
  const timed = withDeadline(new AbortController().signal, 20);
  await new Promise((r) => setTimeout(r, 60));
  expect(timed.aborted).toBe(true);
  expect((timed.reason as Error).name).toBe('TimeoutError');

  const client = new AbortController();
  const bounded = withDeadline(client.signal, 10_000);
  client.abort(new Error('client left'));
  expect((bounded.reason as Error).message).toBe('client left');
  clearDeadline(bounded);
});

test('clearDeadline stops the timer and unhooks the client signal', async () => {
  const client = new AbortController();
  const bounded = withDeadline(client.signal, 20);
  clearDeadline(bounded);
  await new Promise((r) => setTimeout(r, 60));
  expect(bounded.aborted).toBe(false);
  client.abort();
  expect(bounded.aborted).toBe(false);
});
