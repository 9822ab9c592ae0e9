import { css } from 'lit';

/** `<sip-call-banner>`'s own styles, after `baseStyles` and `bannerStyles` (shared/banner-view). */
export const callBannerStyles = css`
  /* The banner takes the font and colour of where it stands (the base's are undone), as before. */
  :host {
    font-family: inherit;
    color: inherit;
  }
`;
