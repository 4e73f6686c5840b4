/**
 * Reading an event stream as it arrives, for the Server-Sent Events tests:
 * the text so far, and a bounded wait for what should come next.
 */

/** An event-stream response read incrementally. */
export class StreamReader {
  text = '';
  #reader: ReadableStreamDefaultReader<Uint8Array>;
  #decoder = new TextDecoder();
  #ended = false;

  constructor(response: Response) {
    this.#reader = response.body!.getReader();
  }

  get ended(): boolean {
    return this.#ended;
  }

  /** Reads until `test` holds for the text so far; throws after `ms` or at the end of the body. */
  async until(test: (text: string) => boolean, what: string, ms = 5_000): Promise<string> {
    const deadline = Date.now() + ms;
    while (!test(this.text)) {
      const left = deadline - Date.now();
      if (left <= 0 || this.#ended) throw new Error(`${this.#ended ? 'the stream ended' : 'timed out'} waiting for ${what}; got ${JSON.stringify(this.text)}`);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), left)));
      const read = await Promise.race([this.#reader.read(), timeout]);
      clearTimeout(timer);
      if (read === 'timeout') continue;
      if (read.done) this.#ended = true;
      else this.text += this.#decoder.decode(read.value, { stream: true });
    }
    return this.text;
  }

  /** Reads to the end of the body (bounded). */
  async end(ms = 5_000): Promise<string> {
    try {
      await this.until(() => false, 'the end', ms);
    } catch (error) {
      if (!this.#ended) throw error;
    }
    return this.text;
  }

  async cancel(): Promise<void> {
    await this.#reader.cancel().catch(() => undefined);
  }
}

/** Counts occurrences of `part` in `text`. */
export function count(text: string, part: string): number {
  return text.split(part).length - 1;
}
