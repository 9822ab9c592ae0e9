/**
 * PresenceController: the busy lamps of the addresses in `watch` and the voicemail summary, from
 * the phone's subscriptions. It hands the lists to each new phone, keeps what the phone reports for
 * the card, fires `sip-presence-change` / `sip-voicemail-change`, and makes the one-press calls
 * (as the Call button does: `sip-call-request` first, which the page may veto).
 */
import type { ReactiveController, ReactiveControllerHost, ReactiveElement } from 'lit';
import { adoptBodyStyles } from './body-controller.js';
import { presenceStyles } from '../shared/presence-view.js';
import type { Lamp, Phone, VoicemailSummary } from '../../src/index.js';
import { SipCallRequestEvent, SipPresenceChangeEvent, SipVoicemailChangeEvent } from '../events.js';

/** The element: what to watch, and how it calls. */
export interface PresenceHost extends ReactiveControllerHost, HTMLElement {
  /** The addresses to watch. */
  readonly watch: readonly string[];
  /** The voicemail number ('' for none): set, the phone subscribes to the summary. */
  readonly voicemail: string;
  call(target: string): void;
}

// The phone's subscriptions live and end with the phone; connected, it brings the lamps' styles.
export class PresenceController implements ReactiveController {
  /** The lamps, in the order of `watch`. */
  lamps: Lamp[] = [];
  /** The last summary the server sent. */
  voicemail: VoicemailSummary | undefined;
  /** The latest lamp that started ringing, for the live region ("bob: ringing"). */
  ringing: Lamp | undefined;

  readonly #host: PresenceHost;
  #phone: Phone | undefined;

  constructor(host: PresenceHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    // The body's styles: the shadow root exists once the element is connected.
    adoptBodyStyles(this.#host as unknown as ReactiveElement, presenceStyles);
  }

  /** A new phone (a new configuration): give it the lists, listen to what it says. */
  readonly adopt = (phone: Phone): Array<() => void> => {
    this.#phone = phone;
    this.lamps = [];
    this.voicemail = undefined;
    const off = [
      phone.on('presence-change', (lamp) => this.#handleLamp(phone, lamp)),
      phone.on('voicemail-change', (summary) => this.#handleVoicemail(summary)),
    ];
    this.update();
    return off;
  };

  /** `watch` or `voicemail` changed (the element's willUpdate). */
  update(): void {
    const phone = this.#phone;
    if (!phone) return;
    phone.watch(this.#host.watch);
    phone.watchVoicemail(this.#host.voicemail !== '');
    this.lamps = phone.lamps;
  }

  /** A lamp's Call button (`data-target`). */
  readonly call = (event: Event): void => {
    const target = (event.currentTarget as HTMLElement).dataset['target'] ?? '';
    this.#callWithConsent(target);
  };

  /** "Call voicemail". */
  readonly callVoicemail = (): void => {
    this.#callWithConsent(this.#host.voicemail);
  };

  #callWithConsent(target: string): void {
    const host = this.#host;
    if (!target || !host.dispatchEvent(new SipCallRequestEvent({ target }))) return;
    try {
      host.call(target);
    } catch {
      // The element says why under the number field.
    }
  }

  #handleLamp(phone: Phone, lamp: Lamp): void {
    if (phone !== this.#phone) return;
    const before = this.lamps.find((l) => l.target === lamp.target);
    this.lamps = phone.lamps;
    if (lamp.state === 'ringing' && before?.state !== 'ringing') this.ringing = lamp;
    else if (this.ringing?.target === lamp.target && lamp.state !== 'ringing')
      this.ringing = undefined;
    this.#host.requestUpdate();
    const { target, state, via, status } = lamp;
    this.#host.dispatchEvent(
      new SipPresenceChangeEvent({
        target,
        state,
        ...(via ? { via } : {}),
        ...(status !== undefined ? { status } : {}),
        lamps: this.lamps.map((l) => ({ ...l })),
      }),
    );
  }

  #handleVoicemail(summary: VoicemailSummary): void {
    const before = this.voicemail;
    this.voicemail = summary;
    this.#host.requestUpdate();
    if (
      before?.waiting === summary.waiting &&
      before.newMessages === summary.newMessages &&
      before.oldMessages === summary.oldMessages
    ) {
      return;
    }
    this.#host.dispatchEvent(new SipVoicemailChangeEvent({ ...summary }));
  }
}
