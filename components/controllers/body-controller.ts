/**
 * BodyController: what an element does, fetched as a chunk of its own. The element itself holds its
 * properties and paints its idle look from the first-paint files; its body (controllers, methods,
 * the template of every other state) is made for it once the chunk is here, and the element
 * updates. On that first update every property counts as changed (`changes()`), so the body sees
 * what the page set before it arrived. A chunk that cannot be fetched leaves `failed` set, for the
 * element to say so; the next `load()` tries again.
 */
import {
  adoptStyles,
  type CSSResultGroup,
  type CSSResultOrNative,
  type PropertyValues,
  type ReactiveController,
  type ReactiveElement,
} from 'lit';

/** Fetches the body's chunk and resolves with what makes the body for this element. */
export type BodyLoader<Body> = () => Promise<() => Body>;

export class BodyController<Body> implements ReactiveController {
  /** The body, once its chunk is here. */
  body: Body | undefined;
  /** The last fetch of the chunk failed. */
  failed = false;

  readonly #host: ReactiveElement;
  readonly #loader: BodyLoader<Body>;
  readonly #onConnect: boolean;
  #loading: Promise<void> | undefined;
  /** The body arrived after the last update. */
  #fresh = false;

  /**
   * `when`: `now` fetches the chunk as the element is made (a phone must register as soon as it
   * can); `connected` when it is put in a document; `asked` only when `load()` is called.
   * `loaded` gives what makes the body when the chunk is already here: the body is then made at
   * once, so the element's first update is already the body's (no idle frame, no extra task).
   */
  constructor(
    host: ReactiveElement,
    loader: BodyLoader<Body>,
    when: 'now' | 'connected' | 'asked' = 'connected',
    loaded?: () => (() => Body) | undefined,
  ) {
    this.#host = host;
    this.#loader = loader;
    this.#onConnect = when === 'connected';
    host.addController(this);
    const make = loaded?.();
    if (make) {
      this.body = make();
      this.#fresh = true;
    } else if (when === 'now') void this.load();
  }

  hostConnected(): void {
    if (this.#onConnect) void this.load();
  }

  /** Fetches the body once (again after a failure); settles when it is here or has failed. */
  load(): Promise<void> {
    if (this.body) return Promise.resolve();
    this.#loading ??= this.#loader().then(
      (make) => {
        this.body = make();
        this.failed = false;
        this.#fresh = true;
        this.#host.requestUpdate();
      },
      (error: unknown) => {
        console.warn(`<${this.#host.localName}>: its code did not load:`, error);
        this.failed = true;
        this.#loading = undefined;
        this.#host.requestUpdate();
      },
    );
    return this.#loading;
  }

  /** Settles when the body is here or its fetch failed; at once when no fetch was asked for. */
  get settled(): Promise<void> {
    return this.#loading ?? Promise.resolve();
  }

  /** For `willUpdate()`: the changes, with every property of the element on the body's first. */
  changes<T>(changed: PropertyValues<T>): PropertyValues<T> {
    if (!this.#fresh) return changed;
    this.#fresh = false;
    const all = changed as Map<PropertyKey, unknown>;
    const element = this.#host.constructor as typeof ReactiveElement;
    for (const key of element.elementProperties.keys()) if (!all.has(key)) all.set(key, undefined);
    return changed;
  }
}

/**
 * For a body that brings the rest of its element's styles: the element's own `static styles` (its
 * first-paint look) and then `styles`, on its shadow root.
 */
export function adoptBodyStyles(host: ReactiveElement, styles: CSSResultGroup): void {
  const root = host.renderRoot;
  if (!(root instanceof ShadowRoot)) return;
  const element = host.constructor as typeof ReactiveElement;
  const more = ([styles] as unknown[]).flat(Infinity) as CSSResultOrNative[];
  adoptStyles(root, [...element.elementStyles, ...more]);
}
