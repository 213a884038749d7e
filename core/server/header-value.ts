import { cutEcho, echoLimit } from '../echo.ts';

/**
 * Anything Node would refuse in a header value (it throws ERR_INVALID_CHAR for controls other
 * than tab, and for code points above U+00FF), plus DEL and U+0080–U+00FF, which Node sends as
 * Latin-1 bytes that clients decode inconsistently. What passes is plain printable ASCII.
 */
const unsafe = /[^\t\x20-\x7e]/;
// `u`: a surrogate pair is one match (one code point, encoded whole); a lone surrogate is one too.
const unsafeAll = /[^\t\x20-\x7e]/gu;

/**
 * A header value derived from client or upstream input (a model name, a plugin's header), made
 * safe to send: at most `echoLimit` characters of the original, marked as cut, and every
 * character outside printable ASCII percent-encoded as UTF-8 (`gpt-✓` → `gpt-%E2%9C%93`), so
 * `writeHead` cannot throw and CR/LF cannot split the response. The usual value is returned as
 * is after one regex test.
 */
export function headerValue(value: string): string {
  if (value.length <= echoLimit && !unsafe.test(value)) return value;
  return cutEcho(value, echoLimit, '...').replace(unsafeAll, encodeChar);
}

function encodeChar(char: string): string {
  // A lone surrogate (a cut pair, or one sent on purpose) has no UTF-8 form: encodeURIComponent throws.
  const code = char.charCodeAt(0);
  if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) return '%EF%BF%BD';
  return encodeURIComponent(char);
}

/** RFC 9110 token: what Node accepts as a header name. A plugin's header with another name is dropped. */
const token = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function isHeaderName(name: string): boolean {
  return token.test(name);
}
