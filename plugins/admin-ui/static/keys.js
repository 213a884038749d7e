// Keys: the server-paginated list (never more than one page in the browser), search by alias,
// create (the plaintext shown once), edit limits, block / unblock, regenerate, delete.
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';
import { dateTime, limit, usd } from './format.js';
import { limitFields } from './fields.js';
import { RecordForm } from './record-form.js';
import { Confirm, ErrorLine, Pager, SecretBox, useLoad } from './ui.js';

const SIZES = [10, 25, 50, 100];

const keyFields = [
  { name: 'key_alias', label: 'Alias', placeholder: 'ci-bot', hint: 'A unique name to find the key by' },
  { name: 'team_id', label: 'Team', placeholder: 'team id', list: 'team-options', hint: 'Empty = no team' },
  ...limitFields,
];
const createFields = [...keyFields, { name: 'duration', label: 'Expires after', placeholder: '90d', hint: 'Empty = never expires' }];

const keyName = (k) => k.key_alias ?? k.key_name;

/** The first page of teams, for the team field's suggestions (never the whole table). */
function useTeamOptions(open) {
  const [options, setOptions] = useState([]);
  useEffect(() => {
    if (!open) return;
    api('/team/list', { query: { page: 1, size: 100 } }).then(
      (teams) => setOptions(teams.map((t) => ({ value: t.team_id, label: t.team_alias ?? t.team_id }))),
      () => setOptions([]),
    );
  }, [open]);
  return options;
}

export function KeysView() {
  const [page, setPage] = useState(1);
  const [size, setSize] = useState(25);
  const [draft, setDraft] = useState('');
  const [alias, setAlias] = useState('');
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  const list = useLoad(
    () => api('/key/list', { query: { page, size, key_alias: alias, return_full_object: 'true' } }),
    [page, size, alias],
  );
  const teamOptions = useTeamOptions(dialog?.kind === 'create' || dialog?.kind === 'edit');
  const close = () => setDialog(null);
  const done = (message) => {
    setDialog(null);
    setNotice(message);
    list.reload();
  };

  const search = (event) => {
    event.preventDefault();
    setPage(1);
    setAlias(draft.trim());
  };
  const data = list.data;

  return html`
    <section aria-labelledby="keys-title">
      <div class="view-head">
        <h1 id="keys-title">Keys</h1>
        <button type="button" onClick=${() => setDialog({ kind: 'create' })}>New key</button>
      </div>
      <form class="toolbar" role="search" onSubmit=${search}>
        <label for="key-search">Search by alias</label>
        <input id="key-search" type="search" value=${draft} placeholder="alias contains…" onInput=${(e) => setDraft(e.currentTarget.value)} />
        <button type="submit" class="secondary">Search</button>
        ${alias ? html`<button type="button" class="link" onClick=${() => { setDraft(''); setAlias(''); setPage(1); }}>Clear</button>` : null}
        <span class="spacer"></span>
        <label for="key-page-size">Per page</label>
        <select id="key-page-size" value=${size} onChange=${(e) => { setSize(Number(e.currentTarget.value)); setPage(1); }}>
          ${SIZES.map((s) => html`<option value=${s} key=${s}>${s}</option>`)}
        </select>
      </form>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <${ErrorLine} error=${list.error} />
      <div class="table-wrap" aria-busy=${list.loading}>
        <table>
          <thead>
            <tr>
              <th scope="col">Alias</th><th scope="col">Key</th><th scope="col">Team</th><th scope="col">Spend / budget</th>
              <th scope="col">rpm</th><th scope="col">tpm</th><th scope="col">Parallel</th><th scope="col">Models</th>
              <th scope="col">Status</th><th scope="col">Last active</th><th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${data?.keys.map((k) => html`<${KeyRow} key=${k.token_id} k=${k} onAction=${(kind) => setDialog({ kind, key: k })} />`)}
            ${data && data.keys.length === 0
              ? html`<tr><td colspan="11" class="empty">${alias ? `No key alias contains “${alias}”.` : 'No keys yet.'}</td></tr>`
              : null}
          </tbody>
        </table>
      </div>
      ${data ? html`<${Pager} page=${data.current_page} totalPages=${data.total_pages} total=${data.total_count} noun="keys" onPage=${setPage} />` : null}
      ${dialog ? html`<${KeyDialog} dialog=${dialog} teamOptions=${teamOptions} onClose=${close} onDone=${done} onSecret=${(s) => setDialog({ kind: 'secret', ...s })} />` : null}
    </section>
  `;
}

function KeyRow({ k, onAction }) {
  const name = keyName(k);
  return html`
    <tr data-token=${k.token_id}>
      <td>${k.key_alias ?? html`<span class="muted">—</span>`}</td>
      <td><code>${k.key_name}</code></td>
      <td>${k.team_id ?? html`<span class="muted">—</span>`}</td>
      <td>${usd(k.spend)}${k.max_budget === null ? '' : ` / ${usd(k.max_budget)}`}${k.budget_duration ? html` <small class="muted">per ${k.budget_duration}</small>` : ''}</td>
      <td>${limit(k.rpm_limit)}</td>
      <td>${limit(k.tpm_limit)}</td>
      <td>${limit(k.max_parallel_requests)}</td>
      <td>${k.models.length === 0 ? html`<span class="muted">all</span>` : k.models.join(', ')}</td>
      <td>${k.blocked ? html`<span class="badge bad">Blocked</span>` : html`<span class="badge ok">Active</span>`}</td>
      <td>${dateTime(k.last_active)}</td>
      <td class="actions-cell"><div class="row-actions">
        <button type="button" class="small secondary" aria-label=${`Edit key ${name}`} onClick=${() => onAction('edit')}>Edit</button>
        ${k.blocked
          ? html`<button type="button" class="small secondary toggle" aria-label=${`Unblock key ${name}`} onClick=${() => onAction('unblock')}>Unblock</button>`
          : html`<button type="button" class="small secondary toggle" aria-label=${`Block key ${name}`} onClick=${() => onAction('block')}>Block</button>`}
        <button type="button" class="small secondary" aria-label=${`Regenerate key ${name}`} onClick=${() => onAction('regenerate')}>Regenerate</button>
        <button type="button" class="small danger" aria-label=${`Delete key ${name}`} onClick=${() => onAction('delete')}>Delete</button>
        </div>
      </td>
    </tr>
  `;
}

/** The dialog of the action chosen; changes name the key by its hash (token_id), never the plaintext. */
function KeyDialog({ dialog, teamOptions, onClose, onDone, onSecret }) {
  const k = dialog.key;
  const datalists = { 'team-options': teamOptions };
  switch (dialog.kind) {
    case 'create':
      return html`<${RecordForm} title="New key" fields=${createFields} submitLabel="Create key" datalists=${datalists} onClose=${onClose}
        onSubmit=${async (body) => {
          const created = await api('/key/generate', { method: 'POST', body });
          onSecret({ title: `Key ${keyName(created)} created`, value: created.key, message: `Key ${keyName(created)} created.` });
        }} />`;
    case 'edit':
      return html`<${RecordForm} title=${`Edit key ${keyName(k)}`} fields=${keyFields} record=${k} submitLabel="Save" datalists=${datalists} onClose=${onClose}
        onSubmit=${async (body) => {
          if (Object.keys(body).length > 0) await api('/key/update', { method: 'POST', body: { key: k.token_id, ...body } });
          onDone(`Key ${keyName(k)} saved.`);
        }} />`;
    case 'block':
    case 'unblock':
      return html`<${Confirm} title=${`${dialog.kind === 'block' ? 'Block' : 'Unblock'} key ${keyName(k)}`}
        message=${dialog.kind === 'block' ? 'Calls with this key are refused (403) until it is unblocked.' : 'Calls with this key are accepted again.'}
        confirmLabel=${dialog.kind === 'block' ? 'Block' : 'Unblock'} danger=${dialog.kind === 'block'} onCancel=${onClose}
        onConfirm=${async () => {
          await api(`/key/${dialog.kind}`, { method: 'POST', body: { key: k.token_id } });
          onDone(`Key ${keyName(k)} ${dialog.kind === 'block' ? 'blocked' : 'unblocked'}.`);
        }} />`;
    case 'regenerate':
      return html`<${Confirm} title=${`Regenerate key ${keyName(k)}`}
        message="A new key replaces this one at once: the old key stops working. Limits and spend stay."
        confirmLabel="Regenerate" danger onCancel=${onClose}
        onConfirm=${async () => {
          const next = await api('/key/regenerate', { method: 'POST', body: { key: k.token_id } });
          onSecret({ title: `Key ${keyName(next)} regenerated`, value: next.key, message: `Key ${keyName(next)} regenerated.` });
        }} />`;
    case 'delete':
      return html`<${Confirm} title=${`Delete key ${keyName(k)}`}
        message=${`Key ${keyName(k)} (${k.key_name}) is deleted for good; calls with it are refused at once. Its spend rows stay.`}
        confirmLabel="Delete" danger onCancel=${onClose}
        onConfirm=${async () => {
          await api('/key/delete', { method: 'POST', body: { keys: [k.token_id] } });
          onDone(`Key ${keyName(k)} deleted.`);
        }} />`;
    case 'secret':
      return html`<${SecretBox} title=${dialog.title} value=${dialog.value} onDone=${() => onDone(dialog.message)} />`;
    default:
      return null;
  }
}
