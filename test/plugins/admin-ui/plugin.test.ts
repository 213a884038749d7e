import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { defineConfig, type RunningGateway } from 'switchyard';
import adminUi, { vendorFiles } from '../../../plugins/admin-ui/index.ts';
import { staticDir } from '../../../plugins/admin-ui/assets.ts';
import orderedFallback from '../../../plugins/fallback/ordered/index.ts';
import keys from '../../../plugins/keys/index.ts';
import openai from '../../../plugins/providers/openai/index.ts';
import modelRouting from '../../../plugins/routing/models/index.ts';
import { startTestGateway } from '../../helpers/gateway.ts';
import { mockOpenAIKey, startMockOpenAI } from '../../helpers/mock-upstream/openai.ts';
import type { MockServer } from '../../helpers/mock-upstream/server.ts';

const master = 'sk-master-admin-ui-0123456789';
let upstream: MockServer;
let gw: RunningGateway;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sy-admin-ui-'));
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
        { name: 'smart', deployments: [{ provider: 'openai', model: 'gpt-4o' }, { provider: 'openai', model: 'gpt-4o-mini' }] },
      ],
    }),
  );
});
afterAll(async () => {
  await gw.close(1000);
  await upstream.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const get = (path: string, key?: string) => fetch(`${gw.url}${path}`, key === undefined ? {} : { headers: { authorization: `Bearer ${key}` } });
const importMapSha = (html: string): string =>
  createHash('sha256').update(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1] as string).digest('base64');

describe('admin-ui: the static files', () => {
  test('GET /ui and /ui/ need no key and answer the page with a strict CSP, DENY framing and no caching without revalidation', async () => {
    for (const path of ['/ui', '/ui/', '/ui/index.html']) {
      const res = await get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = await res.text();
      expect(html).toBe(readFileSync(join(staticDir, 'index.html'), 'utf8'));
      const csp = res.headers.get('content-security-policy');
      expect(csp).toBe(
        `default-src 'none'; script-src 'self' 'sha256-${importMapSha(html)}'; style-src 'self'; img-src 'self' data:; ` +
          "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
      );
      expect(csp).not.toContain('unsafe');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  test('the page has no inline script but the import map, which maps preact, htm and uplot to the vendor files', async () => {
    const html = await (await get('/ui')).text();
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((m) => m[1])).toEqual([' type="importmap"', ' type="module" src="/ui/app.js"']);
    expect(scripts[1]?.[2]).toBe('');
    expect(JSON.parse(scripts[0]?.[2] as string)).toEqual({
      imports: { preact: '/ui/vendor/preact.js', 'preact/hooks': '/ui/vendor/preact-hooks.js', htm: '/ui/vendor/htm.js', uplot: '/ui/vendor/uplot.js' },
    });
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  test('own files with their types, revalidated; vendor files from node_modules, cached for a day', async () => {
    const own: [string, string][] = [
      ['/ui/app.js', 'text/javascript; charset=utf-8'],
      ['/ui/api.js', 'text/javascript; charset=utf-8'],
      ['/ui/styles.css', 'text/css; charset=utf-8'],
      ['/ui/favicon.svg', 'image/svg+xml'],
    ];
    for (const [path, type] of own) {
      const res = await get(path);
      expect([path, res.status, res.headers.get('content-type'), res.headers.get('cache-control')]).toEqual([path, 200, type, 'no-cache']);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toBe(readFileSync(join(staticDir, path.slice('/ui/'.length)), 'utf8'));
    }
    for (const [name, file] of Object.entries(vendorFiles)) {
      const res = await get(`/ui/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe(name.endsWith('.css') ? 'text/css; charset=utf-8' : 'text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('public, max-age=86400');
      expect(await res.text()).toBe(readFileSync(file, 'utf8'));
    }
    expect(vendorFiles['vendor/preact.js']).toMatch(/node_modules[\\/]preact[\\/]dist[\\/]preact\.module\.js$/);
  });

  test('unknown files and paths out of the folder are 404, never read from disk', async () => {
    for (const path of ['/ui/nope.js', '/ui/../package.json', '/ui/%2e%2e/package.json', '/ui/vendor/../../plugin.ts', '/ui/plugin.ts', '/ui/static/app.js']) {
      const res = await get(path);
      expect([path, res.status]).toEqual([path, 404]);
      await res.body?.cancel();
    }
  });

  test('the master key is never needed, nor looked at, for a file', async () => {
    expect((await get('/ui/app.js', 'sk-wrong')).status).toBe(200);
  });
});

describe('admin-ui: GET /ui/api/health', () => {
  test('master key only: none or a wrong one 401, a virtual key 403 admin_only', async () => {
    expect((await get('/ui/api/health')).status).toBe(401);
    expect((await get('/ui/api/health', 'sk-wrong')).status).toBe(401);
    const created = await fetch(`${gw.url}/key/generate`, { method: 'POST', headers: { authorization: `Bearer ${master}` }, body: '{}' });
    const { key } = (await created.json()) as { key: string };
    const res = await get('/ui/api/health', key);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('admin_only');
  });

  test('every configured deployment with its circuit, and the model calls this instance answered', async () => {
    const client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: master, maxRetries: 0 });
    const before = (await (await get('/ui/api/health', master)).json()) as { requests: { total: number; failed_total: number } };
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
    await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'again' }] });
    await expect(client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({ status: 404 });
    const res = await get('/ui/api/health', master);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as Record<string, any>;
    expect(body.state).toBe('memory');
    expect(body.requests.total - before.requests.total).toBe(3);
    expect(body.requests.failed_total - before.requests.failed_total).toBe(1);
    expect(body.requests.per_second).toHaveLength(60);
    expect(body.deployments.map((d: Record<string, unknown>) => [d.id, d.provider, d.model, d.state, d.until, d.reason, d.attempts_last_minute])).toEqual([
      ['gpt-4o#0', 'openai', 'gpt-4o', 'closed', null, null, 2],
      ['smart#0', 'openai', 'gpt-4o', 'closed', null, null, 0],
      ['smart#1', 'openai', 'gpt-4o-mini', 'closed', null, null, 0],
    ]);
    expect(body.other_cooldowns).toEqual([]);
  });
});
