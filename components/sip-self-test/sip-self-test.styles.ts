import { css } from 'lit';
import { outlinedControlStyles } from '../shared/base.styles.js';

/** `<sip-self-test>`'s own styles, after `baseStyles`. */
export const selfTestStyles = [
  outlinedControlStyles,
  css`
    button {
      padding: 0.4em 0.8em;
      cursor: pointer;
    }
    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: 0.5em;
    }
    .summary {
      margin: 0.6em 0;
      min-height: 1.3em;
    }
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
      display: grid;
      gap: 0.5em;
    }
    li {
      border-left: 4px solid var(--sip-color-border, #d1d5db);
      padding: 0.2em 0.6em;
    }
    li[data-status='pass'] {
      border-color: var(--sip-color-accept, #15803d);
    }
    li[data-status='fail'] {
      border-color: var(--sip-color-danger, #b91c1c);
    }
    li[data-status='warn'] {
      border-color: var(--sip-color-warning, #b45309);
    }
    .name {
      font-weight: 600;
    }
    .detail,
    .fix {
      margin: 0.2em 0 0;
      font-size: 0.9em;
      overflow-wrap: anywhere;
    }
    .prompt {
      margin: 0.6em 0;
      padding: 0.6em;
      border: 1px solid var(--sip-color-border, #d1d5db);
      border-radius: var(--sip-radius, 8px);
    }
    .prompt p {
      margin: 0 0 0.5em;
    }
  `,
];
