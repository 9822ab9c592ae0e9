import { css } from 'lit';

export const phoneStyles = css`
  :host {
    display: block;
    max-width: var(--sip-phone-width, 22em);
  }
  :host([hidden]) {
    display: none;
  }
  .card {
    display: flex;
    flex-direction: column;
    gap: 0.75em;
    padding: 1em;
    border: 1px solid var(--sip-color-border, #d1d5db);
    border-radius: var(--sip-radius, 8px);
    background: var(--sip-color-surface, #ffffff);
  }
  .registration {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5em;
    font-size: 0.85em;
  }
  .retry-now {
    padding: 0.1em 0.6em;
  }
  .dot {
    width: 0.6em;
    height: 0.6em;
    border-radius: 50%;
    background: var(--sip-color-neutral, #6b7280);
    flex: none;
  }
  .registration[data-state='registered'] .dot {
    background: var(--sip-color-success, #15803d);
  }
  .registration[data-state='registering'] .dot {
    background: var(--sip-color-progress, #2563eb);
  }
  .registration[data-state='failed'] .dot {
    background: var(--sip-color-danger, #b91c1c);
  }
  .sound-prompt {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.5em;
    border-radius: var(--sip-radius, 8px);
    background: var(--sip-color-warning-surface, #fef3c7);
    color: var(--sip-color-warning-text, #78350f);
    font-size: 0.85em;
  }
  .sound-prompt button {
    font-weight: 600;
    padding: 0.35em 0.7em;
    border-radius: var(--sip-radius, 8px);
    border: 1px solid currentColor;
    background: transparent;
    color: inherit;
    cursor: pointer;
  }
  .transfer-prompt {
    display: grid;
    gap: 0.5em;
    padding: 0.6em;
    border-radius: var(--sip-radius, 8px);
    border: 2px solid var(--sip-color-focus, #2563eb);
    background: var(--sip-color-surface, #fff);
  }
  .transfer-prompt p {
    margin: 0;
  }
  .transfer-prompt .choices {
    display: flex;
    gap: 0.5em;
  }
  /* The transfer prompt's buttons keep the browser's button font, as before (base reset undone). */
  .transfer-prompt button {
    flex: 1;
    font: revert;
  }
  .quality.poor {
    padding: 0.4em 0.6em;
    border-radius: var(--sip-radius, 8px);
    background: var(--sip-color-warning-surface, #fef3c7);
    color: var(--sip-color-warning-text, #78350f);
    font-size: 0.85em;
  }
  .status-row {
    display: flex;
    justify-content: space-between;
    align-items: baseline;
    min-height: 1.2em;
    font-size: 0.85em;
  }
  .timer {
    font-variant-numeric: tabular-nums;
    font-weight: 600;
  }
  .lines {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: 0.35em;
  }
  .line {
    display: flex;
    align-items: center;
    gap: 0.5em;
    padding: 0.35em 0.5em;
    border: 1px solid var(--sip-color-border, #d1d5db);
    border-radius: var(--sip-radius, 8px);
    font-size: 0.85em;
  }
  .line[data-focused] {
    border-color: var(--sip-color-focus, #2563eb);
  }
  .line .who {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  label {
    font-size: 0.85em;
    font-weight: 600;
  }
  input {
    width: 100%;
    box-sizing: border-box;
    padding: 0.5em 0.6em;
    font-size: 1.2em;
    border: 1px solid var(--sip-color-border, #d1d5db);
    border-radius: var(--sip-radius, 8px);
    background: var(--sip-color-surface, #ffffff);
    color: inherit;
  }
  .error {
    margin: 0;
    min-height: 1.2em;
    font-size: 0.85em;
    color: var(--sip-color-danger, #b91c1c);
  }
  .actions,
  .controls {
    display: flex;
    gap: 0.5em;
  }
  .actions button,
  .controls button,
  .line button {
    flex: 1;
    padding: 0.7em;
    border: none;
    border-radius: var(--sip-radius, 8px);
    font-weight: 600;
    color: var(--sip-color-on-accent, #ffffff);
    cursor: pointer;
  }
  .line button {
    flex: none;
    padding: 0.3em 0.7em;
  }
  .controls button {
    padding: 0.5em;
    color: var(--sip-color-text, #111827);
    background: var(--sip-key-background, var(--sip-color-surface-raised, #f3f4f6));
    border: 1px solid var(--sip-color-border, #d1d5db);
  }
  .controls button[aria-pressed='true'] {
    color: var(--sip-color-on-accent, #ffffff);
    background: var(--sip-color-progress, #2563eb);
  }
  button:disabled {
    opacity: 0.5;
    cursor: not-allowed;
  }
  .accept {
    background: var(--sip-color-accept, #15803d);
  }
  .danger {
    background: var(--sip-color-danger, #b91c1c);
  }
  .neutral {
    background: var(--sip-color-neutral, #4b5563);
  }
`;
