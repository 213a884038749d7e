// Health: readiness (plugins, providers, backends), each deployment's circuit (cooling, down) and
// the live request rate, polled every few seconds while the view is open.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, describeError } from './api.js';
import { count, dateTime } from './format.js';
import { Chart } from './chart.js';
import { ErrorLine } from './ui.js';

const POLL_MS = 3000;
const stateLabel = { closed: 'up', open: 'cooling down', 'half-open': 'probing' };
const stateClass = { closed: 'ok', open: 'bad', 'half-open': 'warn' };
const statusClass = { ok: 'ok', degraded: 'warn', down: 'bad', shutting_down: 'warn' };

function usePoll() {
  const [state, setState] = useState({ readiness: null, health: null, error: null });
  useEffect(() => {
    let live = true;
    const poll = async () => {
      try {
        // Readiness needs no key (load balancers call it); the health route needs the master key.
        const [readiness, health] = await Promise.all([
          fetch('/health/readiness', { cache: 'no-store' }).then((r) => r.json()),
          api('/ui/api/health'),
        ]);
        if (live) setState({ readiness, health, error: null });
      } catch (err) {
        if (live) setState((s) => ({ ...s, error: describeError(err) }));
      }
    };
    poll();
    const timer = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, []);
  return state;
}

export function HealthView() {
  const { readiness, health, error } = usePoll();
  const rate = useMemo(() => {
    if (!health) return null;
    const now = Math.floor(Date.parse(health.at) / 1000);
    const xs = health.requests.per_second.map((_, i) => now - health.requests.per_second.length + i);
    return { xs, series: [{ label: 'requests per second', values: health.requests.per_second, total: health.requests.last_minute }] };
  }, [health]);
  return html`
    <section aria-labelledby="health-title">
      <div class="view-head">
        <h1 id="health-title">Health</h1>
        ${readiness ? html`<span class=${`badge big ${statusClass[readiness.status] ?? 'warn'}`} data-testid="readiness">${readiness.status}</span>` : null}
      </div>
      <${ErrorLine} error=${error} />
      ${health
        ? html`
            <div class="stats">
              <div class="stat"><span class="stat-value" data-testid="rate-minute">${count(health.requests.last_minute)}</span><span class="stat-label">requests, last minute</span></div>
              <div class="stat"><span class="stat-value">${count(health.requests.failed_last_minute)}</span><span class="stat-label">failed, last minute</span></div>
              <div class="stat"><span class="stat-value">${count(health.requests.total)}</span><span class="stat-label">requests since start</span></div>
              <div class="stat"><span class="stat-value">${health.deployments.filter((d) => d.state !== 'closed').length + health.other_cooldowns.length}</span><span class="stat-label">deployments cooling down</span></div>
            </div>
            <article class="card">
              <header class="card-head"><h2>Requests per second (this instance, last minute)</h2></header>
              <${Chart} label="Requests per second over the last minute" xs=${rate.xs} series=${rate.series} format=${(v) => String(Math.round(v))} integer xLabel="Second" xValue=${(v) => new Date(v * 1000).toLocaleTimeString()} height=${160} bars />
            </article>
            <article class="card">
              <header class="card-head"><h2>Deployments</h2><span class="muted">cooldowns from ${health.state} state</span></header>
              <div class="table-wrap">
                <table>
                  <thead><tr><th scope="col">Deployment</th><th scope="col">Provider</th><th scope="col">Model</th><th scope="col">State</th><th scope="col">Until</th><th scope="col">Reason</th><th scope="col" class="num">In flight</th><th scope="col" class="num">Calls, last min</th><th scope="col" class="num">Failed, last min</th></tr></thead>
                  <tbody>
                    ${health.deployments.map(
                      (d) => html`<tr key=${d.id}>
                        <td><code>${d.id}</code></td><td>${d.provider}</td><td>${d.model}</td>
                        <td><span class=${`badge ${stateClass[d.state]}`}>${stateLabel[d.state]}</span></td>
                        <td>${dateTime(d.until)}</td><td>${d.reason ?? '—'}</td>
                        <td class="num">${count(d.in_flight)}</td><td class="num">${count(d.attempts_last_minute)}</td><td class="num">${count(d.failed_last_minute)}</td>
                      </tr>`,
                    )}
                    ${health.other_cooldowns.map(
                      (c) => html`<tr key=${c.id}>
                        <td><code>${c.id}</code></td><td colspan="2" class="muted">not in the config</td>
                        <td><span class=${`badge ${stateClass[c.state]}`}>${stateLabel[c.state]}</span></td>
                        <td>${dateTime(c.until)}</td><td>${c.reason}</td><td class="num">—</td><td class="num">—</td><td class="num">—</td>
                      </tr>`,
                    )}
                    ${health.deployments.length + health.other_cooldowns.length === 0 ? html`<tr><td colspan="9" class="empty">No model groups in the config (provider/model names are routed directly).</td></tr>` : null}
                  </tbody>
                </table>
              </div>
            </article>
          `
        : null}
      ${readiness
        ? html`
            <article class="card">
              <header class="card-head"><h2>Readiness</h2></header>
              <dl class="facts">
                <dt>Providers</dt><dd>${readiness.providers.join(', ') || '—'}</dd>
                <dt>Plugins</dt><dd>${readiness.plugins.join(', ')}</dd>
                ${Object.entries(readiness.checks ?? {}).map(
                  ([name, check]) => html`<dt key=${`${name}-t`}>${name}</dt><dd key=${`${name}-d`}><span class=${`badge ${statusClass[check.status] ?? 'warn'}`}>${check.status}</span> ${check.detail ? html`<code class="small">${JSON.stringify(check.detail)}</code>` : ''}</dd>`,
                )}
              </dl>
            </article>
          `
        : null}
    </section>
  `;
}
