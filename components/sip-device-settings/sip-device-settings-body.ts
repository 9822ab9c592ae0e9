/**
 * What `<sip-device-settings>` does: it lists the microphones and speakers (again on every plug and
 * unplug), lets the user choose, falls back to the default when a chosen device goes away and says
 * so. A chunk of its own, fetched when the element is put in a page.
 */
import { html, nothing, type ReactiveController } from 'lit';
import { uiStrings } from '../../src/i18n/ui.js';
import type { AudioDevices } from '../../src/index.js';
import { canChooseSpeaker, listAudioDevices } from '../../src/devices.js';
import { SipDeviceChangeEvent, type SipDeviceKind } from '../events.js';
import type { LocaleController } from '../controllers/locale-controller.js';
import { adoptBodyStyles } from '../controllers/body-controller.js';
import { deviceSettingsStyles } from './sip-device-settings.styles.js';
import type { SipDeviceSettings } from './sip-device-settings.js';

export class DeviceSettingsBody implements ReactiveController {
  readonly #host: SipDeviceSettings;
  readonly #locale: LocaleController;
  #devices: AudioDevices = { microphones: [], speakers: [] };
  #notice = '';

  constructor(host: SipDeviceSettings, locale: LocaleController) {
    this.#host = host;
    this.#locale = locale;
    adoptBodyStyles(host, deviceSettingsStyles);
    host.addController(this);
  }

  /** The UI strings in the element's language. */
  get #t() {
    return uiStrings(this.#locale.lang);
  }

  /** Lists the devices again (also done on every `devicechange`). */
  async refresh(): Promise<void> {
    const host = this.#host;
    this.#devices = await listAudioDevices();
    // A chosen device that went away: fall back to the default, and say so.
    for (const kind of ['microphone', 'speaker', 'ringer'] as const) {
      const chosen = host[kind];
      const list = kind === 'microphone' ? this.#devices.microphones : this.#devices.speakers;
      if (chosen && !list.some((d) => d.deviceId === chosen)) {
        host[kind] = '';
        this.#notice = this.#t.deviceDisconnected(this.#t[kind]);
        host.dispatchEvent(
          new SipDeviceChangeEvent({ kind, deviceId: '', reason: 'disconnected' }),
        );
      }
    }
    host.requestUpdate();
  }

  hostConnected(): void {
    navigator.mediaDevices?.addEventListener('devicechange', this.#handleDeviceChange);
    void this.refresh();
  }

  hostDisconnected(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.#handleDeviceChange);
  }

  readonly #handleDeviceChange = (): void => {
    void this.refresh();
  };

  readonly #handleSelect = (event: Event): void => {
    const select = event.currentTarget as HTMLSelectElement;
    const kind = select.dataset.kind as SipDeviceKind;
    this.#host[kind] = select.value;
    this.#notice = '';
    this.#host.dispatchEvent(
      new SipDeviceChangeEvent({ kind, deviceId: select.value, reason: 'chosen' }),
    );
  };

  readonly #handleReveal = async (): Promise<void> => {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of stream.getTracks()) track.stop();
      this.#notice = '';
    } catch {
      this.#notice = this.#t.deviceNamesHidden;
    }
    await this.refresh();
  };

  #renderSelect(kind: SipDeviceKind, devices: MediaDeviceInfo[]) {
    const chosen = this.#host[kind];
    const id = `${kind}-select`;
    return html`<div part="field" class="field">
      <label for=${id}>${this.#t[kind]}</label>
      <select id=${id} part="select" data-kind=${kind} @change=${this.#handleSelect}>
        <option value="" ?selected=${!chosen}>${this.#t.systemDefault}</option>
        ${devices
          .filter((d) => d.deviceId && d.deviceId !== 'default')
          .map(
            (d, i) =>
              html`<option value=${d.deviceId} ?selected=${chosen === d.deviceId}>
                ${d.label || `${this.#t[kind]} ${i + 1}`}
              </option>`,
          )}
      </select>
    </div>`;
  }

  render() {
    const { microphones, speakers } = this.#devices;
    const unnamed = microphones.length > 0 && microphones.every((d) => !d.label);
    return html`<div part="base">
      ${this.#renderSelect('microphone', microphones)}
      ${
        canChooseSpeaker()
          ? html`${this.#renderSelect('speaker', speakers)}
            ${this.#renderSelect('ringer', speakers)}`
          : html`<p>${this.#t.defaultSpeakerOnly}</p>`
      }
      ${
        unnamed
          ? html`<button part="reveal-button" type="button" @click=${this.#handleReveal}>
              ${this.#t.showDeviceNames}
            </button>`
          : nothing
      }
      <p part="notice" class="notice" role="status">${this.#notice}</p>
    </div>`;
  }
}
