// The create / edit form of a key or a team: labelled fields, client-side checks, the API's 400s.
import { useState } from 'preact/hooks';
import { html } from './html.js';
import { bodyFrom, formValues } from './forms.js';
import { describeError } from './api.js';
import { Dialog, ErrorLine } from './ui.js';

/**
 * `fields`: [{ name, label, type?, hint?, placeholder?, list? }]. `record` (edit) fills the form
 * and only changed fields are sent; without it (create) empty fields are left out.
 */
export function RecordForm({ title, fields, record, submitLabel, onSubmit, onClose, datalists }) {
  const names = fields.map((f) => f.name);
  const initial = record ? formValues(record, names) : undefined;
  const [values, setValues] = useState(initial ?? formValues(undefined, names));
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const labels = Object.fromEntries(fields.map((f) => [f.name, f.label]));

  const submit = async (event) => {
    event.preventDefault();
    setError(null);
    let body;
    try {
      body = bodyFrom(values, labels, initial);
    } catch (err) {
      setError(err.message);
      return;
    }
    setBusy(true);
    try {
      await onSubmit(body);
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return html`
    <${Dialog} title=${title} onClose=${onClose} wide>
      <form onSubmit=${submit} class="record-form" aria-label=${title}>
        <div class="grid">
          ${fields.map(
            (f) => html`
              <div class="field" key=${f.name}>
                <label for=${`f-${f.name}`}>${f.label}</label>
                <input id=${`f-${f.name}`} name=${f.name} type="text" inputmode=${f.type === 'number' ? 'decimal' : undefined}
                  value=${values[f.name]} placeholder=${f.placeholder ?? ''} list=${f.list} autocomplete="off"
                  readonly=${f.readonlyOnEdit && record !== undefined}
                  onInput=${(e) => setValues({ ...values, [f.name]: e.currentTarget.value })} />
                ${f.hint ? html`<small>${f.hint}</small>` : null}
              </div>
            `,
          )}
        </div>
        ${Object.entries(datalists ?? {}).map(
          ([id, options]) => html`<datalist id=${id} key=${id}>${options.map((o) => html`<option value=${o.value} key=${o.value}>${o.label}</option>`)}</datalist>`,
        )}
        <${ErrorLine} error=${error} />
        <div class="actions">
          <button type="button" class="secondary" onClick=${onClose}>Cancel</button>
          <button type="submit" disabled=${busy}>${submitLabel}</button>
        </div>
      </form>
    <//>
  `;
}
