// The admin API from the browser. The master key lives in sessionStorage (gone when the tab
// closes) and travels only in the Authorization header: never in a URL, never in a log line.

const STORAGE_KEY = 'switchyard.masterKey';

export const session = {
  key: () => sessionStorage.getItem(STORAGE_KEY),
  set: (key) => sessionStorage.setItem(STORAGE_KEY, key),
  clear: () => sessionStorage.removeItem(STORAGE_KEY),
};

/** An error answer of the gateway: status, message, and the field it names (`param`). */
export class ApiError extends Error {
  constructor(status, message, param, code) {
    super(message);
    this.status = status;
    this.param = param ?? null;
    this.code = code ?? null;
  }
}

let onUnauthorized = () => {};
/** What to do when the key stops working (401): the app signs out. */
export function whenUnauthorized(fn) {
  onUnauthorized = fn;
}

/**
 * Calls the gateway with the master key. `query` values that are undefined, null or '' are left
 * out. Resolves to the JSON answer; rejects with ApiError.
 */
export async function api(path, { method = 'GET', query, body, key = session.key(), signOutOn401 = true } = {}) {
  // Signed out (a poll that fires while the page switches to sign-in): nothing to send.
  if (!key) throw new ApiError(401, 'not signed in', null, 'not_signed_in');
  const url = new URL(path, window.location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value));
  }
  const headers = { authorization: `Bearer ${key ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  const text = await res.text();
  let json;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const error = json?.error ?? {};
    if (res.status === 401 && signOutOn401) onUnauthorized();
    throw new ApiError(res.status, error.message ?? `the gateway answered ${res.status}`, error.param, error.code);
  }
  return json;
}

/** An error as one line for the page: the message, and the field it names. */
export function describeError(err) {
  if (err instanceof ApiError) return err.param ? `${err.message} (${err.param})` : err.message;
  return err instanceof Error ? err.message : String(err);
}
