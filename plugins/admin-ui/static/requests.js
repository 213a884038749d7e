// Recent requests: /spend/logs/v2 one page at a time, newest first, with its filters.
import { useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';
import { count, dateTime, duration, usd } from './format.js';
import { ErrorLine, Pager, useLoad } from './ui.js';

const PAGE_SIZE = 50;
const STATUSES = ['', 'success', 'failure', 'aborted'];

/**
 * Who made a row without a key hash: the master key, or a call refused before its key was known
 * (a wrong, blocked or deleted key: 401 / 403 from auth).
 */
const callerOf = (r) => (r.status_code === 401 || r.status_code === 403 ? 'refused key' : 'master key');

export function RequestsView() {
  const [page, setPage] = useState(1);
  const [draft, setDraft] = useState({ key_alias: '', model: '', status: '' });
  const [filter, setFilter] = useState(draft);
  const logs = useLoad(() => api('/spend/logs/v2', { query: { page, page_size: PAGE_SIZE, ...filter } }), [page, filter]);
  const apply = (event) => {
    event.preventDefault();
    setPage(1);
    setFilter({ ...draft });
  };
  const data = logs.data;
  return html`
    <section aria-labelledby="requests-title">
      <div class="view-head">
        <h1 id="requests-title">Recent requests</h1>
        <button type="button" class="secondary" onClick=${logs.reload}>Refresh</button>
      </div>
      <form class="toolbar" role="search" onSubmit=${apply}>
        <label for="req-alias">Key alias</label>
        <input id="req-alias" value=${draft.key_alias} onInput=${(e) => setDraft({ ...draft, key_alias: e.currentTarget.value })} />
        <label for="req-model">Model</label>
        <input id="req-model" value=${draft.model} onInput=${(e) => setDraft({ ...draft, model: e.currentTarget.value })} />
        <label for="req-status">Status</label>
        <select id="req-status" value=${draft.status} onChange=${(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
          ${STATUSES.map((s) => html`<option value=${s} key=${s}>${s === '' ? 'any' : s}</option>`)}
        </select>
        <button type="submit" class="secondary">Filter</button>
      </form>
      <${ErrorLine} error=${logs.error} />
      <div class="table-wrap" aria-busy=${logs.loading}>
        <table>
          <thead>
            <tr>
              <th scope="col">Time</th><th scope="col">Key</th><th scope="col">Team</th><th scope="col">Model</th><th scope="col">Provider</th>
              <th scope="col">Status</th><th scope="col" class="num">Tokens in</th><th scope="col" class="num">Tokens out</th>
              <th scope="col" class="num">Spend</th><th scope="col" class="num">Duration</th><th scope="col">Request id</th>
            </tr>
          </thead>
          <tbody>
            ${data?.data.map(
              // A client may repeat its x-request-id: the position keeps two such rows apart.
              (r, i) => html`
                <tr key=${`${i}:${r.request_id}`}>
                  <td>${dateTime(r.startTime)}</td>
                  <td>${r.key_alias ?? (r.api_key === null ? html`<span class="muted">${callerOf(r)}</span>` : html`<code>${r.api_key.slice(0, 8)}</code>`)}</td>
                  <td>${r.team_id ?? html`<span class="muted">—</span>`}</td>
                  <td>${r.model || html`<span class="muted">—</span>`}</td>
                  <td>${r.custom_llm_provider ?? '—'}</td>
                  <td><span class=${`badge ${r.status === 'success' ? 'ok' : 'bad'}`}>${r.status}${r.status_code ? ` ${r.status_code}` : ''}</span></td>
                  <td class="num">${count(r.prompt_tokens)}</td>
                  <td class="num">${count(r.completion_tokens)}</td>
                  <td class="num">${usd(r.spend)}</td>
                  <td class="num">${duration(r.request_duration_ms)}</td>
                  <td><code class="small" title=${r.request_id}>${r.request_id.length > 13 ? `${r.request_id.slice(0, 13)}…` : r.request_id}</code></td>
                </tr>
              `,
            )}
            ${data && data.data.length === 0 ? html`<tr><td colspan="11" class="empty">No requests match.</td></tr>` : null}
          </tbody>
        </table>
      </div>
      ${data ? html`<${Pager} page=${data.page} totalPages=${data.total_pages} total=${data.total} noun="requests" onPage=${setPage} />` : null}
    </section>
  `;
}
