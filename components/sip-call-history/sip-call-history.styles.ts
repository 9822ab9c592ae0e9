import { css } from 'lit';
import { outlinedControlStyles } from '../shared/base.styles.js';

/** `<sip-call-history>`'s own styles, after `baseStyles`. */
export const callHistoryStyles = [
  outlinedControlStyles,
  css`
    ul {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    li {
      display: grid;
      grid-template-columns: 5.5em 1fr auto;
      align-items: center;
      gap: 0.5em;
      padding: 0.4em 0;
      border-bottom: 1px solid var(--sip-color-border, #e5e7eb);
      font-size: 0.9em;
    }
    .peer {
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
    .meta {
      display: block;
      font-size: 0.85em;
      opacity: 0.8;
    }
    [data-state='failed'] .outcome,
    [data-direction='missed'] .direction {
      color: var(--sip-color-danger, #b91c1c);
    }
    button {
      padding: 0.3em 0.7em;
      cursor: pointer;
    }
    .toolbar {
      display: flex;
      justify-content: flex-end;
      margin-top: 0.5em;
    }
  `,
];
