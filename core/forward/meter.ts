import type { Usage } from '../openai/types.ts';
import type { AnswerObserver } from '../result.ts';
import { BodyTail } from '../stream/usage-tail.ts';
import { answerFacts, type AnswerFacts } from './answer-facts.ts';
import type { ForwardOperation } from './operations.ts';
import { requestUnits, type ForwardUnits } from './units.ts';

/** Bytes kept from a forwarded answer's start: verbose_json puts `duration` before its segments. */
const headBytes = 4096;

/** The keys of an images answer's `data` entries: each entry has one of them. */
const imageKeys = [Buffer.from('"b64_json"'), Buffer.from('"url"')] as const;
/** Bytes of one chunk's end looked at again with the next chunk, so a key cut in two is still found. */
const overlap = 16;

/**
 * Measures a forwarded call (images, audio, moderations, rerank) as its answer passes to the
 * client, without holding it: the request's units, bettered by the answer's first and last
 * bytes (usage, seconds of audio, billed searches) and, for images, a count of its `data`
 * entries over every byte. An audio answer (speech) is not looked into.
 */
export class ForwardMeter implements AnswerObserver {
  readonly #operation: ForwardOperation;
  readonly #request: ForwardUnits;
  readonly #json: boolean;
  #head = Buffer.alloc(0);
  readonly #tail = new BodyTail();
  #facts: AnswerFacts | undefined;
  #images = 0;
  /** The stream's last `overlap` bytes so far. */
  #carry = Buffer.alloc(0);

  constructor(operation: ForwardOperation, request: Readonly<Record<string, unknown>>, json: boolean, multipart: boolean) {
    this.#operation = operation;
    this.#request = requestUnits(operation, request, multipart);
    this.#json = json;
  }

  add(chunk: Buffer): void {
    if (!this.#json) return;
    if (this.#head.length < headBytes) this.#head = Buffer.concat([this.#head, chunk.subarray(0, headBytes - this.#head.length)]);
    this.#tail.add(chunk);
    if (this.#operation === 'images') this.#countImages(chunk);
  }

  /** Token usage in OpenAI's chat meaning, when the answer reported tokens. */
  usage(): Usage | undefined {
    return this.#read().usage;
  }

  /** The call's units: see `ForwardUnits`. */
  units(): ForwardUnits {
    const facts = this.#read();
    const units: { -readonly [K in keyof ForwardUnits]: ForwardUnits[K] } = { ...this.#request };
    if (this.#images > 0) units.images = this.#images;
    units.size ??= facts.size;
    units.quality ??= facts.quality;
    units.imageInputTokens = facts.imageInputTokens;
    units.audioInputTokens = facts.audioInputTokens;
    if (facts.seconds !== undefined) units.seconds = facts.seconds;
    if (facts.searches !== undefined) units.searches = facts.searches;
    for (const key of Object.keys(units) as (keyof ForwardUnits)[]) if (units[key] === undefined) delete units[key];
    return units;
  }

  #read(): AnswerFacts {
    if (this.#facts !== undefined) return this.#facts;
    this.#facts = this.#json ? answerFacts(this.#head.toString('utf8'), this.#tail.text()) : {};
    return this.#facts;
  }

  /**
   * Counts `"b64_json"` and `"url"` keys (not `\"url\"` inside a string) across chunk boundaries:
   * each chunk is scanned after the stream's previous `overlap` bytes, and a key that lies wholly
   * in those bytes was decided with the chunk before.
   */
  #countImages(chunk: Buffer): void {
    const carried = this.#carry.length;
    const window = carried === 0 ? chunk : Buffer.concat([this.#carry, chunk]);
    for (const key of imageKeys) {
      for (let at = window.indexOf(key); at !== -1; at = window.indexOf(key, at + 1)) {
        if (at + key.length <= carried) continue;
        if (at > 0 && window[at - 1] === 0x5c) continue;
        if (followedByColon(window, at + key.length)) this.#images++;
      }
    }
    this.#carry = Buffer.from(window.subarray(Math.max(0, window.length - overlap)));
  }
}

/** Whether the next non-space byte is `:` (or the bytes end first: the next chunk would tell). */
function followedByColon(bytes: Buffer, from: number): boolean {
  for (let i = from; i < bytes.length; i++) {
    const b = bytes[i] as number;
    if (b === 0x3a) return true;
    if (b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09) return false;
  }
  return true;
}
