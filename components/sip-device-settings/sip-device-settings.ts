import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles, panelHostStyles } from '../shared/base.styles.js';
import { LocaleController, afterWords } from '../controllers/locale-controller.js';
import { BodyController } from '../controllers/body-controller.js';

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
  // The rest of the look comes with the body (its lists and buttons are drawn by it).
  static override styles = [baseStyles, panelHostStyles];

  readonly #locale = new LocaleController(this);

  /** What the settings do (the device lists, the choices): fetched when it is connected. */
  readonly #code = new BodyController(this, () =>
    import('./sip-device-settings-body.js').then(
      ({ DeviceSettingsBody }) =>
        () =>
          new DeviceSettingsBody(this, this.#locale),
    ),
  );

  /** The chosen microphone (`''`: default). */
  @property() microphone = '';

  /** The chosen speaker (`''`: default). */
  @property() speaker = '';

  /** The chosen ringer (`''`: default). */
  @property() ringer = '';

  /** Lists the devices again (also done on every `devicechange`). */
  async refresh(): Promise<void> {
    await this.#code.load();
    await this.#code.body?.refresh();
  }

  protected override scheduleUpdate(): void | Promise<unknown> {
    return afterWords(this.#locale, () => super.scheduleUpdate());
  }

  // `await el.updateComplete` means the element is whole: its code is here and has rendered.
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#code.settled;
    return super.getUpdateComplete();
  }

  override render() {
    return this.#code.body?.render() ?? html`<div part="base"></div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-device-settings': SipDeviceSettings;
  }
}
