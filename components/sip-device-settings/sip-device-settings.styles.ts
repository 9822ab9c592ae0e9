import { css } from 'lit';
import { outlinedControlStyles } from '../shared/base.styles.js';

/** `<sip-device-settings>`'s own styles, after `baseStyles`. */
export const deviceSettingsStyles = [
  outlinedControlStyles,
  css`
    .field {
      display: grid;
      gap: 0.2em;
      margin-bottom: 0.6em;
      font-size: 0.9em;
    }
    select,
    button {
      padding: 0.35em;
    }
    .notice {
      font-size: 0.85em;
      min-height: 1.2em;
      margin: 0;
    }
  `,
];
