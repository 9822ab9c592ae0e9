import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import { dialpadStyles } from './sip-dialpad.styles.js';
import { SipDialpadPressEvent } from '../events.js';
// The language only, and the keypad's name from the light first-paint words: the kiosk button
// defines this element in its first paint, without the UI catalogues.
import { LangController } from '../controllers/lang-controller.js';
import { firstPaintStrings } from '../../src/i18n/languages.js';

const KEYS: ReadonlyArray<readonly [key: string, letters: string]> = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

/**
 * @tagname sip-dialpad
 * @summary A telephone keypad: twelve real buttons, usable by pointer, touch and keyboard.
 *
 * @fires sip-dialpad-press - A key was pressed; `detail.key` is 0-9, `*` or `#`.
 *
 * @csspart base - The key grid.
 * @csspart key - Each key button.
 * @csspart digit - The digit on a key.
 * @csspart letters - The letters under a digit.
 *
 * @cssprop --sip-dialpad-gap - Space between keys.
 * @cssprop --sip-key-size - Minimum height of a key.
 * @cssprop --sip-key-background - Key background.
 * @cssprop --sip-key-color - Key text colour.
 */
@defineElement('sip-dialpad')
export class SipDialpad extends LitElement {
  static override styles = [baseStyles, dialpadStyles];

  readonly #lang = new LangController(this);

  /** Disables every key. */
  @property({ type: Boolean, reflect: true }) disabled = false;

  /** Presses a key programmatically (fires `sip-dialpad-press`). */
  press(key: string): void {
    if (this.disabled || !KEYS.some(([k]) => k === key)) return;
    this.dispatchEvent(new SipDialpadPressEvent({ key }));
  }

  private handleClick(event: Event): void {
    const key = (event.currentTarget as HTMLButtonElement).dataset.key;
    if (key) this.press(key);
  }

  override render() {
    return html`<div
      part="base"
      class="grid"
      role="group"
      aria-label=${firstPaintStrings(this.#lang.lang).dialPad}
    >
      ${KEYS.map(
        ([key, letters]) =>
          html`<button
            part="key"
            type="button"
            data-key=${key}
            ?disabled=${this.disabled}
            @click=${this.handleClick}
          >
            <span part="digit" class="digit">${key}</span>
            <span part="letters" class="letters">${letters}</span>
          </button>`,
      )}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-dialpad': SipDialpad;
  }
}
