/**
 * Writes to the store that callers start and forget (an adapter saving its Discord session or a refreshed token
 * from a callback): each key's writes land in the order they were started, and `settled()` waits for all of them,
 * so a shutdown closes the store only after the session the closing adapter handed over is saved.
 */
export class KeyedWrites {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `write` after the key's earlier writes; a failure goes to `failed` and does not stop later writes. */
  start(key: string, write: () => Promise<unknown>, failed: (error: unknown) => void): void {
    const tail = (this.tails.get(key) ?? Promise.resolve()).then(write).then(() => undefined, failed);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
  }

  /** Resolves once every write started so far, and any started meanwhile, has landed or failed. */
  async settled(): Promise<void> {
    while (this.tails.size > 0) await Promise.all(this.tails.values());
  }
}
