import { css } from 'lit';

/** `<sip-dialpad>`'s own styles, after `baseStyles`. */
export const dialpadStyles = css`
  /* The keypad takes the font and colour of where it stands (the base's are undone), as before:
     inside <sip-phone> and <sip-call-button> that is --sip-font already. */
  :host {
    display: block;
    font-family: inherit;
    color: inherit;
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
    cursor: pointer;
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
