/**
 * Listeners of one kind. One failing listener never stops the others or the caller: a throw, or the
 * rejection of an async listener's promise, is contained and reported to `onFailure`. Emitting allocates
 * nothing: listeners are kept in an array replaced on add and remove, so one may unsubscribe while it runs.
 */
export class ListenerSet<A extends unknown[]> {
  private listeners: readonly ((...args: A) => unknown)[] = [];

  constructor(private readonly onFailure: (error: unknown) => void = () => undefined) {}

  add(listener: (...args: A) => unknown): () => void {
    if (!this.listeners.includes(listener)) this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((held) => held !== listener);
    };
  }

  get size(): number {
    return this.listeners.length;
  }

  /** Calls every listener with up to four arguments (no rest array on the hot path). */
  emit(a?: A[0], b?: A[1], c?: A[2], d?: A[3]): void {
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        const result = (listeners[i] as unknown as (a: unknown, b: unknown, c: unknown, d: unknown) => unknown)(a, b, c, d);
        if (result instanceof Promise) result.catch(this.onFailure);
      } catch (error) {
        this.onFailure(error);
      }
    }
  }
}
