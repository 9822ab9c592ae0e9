/**
 * The card of `<sip-phone>` in every state: the registration line, the banner, the transfer and
 * sound prompts, the notice and timer, call quality, the lines, the number and keypad, the in-call
 * controls and the actions, filled into the skeleton of ./card-view.ts (which the element's idle
 * card, painted before this module is here, shares). One template of what the phone shows (`PhoneView`, plain data) and
 * what its controls do (`PhoneHandlers`, called with the rendering element as `this`).
 */
import type { nothing, TemplateResult } from 'lit';
import { uiStrings, type UiStrings } from '../../src/i18n/ui.js';
import type { CallSnapshot } from '../../src/call.js';
import { isLiveCallState } from '../../src/call-machine.js';
import type { QualityIssue } from '../../src/quality.js';
import type { RegistrationSnapshot, TransferRequest } from '../../src/index.js';
import type { SipDialpadPressEvent } from '../events.js';
import { bannerModel, bannerTemplate, disconnectedBanner, type BannerModel } from './banner.js';
import { connectionLost, registrationLine } from './registration-line.js';
import { cardTemplate, dialTemplate, registrationTemplate } from './card-view.js';
import { noticeText, type NoticeContext } from './notice.js';
import { linesModel, linesTemplate } from './lines.js';
import {
  actionsTemplate,
  controlsTemplate,
  qualityTemplate,
  soundPromptTemplate,
  timerTemplate,
  transferPromptTemplate,
} from './phone-controls.js';

type Handler = (event: Event) => void;

/** What the phone shows. */
export interface PhoneView {
  lang: string;
  /** The time to show the call timer and the retry countdown at (epoch ms). */
  now: number;
  registration: RegistrationSnapshot;
  /** The account's SIP URI, once the phone is configured. */
  uri: string | undefined;
  /** Why the configuration was refused, when it was. */
  configError: Error | undefined;
  /** Configured, and the phone's code is on its way (the registration line says "Connecting…"). */
  connecting: boolean;
  /** How many calls the phone takes at once; undefined until it is configured. */
  maxLines: number | undefined;
  /** Every call not over yet, oldest first. */
  lines: readonly CallSnapshot[];
  /** The call on show, if any. */
  shown: CallSnapshot | undefined;
  /** A transfer the far end asks for, while it waits for the user's answer. */
  transferPrompt: TransferRequest | undefined;
  /** A ringing call about to be answered by itself (`auto-answer`), and after how many seconds. */
  autoAnswer?: { id: string; seconds: number } | undefined;
  /** The browser blocks audio until the user clicks. */
  soundBlocked: boolean;
  /** What the notice says besides the shown call's own news: devices, transfer requests. */
  notices: Omit<NoticeContext, 'lang'>;
  /** Call-quality warnings on the shown call. */
  issues: readonly QualityIssue[];
  /** The number field. */
  number: string;
  /** Why the last call attempt or action was refused (shown under the number field). */
  error: string;
  /** The voicemail badge and the busy lamps (presence-view.ts), when there are any. */
  presence?: TemplateResult | typeof nothing;
  /** Tabs share one phone and another tab of this browser holds it. */
  elsewhere?: boolean;
}

/** What the controls do. */
export interface PhoneHandlers {
  retryNow: Handler;
  enableSound: Handler;
  transferPrompt: { accept: Handler; decline: Handler; keydown: (event: KeyboardEvent) => void };
  /** A button in the lines list (`data-call`, `data-action`). */
  line: Handler;
  submit: (event: SubmitEvent) => void;
  input: (event: InputEvent) => void;
  press: (event: SipDialpadPressEvent) => void;
  mute: Handler;
  hold: Handler;
  transfer: Handler;
  answer: Handler;
  reject: Handler;
  hangup: Handler;
  /** The pointer or focus reached Call. */
  callIntent: Handler;
}

/**
 * The ringing call's banner, when it is about to be answered by itself: it says so, in the same
 * announcement as the call (the seconds are said once, not counted down in the live region).
 */
function autoAnswerBanner(
  model: BannerModel,
  shown: CallSnapshot | undefined,
  pending: PhoneView['autoAnswer'],
  t: UiStrings,
): BannerModel {
  if (!pending || shown?.id !== pending.id || shown.state !== 'incoming') return model;
  return { ...model, action: t.autoAnswering(pending.seconds) };
}

/** The card, in whatever state the phone is. */
export function phoneTemplate(view: PhoneView, on: PhoneHandlers): TemplateResult {
  const { lang, lines, maxLines, registration, shown } = view;
  const t = uiStrings(lang);
  const state = shown?.state ?? 'idle';
  const { uri, configError, connecting, now } = view;
  return cardTemplate({
    registration: registrationTemplate(
      registrationLine(registration, {
        now,
        uri,
        configError,
        connecting,
        lang,
        elsewhere: view.elsewhere === true,
      }),
      on.retryNow,
    ),
    banner: bannerTemplate(
      !shown && connectionLost(registration)
        ? disconnectedBanner(lang)
        : autoAnswerBanner(bannerModel(shown, lang), shown, view.autoAnswer, t),
    ),
    transferPrompt: transferPromptTemplate(view.transferPrompt, t, on.transferPrompt),
    soundPrompt: soundPromptTemplate(view.soundBlocked, t, on.enableSound),
    notice: noticeText(shown, { ...view.notices, lang }),
    timer: timerTemplate(shown, t, now),
    quality: qualityTemplate(view.issues, t),
    lines: linesTemplate(linesModel(lines, shown?.id, lang), on.line),
    dial: dialTemplate(view.number, view.error, t, {
      lang,
      readonly: isLiveCallState(state) && lines.length >= (maxLines ?? 1),
      submit: on.submit,
      input: on.input,
      press: on.press,
    }),
    controls: controlsTemplate(shown, t, {
      lines: lines.length,
      mute: on.mute,
      hold: on.hold,
      transfer: on.transfer,
    }),
    actions: actionsTemplate(state, t, {
      shown: shown !== undefined,
      callDisabled: maxLines === undefined || lines.length >= maxLines,
      answer: on.answer,
      reject: on.reject,
      hangup: on.hangup,
      callIntent: on.callIntent,
    }),
    presence: view.presence,
  });
}
