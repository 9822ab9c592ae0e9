import { css } from 'lit';

/** `<sip-call-button>`'s own styles, after `baseStyles` and the banner's. */
export const callButtonStyles = css`
  :host {
    display: inline-block;
  }
  .base {
    display: grid;
    gap: 0.75em;
    min-width: 14em;
  }
  button {
    cursor: pointer;
    border: none;
    border-radius: var(--sip-radius, 8px);
    color: var(--sip-color-on-accent, #ffffff);
  }
  /* The base's focus ring, a little further out around the big buttons. */
  button:focus-visible {
    outline-offset: 3px;
  }
  button:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  .call {
    font-size: var(--sip-call-button-size, 1.5em);
    font-weight: 700;
    padding: 0.8em 1.4em;
    background: var(--sip-color-accept, #15803d);
  }
  .hangup {
    font-size: 1.2em;
    font-weight: 700;
    padding: 0.7em 1.2em;
    background: var(--sip-color-danger, #b91c1c);
  }
  .cooldown {
    margin: 0;
    font-size: 0.9em;
  }
`;
