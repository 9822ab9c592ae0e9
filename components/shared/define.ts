/**
 * `@customElement` that tolerates a second definition: a page that loads two builds (say the CDN
 * file and the kiosk build, or one script twice) keeps the first definition instead of throwing
 * and breaking everything after it.
 */
export const defineElement =
  (tag: string) =>
  (element: CustomElementConstructor): void => {
    if (!customElements.get(tag)) customElements.define(tag, element);
  };
