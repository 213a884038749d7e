// The admin page: sign-in with the master key, then one view at a time (chosen by the URL's
// #fragment, which never holds a secret).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api, ApiError, session, whenUnauthorized } from './api.js';
import { KeysView } from './keys.js';
import { TeamsView } from './teams.js';
import { SpendView } from './spend.js';
import { RequestsView } from './requests.js';
import { HealthView } from './health.js';
import { ErrorLine } from './ui.js';

const VIEWS = [
  { id: 'keys', title: 'Keys', view: KeysView },
  { id: 'teams', title: 'Teams', view: TeamsView },
  { id: 'spend', title: 'Spend', view: SpendView },
  { id: 'requests', title: 'Recent requests', view: RequestsView },
  { id: 'health', title: 'Health', view: HealthView },
];

const viewFromHash = () => VIEWS.find((v) => `#${v.id}` === window.location.hash) ?? VIEWS[0];

function SignIn({ reason, onSignedIn }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState(reason);
  const [busy, setBusy] = useState(false);
  const submit = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      // Any master-key route proves the key; this one is small.
      await api('/ui/api/health', { key, signOutOn401: false });
      session.set(key);
      onSignedIn();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That key was not accepted.'
          : err instanceof ApiError && err.status === 403
            ? 'That is a virtual key: this page needs the master key.'
            : err.message,
      );
      setBusy(false);
    }
  };
  return html`
    <main class="signin">
      <form onSubmit=${submit} aria-labelledby="signin-title">
        <h1 id="signin-title"><img src="/ui/favicon.svg" alt="" width="28" height="28" /> Switchyard admin</h1>
        <p class="muted">Sign in with the gateway's master key. It is kept in this tab only (sessionStorage) and sent in the Authorization header.</p>
        <div class="field">
          <label for="master-key">Master key</label>
          <input id="master-key" type="password" value=${key} onInput=${(e) => setKey(e.currentTarget.value)} required autocomplete="current-password" autofocus />
        </div>
        <${ErrorLine} error=${error} />
        <button type="submit" disabled=${busy || key === ''}>Sign in</button>
      </form>
    </main>
  `;
}

function App() {
  const [signedIn, setSignedIn] = useState(session.key() !== null);
  const [reason, setReason] = useState(null);
  const [current, setCurrent] = useState(viewFromHash());
  useEffect(() => {
    const onHash = () => setCurrent(viewFromHash());
    window.addEventListener('hashchange', onHash);
    whenUnauthorized(() => {
      session.clear();
      setReason('The master key was not accepted any more: sign in again.');
      setSignedIn(false);
    });
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const signOut = () => {
    session.clear();
    setReason(null);
    setSignedIn(false);
  };
  if (!signedIn) return html`<${SignIn} reason=${reason} onSignedIn=${() => setSignedIn(true)} />`;
  const View = current.view;
  return html`
    <div class="shell">
      <header class="top">
        <span class="brand"><img src="/ui/favicon.svg" alt="" width="22" height="22" /> Switchyard</span>
        <nav aria-label="Views">
          ${VIEWS.map(
            (v) => html`<a key=${v.id} href=${`#${v.id}`} aria-current=${v.id === current.id ? 'page' : undefined}>${v.title}</a>`,
          )}
        </nav>
        <button type="button" class="secondary" onClick=${signOut}>Sign out</button>
      </header>
      <main class="content"><${View} key=${current.id} /></main>
    </div>
  `;
}

render(html`<${App} />`, document.getElementById('app'));
