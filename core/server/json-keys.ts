/**
 * Counts the `:` outside strings: the members of all objects in a valid JSON text. It jumps from
 * quote to quote and colon to colon with `indexOf` (native scans), so a body costs a few calls
 * per string, not a step per character.
 */
export function countMembers(text: string): number {
  let count = 0;
  let colon = text.indexOf(':');
  let quote = text.indexOf('"');
  while (colon !== -1) {
    if (quote === -1 || colon < quote) {
      count++;
      colon = text.indexOf(':', colon + 1);
      continue;
    }
    const close = closingQuote(text, quote + 1);
    if (colon < close) colon = text.indexOf(':', close + 1);
    quote = text.indexOf('"', close + 1);
  }
  return count;
}

/** The index of the quote that ends the string whose content starts at `from`. */
export function closingQuote(text: string, from: number): number {
  let at = text.indexOf('"', from);
  for (;;) {
    // Only for text JSON.parse refused, which never gets here; but never loop forever.
    if (at === -1) return text.length;
    // Escaped if preceded by an odd number of backslashes.
    let slashes = 0;
    while (text.charCodeAt(at - 1 - slashes) === 0x5c) slashes++;
    if (slashes % 2 === 0) return at;
    at = text.indexOf('"', at + 1);
  }
}

/** An open array (no `keys`) or object while the text is scanned. */
interface Frame {
  readonly keys: Set<string> | undefined;
  /** The array item being read. */
  index: number;
  /** The object key being read. */
  key: string;
}

/**
 * The path (`messages[0].role`) of the first key given twice in one object of a valid JSON
 * text, keys compared as decoded (`"model"` and `"mo\u0064el"` are the same key). A character
 * scan that keeps every key it has seen: only run once the cheap count in `parseJsonBody` has
 * found that some key is missing from the parsed value.
 */
export function duplicateKeyPath(text: string): string | undefined {
  const frames: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      const end = closingQuote(text, i + 1);
      const top = frames.at(-1);
      if (expectKey && top?.keys !== undefined) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return pathOf(frames, key);
        top.keys.add(key);
        top.key = key;
        expectKey = false;
      }
      i = end;
    } else if (c === 0x7b) {
      frames.push({ keys: new Set(), index: 0, key: '' });
      expectKey = true;
    } else if (c === 0x5b) {
      frames.push({ keys: undefined, index: 0, key: '' });
    } else if (c === 0x7d || c === 0x5d) {
      frames.pop();
    } else if (c === 0x3a) {
      expectKey = false;
    } else if (c === 0x2c) {
      const top = frames.at(-1);
      if (top?.keys !== undefined) expectKey = true;
      else if (top !== undefined) top.index++;
    }
  }
  return undefined;
}

/** The path into the innermost frame (an object), then `key`. */
function pathOf(frames: readonly Frame[], key: string): string {
  let path = '';
  for (let f = 0; f < frames.length - 1; f++) {
    const frame = frames[f] as Frame;
    if (frame.keys === undefined) path += `[${frame.index}]`;
    else path += path === '' ? frame.key : `.${frame.key}`;
  }
  return path === '' ? key : `${path}.${key}`;
}
