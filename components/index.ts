/**
 * The sip-phone elements. Importing this module defines `<sip-phone>`, `<sip-dialpad>` and
 * `<sip-call-banner>`; it is the entry of `dist/sip-phone.js`.
 */
export { SipPhone } from './sip-phone/sip-phone.js';
export { SipDialpad } from './sip-dialpad/sip-dialpad.js';
export { SipCallBanner } from './sip-call-banner/sip-call-banner.js';
export { SipCallHistory } from './sip-call-history/sip-call-history.js';
export { historyOutcome } from './sip-call-history/history-outcome.js';
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
} from './events.js';
export { bannerModel, bannerText } from './shared/banner.js';
export type { BannerModel } from './shared/banner.js';
// The core's types; its values are `sip-phone/core`, so that this entry stays light: the CDN file
// fetches the core (and JsSIP) as a chunk of its own when an element needs it.
export type * from '../src/index.js';
