import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import type { CallSnapshot } from '../../src/index.js';
import { bannerModel, bannerStyles, bannerTemplate } from '../shared/banner.js';
import { callBannerStyles } from './sip-call-banner.styles.js';

/**
 * @tagname sip-call-banner
 * @summary Shows a call's state as a clear, accessible banner (an ARIA live region).
 *
 * @csspart banner - The live region; carries `data-state` and `data-status`.
 * @csspart banner-title - The short title (e.g. "Busy").
 * @csspart banner-text - The one-line explanation.
 * @csspart banner-action - What to do next, when there is something to do.
 *
 * @cssprop --sip-banner-background - Banner background.
 * @cssprop --sip-banner-padding - Banner padding.
 * @cssprop --sip-color-progress - Accent while a call is being set up.
 * @cssprop --sip-color-success - Accent while connected.
 * @cssprop --sip-color-warning - Accent for temporary failures (busy, unavailable).
 * @cssprop --sip-color-danger - Accent for failures.
 */
@defineElement('sip-call-banner')
export class SipCallBanner extends LitElement {
  static override styles = [baseStyles, bannerStyles, callBannerStyles];

  /** The call snapshot to describe; unset means "no call". */
  @property({ attribute: false }) snapshot: CallSnapshot | undefined;

  override render() {
    return html`${bannerTemplate(bannerModel(this.snapshot))}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-banner': SipCallBanner;
  }
}
