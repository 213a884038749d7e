import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import adminUi from '../../../plugins/admin-ui/index.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import keys from '../../../plugins/keys/index.ts';
import { hashKey, keyName } from '../../../plugins/keys/key-format.ts';
import { openKeysStore, type KeysStore, type SpendRow } from '../../../plugins/keys/store/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';
import { seedKeys } from '../../helpers/seed-keys.ts';

/** Debian's chromium (the `chromium` package); the suite's CI installs it when missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`admin-ui browser test SKIPPED: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/**
 * The README's screenshots are rewritten only when asked (`UPDATE_SCREENSHOTS=1`); otherwise they
 * go to a folder outside the repository, so a test run leaves the tree clean.
 */
const screenshots = process.env.UPDATE_SCREENSHOTS === '1' ? join(root, 'docs', 'screenshots') : join(tmpdir(), 'switchyard-screenshots');
const master = 'sk-master-browser-test-0123456789';
/** The keys seeded for the pagination test, on top of the 5 the other tests leave. */
const SEEDED = 10_000;
/** Days of seeded spend history, today included (the spend view shows the last 30). */
const HISTORY_DAYS = 30;

let upstream: MockServer;
let gw: RunningGateway;
let dataDir: string;
let store: KeysStore;
let browser: Browser;
let page: Page;
/** Every URL the page asked for, and the console errors it printed. */
const requested: string[] = [];
/** The plaintext of the key the tests create, as the page showed it (after regenerate: the new one). */
let ciBotKey = '';
const consoleErrors: string[] = [];

const client = (key: string) => new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: key, maxRetries: 0 });
const chat = (key: string, content = 'hi') => client(key).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content }] });
const adminCall = async (path: string, body?: unknown): Promise<Record<string, any>> => {
  const res = await fetch(`${gw.url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${master}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Record<string, any>;
};

/** Polls `check` until it passes (the spend writer flushes within a second); fails with its last error. */
async function eventually(check: () => Promise<void>, attempts = 40): Promise<void> {
  let last: unknown;
  for (let i = 0; i < attempts; i += 1) {
    try {
      await check();
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw last;
}

const form = () => page.getByRole('dialog');
const row = (selector: string) => page.locator('tbody tr', { has: page.locator(selector) });
const keyRow = (alias: string) => page.locator('tbody tr', { has: page.getByRole('cell', { name: alias, exact: true }) });
const goTo = async (view: string) => {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: view, exact: true }).click();
  await page.getByRole('heading', { level: 1, name: view }).waitFor();
};

/** A month of spend for the charts (the store's roll-ups), so the screenshot shows more than today. */
async function seedHistory(): Promise<void> {
  const keysUsed = [
    { alias: 'web-app', team: 'eng', model: 'gpt-4o', provider: 'openai', base: 6 },
    { alias: 'support-bot', team: 'eng', model: 'claude-3-5-sonnet', provider: 'anthropic', base: 4.5 },
    { alias: 'batch-jobs', team: 'research', model: 'gpt-4o-mini', provider: 'openai', base: 2 },
    { alias: 'analytics', team: 'research', model: 'o3-mini', provider: 'openai', base: 3 },
  ];
  const tokens = await Promise.all(
    keysUsed.map(async ({ alias, team }, i) => {
      const plaintext = `sk-history-${i}-${randomBytes(8).toString('hex')}`;
      return (await store.createKey({ token: hashKey(plaintext), key_name: keyName(plaintext), key_alias: alias, team_id: team })).token;
    }),
  );
  const rows: SpendRow[] = [];
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  for (let day = 0; day < HISTORY_DAYS; day += 1) {
    for (const [k, used] of keysUsed.entries()) {
      // A deterministic wave per key, weekdays busier than weekends, so the chart has shape.
      const weekday = new Date(today - day * 86_400_000).getUTCDay();
      const busy = weekday === 0 || weekday === 6 ? 0.45 : 1;
      const usd = (used.base + Math.sin((day + k * 4) / 4)) * busy;
      const start = today - day * 86_400_000 + 60_000 * (k + 1);
      rows.push({
        log_id: `hist-${day}-${k}`, request_id: `hist-${day}-${k}`, call_type: 'acompletion', api_key: tokens[k] as string, key_alias: used.alias,
        team_id: used.team, user: null, model: used.model, model_group: used.model, custom_llm_provider: used.provider, model_id: null,
        startTime: start, endTime: start + 900, completionStartTime: start + 300, request_duration_ms: 900, prompt_tokens: 1000,
        completion_tokens: 200, total_tokens: 1200, cache_read_input_tokens: 0, cache_creation_input_tokens: 0, reasoning_tokens: 0,
        spend: Math.round(usd * 1_000_000_000), cache_hit: false, status: 'success', status_code: 200, error_type: null, attempts: 1, metadata: {},
      });
    }
  }
  await store.recordSpend(rows);
}

describe.skipIf(!hasChromium)('admin page in headless Chromium', { timeout: 30_000 }, () => {
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sy-admin-browser-'));
    upstream = await startMockOpenAI();
    gw = await startTestGateway(
      defineConfig({
        plugins: [
          openai({ apiKey: mockOpenAIKey, baseURL: `${upstream.url}/v1` }),
          keys({ masterKey: master, dataDir }),
          modelRouting({}),
          orderedFallback({}),
          adminUi(),
        ],
        models: [
          { name: 'gpt-4o', deployments: [{ provider: 'openai', model: 'gpt-4o' }] },
          { name: 'gpt-4o-mini', deployments: [{ provider: 'openai', model: 'gpt-4o-mini' }] },
        ],
      }),
    );
    // A second handle on the gateway's SQLite file (WAL): seeds what the API would take long to.
    store = (await openKeysStore({ kind: 'sqlite', dataDir })).store;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
    const context = await browser.newContext({ viewport: { width: 1360, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(15_000);
    page.on('request', (r) => requested.push(r.url()));
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (err) => consoleErrors.push(String(err)));
    mkdirSync(screenshots, { recursive: true });
    console.info(`admin-ui browser test: screenshots in ${screenshots}`);
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    await store?.close();
    await gw?.close(1000);
    await upstream?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('sign in: a wrong key is refused; the master key opens the keys view and stays in sessionStorage only', async () => {
    await page.goto(`${gw.url}/ui`);
    await page.getByLabel('Master key').fill('sk-not-the-master');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'That key was not accepted.' }).waitFor();
    // The refused sign-in's 401 is the one error the browser may print.
    expect(consoleErrors.filter((e) => !e.includes('401'))).toEqual([]);
    consoleErrors.length = 0;
    await page.getByLabel('Master key').fill(master);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('switchyard.masterKey')")).toBe(master);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Keys' }).waitFor();
  });

  test('create a team, then a key in it: the plaintext shown once works for the SDK and is gone after a reload', async () => {
    await goTo('Teams');
    await page.getByRole('button', { name: 'New team' }).click();
    await form().getByLabel('Team id', { exact: true }).fill('eng');
    await form().getByLabel('Name', { exact: true }).fill('Engineering');
    await form().getByLabel('Budget (USD)', { exact: true }).fill('500');
    await page.getByRole('button', { name: 'Create team' }).click();
    await page.getByRole('status').filter({ hasText: 'Team Engineering created.' }).waitFor();
    expect(await row('code:text-is("eng")').locator('td').nth(0).textContent()).toBe('Engineering');
    await adminCall('/team/new', { team_id: 'research', team_alias: 'Research' });

    await goTo('Keys');
    await page.getByRole('button', { name: 'New key' }).click();
    await form().getByLabel('Alias', { exact: true }).fill('ci-bot');
    await form().getByLabel('Team', { exact: true }).fill('eng');
    await form().getByLabel('Requests per minute', { exact: true }).fill('100');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = await page.getByTestId('new-key').inputValue();
    expect(shown).toMatch(/^sk-[A-Za-z0-9_-]{43}$/);
    // isVisible() does not wait: the dialog opens in an effect after the input exists.
    await page.getByRole('dialog').getByRole('button', { name: 'Copy key' }).waitFor({ state: 'visible' });
    expect((await chat(shown)).choices[0]?.message.content).toBe('echo: hi');
    await page.getByRole('button', { name: 'Done' }).click();
    await keyRow('ci-bot').waitFor();
    expect(await keyRow('ci-bot').locator('td').nth(2).textContent()).toBe('eng');
    expect(await page.content()).not.toContain(shown);
    await page.reload();
    await keyRow('ci-bot').waitFor();
    expect(await page.content()).not.toContain(shown);
    ciBotKey = shown;
  });

  test('search by alias, edit a limit, block (the SDK is refused), unblock, regenerate, delete', async () => {
    let key = ciBotKey;
    await adminCall('/key/generate', { key_alias: 'other-bot' });
    await page.reload();
    await keyRow('other-bot').waitFor();
    await page.getByLabel('Search by alias').fill('ci-');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('pager-status').filter({ hasText: 'Page 1 of 1 · 1 keys' }).waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    expect(requested.some((u) => u.includes('/key/list') && u.includes('key_alias=ci-'))).toBe(true);

    await page.getByRole('button', { name: 'Edit key ci-bot' }).click();
    expect(await form().getByLabel('Requests per minute', { exact: true }).inputValue()).toBe('100');
    await form().getByLabel('Requests per minute', { exact: true }).fill('7');
    await form().getByLabel('Tokens per minute', { exact: true }).fill('5000');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Key ci-bot saved.' }).waitFor();
    // The list reloads after the notice: wait for the new value rather than read the old one.
    await keyRow('ci-bot').locator('td:nth-child(5)', { hasText: /^7$/ }).waitFor();
    const token = await keyRow('ci-bot').getAttribute('data-token');
    const info = await adminCall(`/key/info?key=${token}`);
    expect([info.info.rpm_limit, info.info.tpm_limit, info.info.team_id]).toEqual([7, 5000, 'eng']);

    await page.getByRole('button', { name: 'Block key ci-bot' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Block' }).click();
    await keyRow('ci-bot').getByText('Blocked').waitFor();
    await expect(chat(key)).rejects.toMatchObject({ status: 403, code: 'key_blocked' });
    await page.getByRole('button', { name: 'Unblock key ci-bot' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Unblock' }).click();
    await keyRow('ci-bot').getByText('Active').waitFor();
    expect((await chat(key, 'back')).choices[0]?.message.content).toBe('echo: back');

    await page.getByRole('button', { name: 'Regenerate key ci-bot' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Regenerate' }).click();
    const renewed = await page.getByTestId('new-key').inputValue();
    expect(renewed).toMatch(/^sk-/);
    expect(renewed).not.toBe(key);
    await expect(chat(key)).rejects.toMatchObject({ status: 401 });
    expect((await chat(renewed, 'renewed')).choices[0]?.message.content).toBe('echo: renewed');
    await page.getByRole('button', { name: 'Done' }).click();
    key = renewed;
    ciBotKey = key;

    // Traffic for the spend views: the key, and the master key.
    for (let i = 0; i < 3; i += 1) await chat(key, `traffic ${i}`);
    await chat(master, 'from the master key');

    await page.getByRole('button', { name: 'Delete key ci-bot' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Key ci-bot deleted.' }).waitFor();
    await page.getByText('No key alias contains “ci-”.').waitFor();
    await expect(chat(key)).rejects.toMatchObject({ status: 401 });
  });

  test('recent requests list the calls; the spend view draws a chart from the daily roll-ups', async () => {
    await goTo('Recent requests');
    await eventually(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      await page.locator('tbody tr td').first().waitFor();
      // 1 first call + 1 after unblock + 1 renewed + 3 traffic = 6 by ci-bot; 1 by the master key.
      expect(await page.locator('tbody tr', { hasText: 'ci-bot' }).count()).toBe(6);
      expect(await page.locator('tbody tr', { hasText: 'master key' }).count()).toBe(1);
      // Blocked (403), the old key after regenerate (401), the deleted key (401): refused before a key was known.
      expect(await page.locator('tbody tr', { hasText: 'refused key' }).count()).toBe(3);
    });
    expect(await page.locator('tbody tr', { hasText: 'ci-bot' }).first().locator('td').nth(3).textContent()).toBe('gpt-4o');
    expect(await page.getByTestId('pager-status').textContent()).toContain('10 requests');

    await seedHistory();
    await goTo('Spend');
    for (const by of ['model', 'key', 'team']) {
      const canvas = page.getByTestId(`spend-${by}`).locator('canvas');
      await canvas.waitFor();
      const box = await canvas.boundingBox();
      expect(box?.width).toBeGreaterThan(300);
      expect(box?.height).toBeGreaterThan(100);
    }
    // 10 calls today (3 of them refused) + 4 keys × 30 days of history.
    expect(await page.getByTestId('spend-model').locator('header').textContent()).toContain(`over ${10 + 4 * HISTORY_DAYS} requests`);
    // ci-bot's spend before it was regenerated and after (that key deleted since): two old hashes
    // with one alias, told apart in the legend by the start of their hashes.
    const keyLegend = (await page.getByTestId('spend-key').locator('.u-legend').textContent()) ?? '';
    const oldKeys = [...keyLegend.matchAll(/ci-bot \(old key\) · ([0-9a-f]{6})/g)].map((m) => m[1]);
    expect(oldKeys).toHaveLength(2);
    expect(new Set(oldKeys).size).toBe(2);
    expect(keyLegend).toContain('web-app');
    // The refused calls (no model read) cost nothing: counted above, but no flat line at $0.
    expect(await page.getByTestId('spend-model').locator('.u-legend').textContent()).not.toContain('(no model)');
    expect(await page.getByTestId('spend-team').locator('.u-legend').textContent()).toContain('Engineering');
    await page.screenshot({ path: join(screenshots, 'admin-spend.png'), fullPage: true });
  });

  test(`${SEEDED.toLocaleString('en-US')} seeded keys: server-side pages (first, next, last), total count, search finds one key`, async () => {
    // Older than every key the tests made, newest first: service-10000 right after those 5 keys.
    const oldest = Date.now() - 86_400_000;
    const seeded = Array.from({ length: SEEDED }, (_, i) => {
      const plaintext = `sk-seeded-${i}-${randomBytes(12).toString('hex')}`;
      return {
        token: hashKey(plaintext), key_name: keyName(plaintext), key_alias: `service-${String(i + 1).padStart(5, '0')}`,
        team_id: i % 3 === 0 ? 'eng' : i % 3 === 1 ? 'research' : null,
        rpm_limit: i % 4 === 0 ? null : 60 * ((i % 5) + 1), tpm_limit: i % 2 === 0 ? 100_000 : null,
        max_budget: i % 3 === 2 ? null : 25 * 1_000_000_000 * ((i % 4) + 1), blocked: i % 17 === 5,
        models: i % 6 === 0 ? ['gpt-4o-mini'] : [], created_at: oldest + i * 1000,
      };
    });
    await seedKeys(dataDir, seeded);
    const listed = await adminCall('/key/list?page=1&size=1');
    // other-bot and the 4 keys of the spend history are there too.
    const total = SEEDED + 5;
    expect(listed.total_count).toBe(total);
    const aliases = () => page.locator('tbody tr td:first-child').allTextContents();
    const status = (text: string) => page.getByTestId('pager-status').filter({ hasText: text }).waitFor();

    // Back to the view: a fresh list, no search.
    await goTo('Keys');
    await status(`Page 1 of ${Math.ceil(total / 25)} · 10,005 keys`);
    const first = await aliases();
    expect(first).toHaveLength(25);
    expect(first.slice(5)).toEqual(Array.from({ length: 20 }, (_, i) => `service-${String(SEEDED - i).padStart(5, '0')}`));
    await page.screenshot({ path: join(screenshots, 'admin-keys.png'), fullPage: true });
    await page.getByRole('button', { name: 'Next page' }).click();
    await status(`Page 2 of ${Math.ceil(total / 25)} · 10,005 keys`);
    expect((await aliases())[0]).toBe('service-09980');
    await page.getByRole('button', { name: 'Last page' }).click();
    await status(`Page ${Math.ceil(total / 25)} of ${Math.ceil(total / 25)}`);
    // The oldest five, from the server's last page.
    expect(await aliases()).toEqual(['service-00005', 'service-00004', 'service-00003', 'service-00002', 'service-00001']);
    expect(await page.getByRole('button', { name: 'Next page' }).isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'First page' }).click();
    await status(`Page 1 of ${Math.ceil(total / 25)}`);

    await page.getByLabel('Per page').selectOption('100');
    await status(`Page 1 of ${Math.ceil(total / 100)} · 10,005 keys`);
    expect(await page.locator('tbody tr').count()).toBe(100);

    // One key among 10,005, found by the server: the real row, its hash and limits.
    const wanted = seeded[7341] as (typeof seeded)[number];
    await page.getByLabel('Search by alias').fill('service-07342');
    await page.getByRole('button', { name: 'Search' }).click();
    await status('Page 1 of 1 · 1 keys');
    expect(await aliases()).toEqual(['service-07342']);
    expect(await keyRow('service-07342').getAttribute('data-token')).toBe(wanted.token);
    expect(await keyRow('service-07342').locator('td').nth(1).textContent()).toBe(wanted.key_name);
    expect(await keyRow('service-07342').locator('td').nth(4).textContent()).toBe(String(wanted.rpm_limit));
    // A wider search: service-01100 … service-01199, one page of 100.
    await page.getByLabel('Search by alias').fill('service-011');
    await page.getByRole('button', { name: 'Search' }).click();
    await status('Page 1 of 1 · 100 keys');

    const lists = requested.filter((u) => u.includes('/key/list')).map((u) => new URL(u).searchParams);
    expect(lists.some((q) => q.get('key_alias') === 'service-07342' && q.get('page') === '1')).toBe(true);
    expect(lists.some((q) => q.get('page') === String(Math.ceil(total / 25)) && q.get('size') === '25')).toBe(true);
    // Never more than a page in the browser.
    expect(Math.max(...lists.map((q) => Number(q.get('size'))))).toBeLessThanOrEqual(100);
  });

  test('teams, recent requests and health views, screenshots; no secret in any URL, no console error', async () => {
    await goTo('Teams');
    await row('code:text-is("research")').waitFor();
    await page.screenshot({ path: join(screenshots, 'admin-teams.png') });
    await goTo('Recent requests');
    await page.locator('tbody tr td').first().waitFor();
    await page.screenshot({ path: join(screenshots, 'admin-requests.png') });
    await goTo('Health');
    await page.getByTestId('readiness').filter({ hasText: 'ok' }).waitFor();
    await page.locator('tbody tr', { hasText: 'gpt-4o#0' }).getByText('up').waitFor();
    expect(await page.locator('.chart canvas').count()).toBe(1);
    await page.screenshot({ path: join(screenshots, 'admin-health.png') });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Master key').waitFor();
    expect(await page.evaluate("sessionStorage.getItem('switchyard.masterKey')")).toBeNull();

    const key = ciBotKey;
    for (const url of requested) {
      expect(url).not.toContain(master);
      expect(url).not.toContain(key);
      expect(url).not.toMatch(/sk-[A-Za-z0-9_-]{20,}/);
    }
    expect(consoleErrors).toEqual([]);
  });
});
