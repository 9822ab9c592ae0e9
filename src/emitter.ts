/**
 * A small typed event emitter in the style of mitt: `on()` returns its own unsubscribe function,
 * and a throwing listener never stops the others (its error is reported asynchronously).
 */
export type Handler<T> = (payload: T) => void;

export class Emitter<Events extends Record<string, unknown>> {
  readonly #handlers = new Map<keyof Events, Set<Handler<never>>>();

  /** Subscribes and returns the function that unsubscribes. */
  on<K extends keyof Events>(type: K, handler: Handler<Events[K]>): () => void {
    let set = this.#handlers.get(type);
    if (!set) this.#handlers.set(type, (set = new Set()));
    set.add(handler as Handler<never>);
    return () => this.off(type, handler);
  }

  off<K extends keyof Events>(type: K, handler: Handler<Events[K]>): void {
    this.#handlers.get(type)?.delete(handler as Handler<never>);
  }

  /** Number of listeners, all types together: lets leak tests prove cleanup. */
  get listenerCount(): number {
    let count = 0;
    for (const set of this.#handlers.values()) count += set.size;
    return count;
  }

  protected emit<K extends keyof Events>(type: K, payload: Events[K]): void {
    const set = this.#handlers.get(type);
    if (!set) return;
    for (const handler of [...set]) {
      try {
        (handler as Handler<Events[K]>)(payload);
      } catch (error) {
        // A listener's bug must not break the phone's own state keeping.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  protected clearListeners(): void {
    this.#handlers.clear();
  }
}
