/**
 * Listeners of one kind. One failing listener never stops the others or the caller: a throw, or the
 * rejection of an async listener's promise, is contained and reported to `onFailure`.
 */
export class ListenerSet<A extends unknown[]> {
  private readonly listeners = new Set<(...args: A) => unknown>();

  constructor(private readonly onFailure: (error: unknown) => void = () => undefined) {}

  add(listener: (...args: A) => unknown): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }

  emit(...args: A): void {
    for (const listener of this.listeners) {
      try {
        const result = listener(...args);
        if (result instanceof Promise) result.catch(this.onFailure);
      } catch (error) {
        this.onFailure(error);
      }
    }
  }
}
