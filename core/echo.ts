/**
 * Longest piece of client text (a model name, a field path) echoed back in an error message, a
 * log field or a header. A real model name is a few dozen characters; a 10 MB one must not turn
 * into a 10 MB error body and a 20 MB log line.
 */
export const echoLimit = 256;

/**
 * Client text as it may be echoed: unchanged up to `limit` characters, else its first `limit`
 * characters marked as cut, with the original length.
 *
 * @example
 * cutEcho('x'.repeat(10_485_760)); // 'xxx…(256 x)…(cut, 10485760 chars)'
 * cutEcho('gpt-4o');               // 'gpt-4o' (the same string, nothing allocated)
 */
export function cutEcho(text: string, limit: number = echoLimit, ellipsis = '…'): string {
  if (text.length <= limit) return text;
  // Never split a surrogate pair: half of one is not valid UTF-16 and serialises as garbage.
  const code = text.charCodeAt(limit - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? limit - 1 : limit;
  return `${text.slice(0, end)}${ellipsis}(cut, ${text.length} chars)`;
}
