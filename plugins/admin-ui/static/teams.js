// Teams: one page at a time, create, edit, block / unblock, delete (with their keys, as LiteLLM does).
import { useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';
import { dateTime, limit, usd } from './format.js';
import { limitFields } from './fields.js';
import { RecordForm } from './record-form.js';
import { Confirm, ErrorLine, Pager, useLoad } from './ui.js';

const SIZE = 25;
const teamFields = [
  { name: 'team_id', label: 'Team id', placeholder: 'generated when empty', readonlyOnEdit: true },
  { name: 'team_alias', label: 'Name', placeholder: 'Engineering' },
  ...limitFields,
];

const teamName = (t) => t.team_alias ?? t.team_id;

export function TeamsView() {
  const [page, setPage] = useState(1);
  const [dialog, setDialog] = useState(null);
  const [notice, setNotice] = useState(null);
  // Paged /team/list answers the page alone (LiteLLM's shape): one more row says a next page exists.
  const list = useLoad(() => api('/team/list', { query: { page, size: SIZE } }), [page]);
  const close = () => setDialog(null);
  const done = (message) => {
    setDialog(null);
    setNotice(message);
    list.reload();
  };
  const teams = list.data ?? [];

  return html`
    <section aria-labelledby="teams-title">
      <div class="view-head">
        <h1 id="teams-title">Teams</h1>
        <button type="button" onClick=${() => setDialog({ kind: 'create' })}>New team</button>
      </div>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : null}
      <${ErrorLine} error=${list.error} />
      <div class="table-wrap" aria-busy=${list.loading}>
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th><th scope="col">Team id</th><th scope="col">Spend / budget</th><th scope="col">rpm</th>
              <th scope="col">tpm</th><th scope="col">Parallel</th><th scope="col">Models</th><th scope="col">Status</th>
              <th scope="col">Created</th><th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            ${teams.map((t) => html`<${TeamRow} key=${t.team_id} t=${t} onAction=${(kind) => setDialog({ kind, team: t })} />`)}
            ${list.data && teams.length === 0 ? html`<tr><td colspan="10" class="empty">No teams yet.</td></tr>` : null}
          </tbody>
        </table>
      </div>
      <${Pager} page=${page} totalPages=${null} total=${null} noun="teams" hasNext=${teams.length === SIZE} onPage=${setPage} />
      ${dialog ? html`<${TeamDialog} dialog=${dialog} onClose=${close} onDone=${done} />` : null}
    </section>
  `;
}

function TeamRow({ t, onAction }) {
  const name = teamName(t);
  return html`
    <tr>
      <td>${t.team_alias ?? html`<span class="muted">—</span>`}</td>
      <td><code>${t.team_id}</code></td>
      <td>${usd(t.spend)}${t.max_budget === null ? '' : ` / ${usd(t.max_budget)}`}${t.budget_duration ? html` <small class="muted">per ${t.budget_duration}</small>` : ''}</td>
      <td>${limit(t.rpm_limit)}</td>
      <td>${limit(t.tpm_limit)}</td>
      <td>${limit(t.max_parallel_requests)}</td>
      <td>${t.models.length === 0 ? html`<span class="muted">all</span>` : t.models.join(', ')}</td>
      <td>${t.blocked ? html`<span class="badge bad">Blocked</span>` : html`<span class="badge ok">Active</span>`}</td>
      <td>${dateTime(t.created_at)}</td>
      <td class="actions-cell"><div class="row-actions">
        <button type="button" class="small secondary" aria-label=${`Edit team ${name}`} onClick=${() => onAction('edit')}>Edit</button>
        <button type="button" class="small secondary toggle" aria-label=${`${t.blocked ? 'Unblock' : 'Block'} team ${name}`} onClick=${() => onAction(t.blocked ? 'unblock' : 'block')}>${t.blocked ? 'Unblock' : 'Block'}</button>
        <button type="button" class="small danger" aria-label=${`Delete team ${name}`} onClick=${() => onAction('delete')}>Delete</button>
        </div>
      </td>
    </tr>
  `;
}

function TeamDialog({ dialog, onClose, onDone }) {
  const t = dialog.team;
  switch (dialog.kind) {
    case 'create':
      return html`<${RecordForm} title="New team" fields=${teamFields} submitLabel="Create team" onClose=${onClose}
        onSubmit=${async (body) => {
          const team = await api('/team/new', { method: 'POST', body });
          onDone(`Team ${teamName(team)} created.`);
        }} />`;
    case 'edit':
      return html`<${RecordForm} title=${`Edit team ${teamName(t)}`} fields=${teamFields} record=${t} submitLabel="Save" onClose=${onClose}
        onSubmit=${async (body) => {
          delete body.team_id;
          if (Object.keys(body).length > 0) await api('/team/update', { method: 'POST', body: { team_id: t.team_id, ...body } });
          onDone(`Team ${teamName(t)} saved.`);
        }} />`;
    case 'block':
    case 'unblock':
      return html`<${Confirm} title=${`${dialog.kind === 'block' ? 'Block' : 'Unblock'} team ${teamName(t)}`}
        message=${dialog.kind === 'block' ? 'Every key of this team is refused (403) until the team is unblocked.' : 'The keys of this team are accepted again.'}
        confirmLabel=${dialog.kind === 'block' ? 'Block' : 'Unblock'} danger=${dialog.kind === 'block'} onCancel=${onClose}
        onConfirm=${async () => {
          await api('/team/update', { method: 'POST', body: { team_id: t.team_id, blocked: dialog.kind === 'block' } });
          onDone(`Team ${teamName(t)} ${dialog.kind === 'block' ? 'blocked' : 'unblocked'}.`);
        }} />`;
    case 'delete':
      return html`<${Confirm} title=${`Delete team ${teamName(t)}`}
        message=${`Team ${teamName(t)} and all of its keys are deleted for good.`}
        confirmLabel="Delete team and its keys" danger onCancel=${onClose}
        onConfirm=${async () => {
          const answer = await api('/team/delete', { method: 'POST', body: { team_ids: [t.team_id] } });
          onDone(`Team ${teamName(t)} deleted with ${answer.deleted_keys.length} key(s).`);
        }} />`;
    default:
      return null;
  }
}
