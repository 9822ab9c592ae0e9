/**
 * The styles the elements share. `baseStyles` comes first in every element's `static styles`, so
 * the element's own sheet (`<name>.styles.ts`, next to it) comes after and wins on equal
 * specificity. Plain `css` only: the kiosk button's first paint includes this module.
 */
import { css } from 'lit';

/**
 * Every element: the host's font and text colour, form controls in that font, the focus ring and
 * `.visually-hidden`.
 */
export const baseStyles = css`
  :host {
    font-family: var(--sip-font, system-ui, sans-serif);
    color: var(--sip-color-text, #111827);
  }
  button,
  input,
  select {
    font: inherit;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible {
    outline: 3px solid var(--sip-color-focus, #2563eb);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;

/**
 * The outlined control of the side panels (`<sip-call-history>`, `<sip-device-settings>`,
 * `<sip-self-test>`), on the surface colour. Each panel sets its own padding, and its cursor.
 */
export const outlinedControlStyles = css`
  button,
  select {
    border: 1px solid var(--sip-color-border, #d1d5db);
    border-radius: var(--sip-radius, 8px);
    background: var(--sip-color-surface, #ffffff);
    color: inherit;
  }
`;

/**
 * The side panels (`<sip-call-history>`, `<sip-device-settings>`, `<sip-self-test>`) before their
 * body, which brings the rest of their look, is here: a block that takes its place at once.
 */
export const panelHostStyles = css`
  :host {
    display: block;
  }
`;
