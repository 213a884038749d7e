/**
 * A stored entry: a one-line header, then the answer's JSON exactly as it will be sent, so a
 * complete hit is written without re-serialising. JSON text never holds a raw newline, so the
 * first one ends the header.
 */
export interface Entry {
  /** When the answer was stored (ms since the epoch); `Age` is counted from it. */
  readonly storedAt: number;
  readonly json: string;
}

const version = 'v1 ';

export function encodeEntry(entry: Entry): string {
  return `${version}${entry.storedAt}\n${entry.json}`;
}

/** Undefined for anything this version did not write (an older format, a foreign key). */
export function decodeEntry(text: string): Entry | undefined {
  if (!text.startsWith(version)) return undefined;
  const nl = text.indexOf('\n');
  if (nl < 0) return undefined;
  const storedAt = Number(text.slice(version.length, nl));
  if (!Number.isFinite(storedAt)) return undefined;
  return { storedAt, json: text.slice(nl + 1) };
}

/** Whole seconds since the entry was stored, for the `Age` header. */
export function ageSeconds(entry: Entry, now = Date.now()): number {
  return Math.max(0, Math.floor((now - entry.storedAt) / 1000));
}
