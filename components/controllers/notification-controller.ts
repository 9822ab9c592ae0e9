/**
 * NotificationController: a desktop notification while a call rings for us and nobody is looking
 * at the page (when the element enables it and the user allowed it). Permission is asked on the
 * first press inside the element, the only moment browsers allow asking; clicking the
 * notification brings the page and the element to the front.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { CallSnapshot } from '../../src/call.js';
import { shouldNotify } from '../../src/tones.js';

export interface NotificationControllerOptions {
  /** Notifications are on (the element's `notifications`). */
  enabled(): boolean;
  /** The notification's title and text for a ringing call, in the element's language. */
  words(snapshot: CallSnapshot): { title: string; body: string };
}

export class NotificationController implements ReactiveController {
  /** The notification shown for the ringing call, if any. */
  current: Notification | undefined;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: NotificationControllerOptions;

  constructor(host: ReactiveControllerHost & HTMLElement, options: NotificationControllerOptions) {
    this.#host = host;
    this.#options = options;
    host.addController(this);
  }

  /** Shows the notification for a call that starts ringing; closes it once that call stops. */
  update(snapshot: CallSnapshot): void {
    if (snapshot.state !== 'incoming') {
      if (this.current?.tag === snapshot.id) {
        this.current.close();
        this.current = undefined;
      }
      return;
    }
    const permission =
      typeof Notification === 'undefined' ? 'unsupported' : Notification.permission;
    const visibility = document.visibilityState;
    const enabled = this.#options.enabled();
    if (!shouldNotify({ enabled, permission, visibility, snapshot })) return;
    this.current?.close();
    const { title, body } = this.#options.words(snapshot);
    const notification = new Notification(title, {
      body,
      tag: snapshot.id,
      requireInteraction: true,
    });
    notification.addEventListener('click', () => {
      window.focus();
      this.#host.focus();
      notification.close();
    });
    this.current = notification;
  }

  hostConnected(): void {
    this.#host.addEventListener('pointerdown', this.#askPermission, { once: true });
  }

  hostDisconnected(): void {
    this.#host.removeEventListener('pointerdown', this.#askPermission);
    this.current?.close();
  }

  readonly #askPermission = (): void => {
    if (
      this.#options.enabled() &&
      typeof Notification !== 'undefined' &&
      Notification.permission === 'default'
    ) {
      void Notification.requestPermission();
    }
  };
}
