const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;
const comma = 0x2c;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isOpen = (c: number): boolean => c === 0x7b || c === 0x5b;
const isClose = (c: number): boolean => c === 0x7d || c === 0x5d;

/** A value being captured: its field, its bytes so far, and what ends it. */
interface Capture {
  readonly name: string;
  readonly parts: Buffer[];
  readonly kind: 'string' | 'nested' | 'bare';
}

/**
 * Picks named fields of a JSON object's top level out of its bytes as they pass, chunk by chunk,
 * without holding or parsing the rest: a relayed answer's `id` and `usage`, wherever the upstream
 * put them. Nested fields of the same name are not mistaken for them. Quotes and backslashes are
 * ASCII, and UTF-8 never uses their bytes inside a character, so scanning bytes is exact.
 *
 * @example
 * const fields = new TopLevelFields(['id', 'usage']);
 * for (const chunk of body) fields.feed(chunk);
 * fields.value('usage') // → { input_tokens: 10, … } (parsed), or undefined
 */
export class TopLevelFields {
  readonly #wanted: ReadonlySet<string>;
  readonly #found = new Map<string, string>();
  #depth = 0;
  #inString = false;
  #escaped = false;
  /** At depth 1, the next string is a key. */
  #expectKey = false;
  /** At depth 1, after a colon: the next token starts the value of `#key`. */
  #expectValue = false;
  #keyBytes: number[] | undefined = undefined;
  #key = '';
  #capture: Capture | undefined = undefined;

  constructor(names: readonly string[]) {
    this.#wanted = new Set(names);
  }

  feed(chunk: Buffer): void {
    let from = 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i] as number;
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (c === backslash) this.#escaped = true;
        else if (c === quote) {
          this.#inString = false;
          if (this.#keyBytes !== undefined) {
            this.#key = Buffer.from(this.#keyBytes).toString('utf8');
            this.#keyBytes = undefined;
          } else if (this.#capture?.kind === 'string') this.#endCapture(chunk, from, i + 1);
          continue;
        }
        if (this.#keyBytes !== undefined) this.#keyBytes.push(c);
        continue;
      }
      if (isSpace(c)) continue;
      const capture = this.#capture;
      if (capture?.kind === 'bare' && (c === comma || isClose(c))) this.#endCapture(chunk, from, i);
      if (this.#depth === 1 && this.#expectValue) {
        this.#expectValue = false;
        if (this.#wanted.has(this.#key)) {
          from = i;
          this.#capture = { name: this.#key, parts: [], kind: c === quote ? 'string' : isOpen(c) ? 'nested' : 'bare' };
        }
      }
      if (c === quote) {
        this.#inString = true;
        if (this.#depth === 1 && this.#expectKey) {
          this.#expectKey = false;
          this.#keyBytes = [];
        }
      } else if (isOpen(c)) {
        this.#depth++;
        if (this.#depth === 1) this.#expectKey = true;
      } else if (isClose(c)) {
        this.#depth--;
        if (this.#depth === 1 && this.#capture?.kind === 'nested') this.#endCapture(chunk, from, i + 1);
      } else if (this.#depth === 1 && c === colon) this.#expectValue = true;
      else if (this.#depth === 1 && c === comma) this.#expectKey = true;
    }
    if (this.#capture !== undefined) this.#capture.parts.push(chunk.subarray(from));
  }

  /** A field's value, parsed; undefined if it was absent, cut off, or not JSON. */
  value(name: string): unknown {
    const text = this.#found.get(name);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  }

  #endCapture(chunk: Buffer, from: number, to: number): void {
    const capture = this.#capture as Capture;
    capture.parts.push(chunk.subarray(from, to));
    this.#found.set(capture.name, Buffer.concat(capture.parts).toString('utf8'));
    this.#capture = undefined;
  }
}
