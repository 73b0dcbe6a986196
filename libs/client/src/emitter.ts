/** A small typed event emitter that works the same in Node and browsers. */
export class Emitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(event: never) => void>>();

  /** Calls `listener` for each `event`; returns the function that removes it. */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (event: never) => void);
    return () => set.delete(listener as (event: never) => void);
  }

  /** Resolves with the next `event` that passes `predicate`. */
  once<K extends keyof Events>(event: K, predicate: (payload: Events[K]) => boolean = () => true): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (payload) => {
        if (!predicate(payload)) return;
        off();
        resolve(payload);
      });
    });
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try {
        (listener as (payload: Events[K]) => void)(payload);
      } catch (error) {
        // One listener's bug must not stop the others or the stream: report it the way an event handler would.
        setTimeout(() => {
          throw error;
        });
      }
    }
  }
}
