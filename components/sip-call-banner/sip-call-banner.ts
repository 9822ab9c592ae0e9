import { LitElement, html } from 'lit';
import { property } from 'lit/decorators.js';
import { defineElement } from '../shared/define.js';
import { baseStyles } from '../shared/base.styles.js';
import type { CallSnapshot } from '../../src/index.js';
import {
  bannerStyles,
  bannerTemplate,
  idleBanner,
  type BannerModel,
} from '../shared/banner-view.js';
import { BodyController } from '../controllers/body-controller.js';
import { firstPaintStrings } from '../../src/i18n/languages.js';
import { callBannerStyles } from './sip-call-banner.styles.js';

/**
 * A call's banner before the words of calls are here (a few ms after the element is connected): the
 * outcome the core put in the snapshot, in English, so that a failure is never blank.
 */
function bannerBeforeWords(snapshot: CallSnapshot): BannerModel {
  const { state, status, outcome } = snapshot;
  const over = state === 'ended' || state === 'failed';
  return {
    state,
    ...(status !== undefined ? { status } : {}),
    severity: outcome?.severity ?? (state === 'failed' ? 'error' : over ? 'info' : 'progress'),
    title: outcome?.title ?? (status !== undefined ? `SIP ${status}` : ''),
    text: outcome?.explanation ?? '',
    role: state === 'failed' ? 'alert' : 'status',
  };
}

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

  /** The words of calls (../shared/banner.ts): fetched when the banner is connected. */
  readonly #words = new BodyController(this, () =>
    import('../shared/banner.js').then(
      ({ bannerModel }) =>
        () =>
          bannerModel,
    ),
  );

  /** The call snapshot to describe; unset means "no call". */
  @property({ attribute: false }) snapshot: CallSnapshot | undefined;

  // `await el.updateComplete` means the banner says the call in its words.
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.#words.settled;
    return super.getUpdateComplete();
  }

  override render() {
    const { snapshot } = this;
    const bannerModel = this.#words.body;
    const model = bannerModel
      ? bannerModel(snapshot)
      : snapshot
        ? bannerBeforeWords(snapshot)
        : idleBanner(firstPaintStrings('en').ready, firstPaintStrings('en').readyText);
    return html`${bannerTemplate(model)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sip-call-banner': SipCallBanner;
  }
}
