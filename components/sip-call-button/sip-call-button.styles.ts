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
  /* The banner stands on the page, not on a card: the surface colour, with a border, so that it
     shows on a page whose background is the raised surface (the example pages' is). */
  .banner {
    background: var(--sip-banner-background, var(--sip-color-surface, #ffffff));
    border: 1px solid var(--sip-color-border, #d1d5db);
    border-inline-start: 4px solid var(--sip-banner-accent, var(--sip-color-neutral, #6b7280));
  }
  /* While the button waits the banner has nothing to say: out of sight, but still the live region
     that will speak when a call starts (a region shown only then might not be announced). */
  .banner[data-state='idle'] {
    position: absolute;
    width: 1px;
    height: 1px;
    min-height: 0;
    padding: 0;
    border: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
