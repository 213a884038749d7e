// Small shared pieces: pager, error line, dialog, secret box, form field.
import { useEffect, useRef, useState } from 'preact/hooks';
import { html } from './html.js';
import { count } from './format.js';

/**
 * `Page 2 of 48 · 1,200 keys` with Previous / Next; `total` may be unknown (null). With a known
 * page count, First and Last too: at 100,000 keys the oldest are 4,000 clicks away otherwise.
 */
export function Pager({ page, totalPages, total, noun, onPage, hasNext }) {
  const known = totalPages !== null && totalPages !== undefined;
  const last = known ? Math.max(totalPages, 1) : hasNext ? page + 1 : page;
  return html`
    <nav class="pager" aria-label=${`${noun} pages`}>
      ${known ? html`<button type="button" class="secondary" onClick=${() => onPage(1)} disabled=${page <= 1} aria-label="First page">«</button>` : null}
      <button type="button" class="secondary" onClick=${() => onPage(page - 1)} disabled=${page <= 1} aria-label="Previous page">‹ Previous</button>
      <span class="pager-status" data-testid="pager-status">
        ${known ? `Page ${page} of ${last}` : `Page ${page}`}
        ${total === null || total === undefined ? '' : ` · ${count(total)} ${noun}`}
      </span>
      <button type="button" class="secondary" onClick=${() => onPage(page + 1)} disabled=${page >= last} aria-label="Next page">Next ›</button>
      ${known ? html`<button type="button" class="secondary" onClick=${() => onPage(last)} disabled=${page >= last} aria-label="Last page">»</button>` : null}
    </nav>
  `;
}

/** An error line screen readers announce. */
export function ErrorLine({ error }) {
  if (!error) return null;
  return html`<p class="error" role="alert">${error}</p>`;
}

/** A modal dialog (the native <dialog>: focus trap and Escape for free). */
export function Dialog({ title, onClose, children, wide }) {
  const ref = useRef(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    const cancel = (event) => {
      event.preventDefault();
      onClose();
    };
    dialog?.addEventListener('cancel', cancel);
    return () => dialog?.removeEventListener('cancel', cancel);
  }, []);
  return html`
    <dialog ref=${ref} class=${wide ? 'wide' : ''} aria-label=${title}>
      <header class="dialog-head">
        <h2>${title}</h2>
        <button type="button" class="icon" onClick=${onClose} aria-label="Close">×</button>
      </header>
      ${children}
    </dialog>
  `;
}

/** Asks before something that cannot be undone. */
export function Confirm({ title, message, confirmLabel, danger, onConfirm, onCancel }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const go = async () => {
    setBusy(true);
    try {
      await onConfirm();
    } catch (err) {
      setError(err.message);
      setBusy(false);
    }
  };
  return html`
    <${Dialog} title=${title} onClose=${onCancel}>
      <p>${message}</p>
      <${ErrorLine} error=${error} />
      <div class="actions">
        <button type="button" class="secondary" onClick=${onCancel}>Cancel</button>
        <button type="button" class=${danger ? 'danger' : ''} onClick=${go} disabled=${busy}>${confirmLabel}</button>
      </div>
    <//>
  `;
}

/** A key shown this once, with a copy button. */
export function SecretBox({ title, value, note, onDone }) {
  const [copied, setCopied] = useState(null);
  const input = useRef(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied('Copied');
    } catch {
      // No clipboard permission (plain http on another host): select it for Ctrl+C instead.
      input.current?.select();
      setCopied('Selected: press Ctrl+C');
    }
  };
  return html`
    <${Dialog} title=${title} onClose=${onDone} wide>
      <p class="warning">${note ?? 'Copy this key now: it is shown once and cannot be shown again.'}</p>
      <div class="secret">
        <label for="secret-value" class="visually-hidden">New key</label>
        <input id="secret-value" ref=${input} readonly value=${value} data-testid="new-key" spellcheck="false" autocomplete="off" />
        <button type="button" onClick=${copy} aria-label="Copy key">Copy</button>
      </div>
      <p class="hint" aria-live="polite">${copied ?? ''}</p>
      <div class="actions"><button type="button" onClick=${onDone}>Done</button></div>
    <//>
  `;
}

/** A labelled input; `hint` under it. */
export function Field({ label, name, value, onInput, type = 'text', placeholder, hint, required, autofocus, min, step }) {
  const id = `field-${name}`;
  return html`
    <div class="field">
      <label for=${id}>${label}</label>
      <input id=${id} name=${name} type=${type} value=${value ?? ''} placeholder=${placeholder ?? ''} required=${required}
        autofocus=${autofocus} min=${min} step=${step} autocomplete="off" onInput=${(e) => onInput(e.currentTarget.value)} />
      ${hint ? html`<small>${hint}</small>` : null}
    </div>
  `;
}

/** Loads `fetcher()` whenever `deps` change; returns { data, error, loading, reload }. */
export function useLoad(fetcher, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    fetcher().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (err) => live && setState((s) => ({ data: s.data, error: err.message, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
