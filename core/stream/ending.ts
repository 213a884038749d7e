import type { StreamChunk } from '../openai/types.ts';

/**
 * Tells a finished OpenAI-wire stream from a cut one. OpenAI ends with `data: [DONE]`; some
 * OpenAI-compatible servers omit it, but every complete answer still gives each of its choices a
 * `finish_reason`. A stream with neither was cut off (a proxy timeout, a crashed worker, a body
 * that was never a stream): passing it on with our own `[DONE]` would make a partial answer
 * look whole, so the reader fails it instead.
 */
export class StreamEnding {
  #done = false;
  /** Per choice index: true once it has a finish_reason. Usually one entry. */
  readonly #finished: boolean[] = [];

  /** `[DONE]` arrived. */
  done(): void {
    this.#done = true;
  }

  observe(chunk: StreamChunk): void {
    const choices = chunk.choices;
    // A malformed chunk without choices is the client's to judge; it neither opens nor ends one.
    if (!Array.isArray(choices)) return;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i] as { index?: unknown; finish_reason?: unknown };
      const index = typeof c.index === 'number' ? c.index : i;
      if (c.finish_reason != null) this.#finished[index] = true;
      else this.#finished[index] ??= false;
    }
  }

  /** Whether the stream ended as a whole answer does. */
  get complete(): boolean {
    if (this.#done) return true;
    const finished = this.#finished;
    if (finished.length === 0) return false;
    for (let i = 0; i < finished.length; i++) if (finished[i] === false) return false;
    return true;
  }
}
