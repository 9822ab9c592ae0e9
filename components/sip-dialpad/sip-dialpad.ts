import { LitElement, html, css } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
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
  static override styles = css`
    :host {
      display: block;
    }
    .grid {
      display: grid;
      grid-template-columns: repeat(3, 1fr);
      gap: var(--sip-dialpad-gap, 0.5em);
    }
    button {
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      min-height: var(--sip-key-size, 3.2em);
      border: 1px solid var(--sip-color-border, #d1d5db);
      border-radius: var(--sip-radius, 8px);
      background: var(--sip-key-background, var(--sip-color-surface, #ffffff));
      color: var(--sip-key-color, var(--sip-color-text, #111827));
      font: inherit;
      cursor: pointer;
    }
    button:focus-visible {
      outline: 3px solid var(--sip-color-focus, #2563eb);
      outline-offset: 2px;
    }
    button:disabled {
      opacity: 0.5;
      cursor: not-allowed;
    }
    .digit {
      font-size: 1.3em;
      font-weight: 600;
    }
    .letters {
      font-size: 0.65em;
      letter-spacing: 0.1em;
      min-height: 1em;
    }
  `;

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
