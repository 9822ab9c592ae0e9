/**
 * The look of `<sip-call-button>` in every state, as one template of plain data: the button waits
 * (idle, cooldown), or the call's banner shows with Hang up (and the keypad). The element paints its
 * idle look with it from the first paint; its body renders the same template, so it takes over in
 * place (the button that has focus keeps it). The banner is one live region from the first paint on:
 * hidden from sight while the button waits (it has nothing to say), heard as soon as a call starts.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { bannerTemplate, idleBanner, type BannerModel } from '../shared/banner-view.js';
import type { SipDialpadPressEvent } from '../events.js';
import '../sip-dialpad/sip-dialpad.js';

export interface CallButtonView {
  lang: string;
  /** The button's label when the page gives none (slot fallback). */
  label: string;
  /** The banner of the call on show; undefined while the button waits. */
  banner: BannerModel | undefined;
  /** The call on show is not over yet: Hang up instead of the button. */
  live: boolean;
  /** Show the keypad (the call is connected and the element has `keypad`). */
  keypad: boolean;
  hangUpLabel: string;
  /** The button cannot call now (cooldown, no target). */
  disabled: boolean;
  /** "Please wait 3 s before calling again.", while the cooldown runs. */
  cooldown: string | undefined;
}

export interface CallButtonHandlers {
  warmUp: () => void;
  click: () => void;
  hangup: () => void;
  press: (event: SipDialpadPressEvent) => void;
}

export function callButtonTemplate(view: CallButtonView, on: CallButtonHandlers): TemplateResult {
  const { banner, live } = view;
  return html`<div part="base" class="base">
    ${bannerTemplate(banner ?? idleBanner())}
    ${
      live
        ? html`<button part="hangup-button" class="hangup" type="button" @click=${on.hangup}>
              ${view.hangUpLabel}
            </button>
            ${
              view.keypad
                ? html`<sip-dialpad
                    part="dialpad"
                    lang=${view.lang}
                    @sip-dialpad-press=${on.press}
                  ></sip-dialpad>`
                : nothing
            }`
        : banner
          ? nothing
          : html`<button
                part="button"
                class="call"
                type="button"
                ?disabled=${view.disabled}
                @pointerenter=${on.warmUp}
                @focus=${on.warmUp}
                @touchstart=${on.warmUp}
                @click=${on.click}
              >
                <slot>${view.label}</slot>
              </button>
              ${
                view.cooldown
                  ? html`<p part="cooldown" class="cooldown" role="status">${view.cooldown}</p>`
                  : nothing
              }`
    }
    <audio autoplay hidden></audio>
  </div>`;
}
