import { LitElement, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import { deviceSettingsStyles } from './sip-device-settings.styles.js';
import type { AudioDevices } from '../../src/index.js';
import { canChooseSpeaker, listAudioDevices } from '../../src/devices.js';
import { SipDeviceChangeEvent, type SipDeviceKind } from '../events.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';

/**
 * @tagname sip-device-settings
 * @summary Microphone, speaker and ringer pickers for `<sip-phone>`: lists the devices, follows
 * plugging and unplugging, and falls back to the default when a chosen device goes away.
 *
 * @fires sip-device-change - A device was chosen (or lost): `detail.kind`, `.deviceId` (`''` is the default), `.reason`.
 *
 * @csspart base - The wrapper.
 * @csspart field - Each label + select pair.
 * @csspart select - Each select.
 * @csspart notice - Tells what changed on its own (a device went away).
 * @csspart reveal-button - Asks for microphone access so device names can be shown.
 *
 * @cssprop --sip-color-text - Text colour.
 * @cssprop --sip-color-border - Select borders.
 */
@defineElement('sip-device-settings')
export class SipDeviceSettings extends LitElement {
  static override styles = [baseStyles, deviceSettingsStyles];

  readonly #locale = new LocaleController(this);

  /** The chosen microphone (`''`: default). */
  @property() microphone = '';

  /** The chosen speaker (`''`: default). */
  @property() speaker = '';

  /** The chosen ringer (`''`: default). */
  @property() ringer = '';

  @state() private devices: AudioDevices = { microphones: [], speakers: [] };
  @state() private notice = '';

  /** Lists the devices again (also done on every `devicechange`). */
  async refresh(): Promise<void> {
    this.devices = await listAudioDevices();
    // A chosen device that went away: fall back to the default, and say so.
    for (const kind of ['microphone', 'speaker', 'ringer'] as const) {
      const chosen = this[kind];
      const list = kind === 'microphone' ? this.devices.microphones : this.devices.speakers;
      if (chosen && !list.some((d) => d.deviceId === chosen)) {
        this[kind] = '';
        this.notice = this.#locale.strings.deviceDisconnected(this.#locale.strings[kind]);
        this.dispatchEvent(
          new SipDeviceChangeEvent({ kind, deviceId: '', reason: 'disconnected' }),
        );
      }
    }
  }

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener('devicechange', this.handleDeviceChange);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener('devicechange', this.handleDeviceChange);
  }

  private handleDeviceChange = (): void => {
    void this.refresh();
  };

  private handleSelect(event: Event): void {
    const select = event.currentTarget as HTMLSelectElement;
    const kind = select.dataset.kind as SipDeviceKind;
    this[kind] = select.value;
    this.notice = '';
    this.dispatchEvent(
      new SipDeviceChangeEvent({ kind, deviceId: select.value, reason: 'chosen' }),
    );
  }

  private async handleReveal(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      for (const track of stream.getTracks()) track.stop();
      this.notice = '';
    } catch {
      this.notice = this.#locale.strings.deviceNamesHidden;
    }
    await this.refresh();
  }

  private renderSelect(kind: SipDeviceKind, devices: MediaDeviceInfo[]) {
    const t = this.#locale.strings;
    const id = `${kind}-select`;
    return html`<div part="field" class="field">
      <label for=${id}>${t[kind]}</label>
      <select id=${id} part="select" data-kind=${kind} @change=${this.handleSelect}>
        <option value="" ?selected=${!this[kind]}>${t.systemDefault}</option>
        ${devices
          .filter((d) => d.deviceId && d.deviceId !== 'default')
          .map(
            (d, i) =>
              html`<option value=${d.deviceId} ?selected=${this[kind] === d.deviceId}>
                ${d.label || `${t[kind]} ${i + 1}`}
              </option>`,
          )}
      </select>
    </div>`;
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  override render() {
    const { microphones, speakers } = this.devices;
    const unnamed = microphones.length > 0 && microphones.every((d) => !d.label);
    return html`<div part="base">
      ${this.renderSelect('microphone', microphones)}
      ${
        canChooseSpeaker()
          ? html`${this.renderSelect('speaker', speakers)} ${this.renderSelect('ringer', speakers)}`
          : html`<p>${this.#locale.strings.defaultSpeakerOnly}</p>`
      }
      ${
        unnamed
          ? html`<button part="reveal-button" type="button" @click=${this.handleReveal}>
              ${this.#locale.strings.showDeviceNames}
            </button>`
          : nothing
      }
      <p part="notice" class="notice" role="status">${this.notice}</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-device-settings': SipDeviceSettings;
  }
}
