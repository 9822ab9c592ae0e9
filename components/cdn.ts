/**
 * The entry of `dist/sip-phone.js`, the one file a page includes from a CDN: importing it defines
 * every element. It exports the elements and their event classes; the helpers that put calls into
 * words (`bannerModel`, `bannerText`, `historyOutcome`) are the npm package's (`sip-phone`), not
 * this file's, because they would bring every word and outcome into its first paint.
 */
export { SipPhone } from './sip-phone/sip-phone.js';
export { SipDialpad } from './sip-dialpad/sip-dialpad.js';
export { SipCallBanner } from './sip-call-banner/sip-call-banner.js';
export { SipCallHistory } from './sip-call-history/sip-call-history.js';
export { SipDeviceSettings } from './sip-device-settings/sip-device-settings.js';
export { SipCallButton } from './sip-call-button/sip-call-button.js';
export { SipSelfTest } from './sip-self-test/sip-self-test.js';
export {
  SipRegistrationChangeEvent,
  SipCallChangeEvent,
  SipCallRequestEvent,
  SipDialpadPressEvent,
  SipRedialEvent,
  SipHistoryClearEvent,
  SipDeviceChangeEvent,
  SipQualityChangeEvent,
  SipSelfTestCompleteEvent,
  SipTransferRequestEvent,
  SipPresenceChangeEvent,
  SipVoicemailChangeEvent,
  SipAutoAnswerEvent,
} from './events.js';
export type {
  SipRegistrationChangeDetail,
  SipCallChangeDetail,
  SipCallRequestDetail,
  SipDialpadPressDetail,
  SipRedialDetail,
  SipDeviceChangeDetail,
  SipDeviceKind,
  SipQualityChangeDetail,
  SipSelfTestCompleteDetail,
  SipTransferRequestDetail,
  SipPresenceChangeDetail,
  SipVoicemailChangeDetail,
  SipAutoAnswerDetail,
} from './events.js';
// The core's types; its values are `sip-phone/core`, so that this entry stays light: the core (and
// JsSIP) come in chunks of their own.
export type * from '../src/index.js';
