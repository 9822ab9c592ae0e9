/**
 * `sip-phone/react`: a React component for each element, made by `@lit/react`'s `createComponent`.
 * Props are the element's properties (set as properties, so objects and functions such as
 * `config` or `credentials` arrive whole); each `sip-*` event the element fires is an `on…` prop
 * (`sip-call-change` → `onSipCallChange`) whose handler gets the typed event. Importing this
 * module defines the elements. React and `@lit/react` are optional peer dependencies of the
 * package: only this entry needs them.
 *
 * Imports point down only: this module builds on the elements; nothing in components/ or src/
 * imports it.
 */
import * as React from 'react';
import { createComponent, type EventName } from '@lit/react';
import { SipCallBanner as SipCallBannerElement } from '../sip-call-banner/sip-call-banner.js';
import { SipCallButton as SipCallButtonElement } from '../sip-call-button/sip-call-button.js';
import { SipCallHistory as SipCallHistoryElement } from '../sip-call-history/sip-call-history.js';
import { SipDeviceSettings as SipDeviceSettingsElement } from '../sip-device-settings/sip-device-settings.js';
import { SipDialpad as SipDialpadElement } from '../sip-dialpad/sip-dialpad.js';
import { SipPhone as SipPhoneElement } from '../sip-phone/sip-phone.js';
import { SipSelfTest as SipSelfTestElement } from '../sip-self-test/sip-self-test.js';
import {
  eventPropName,
  sipElementEvents,
  type EventPropName,
  type SipTag,
} from '../frameworks/elements.js';

/** The `events` option of `createComponent` for element `T`: `onSipCallChange` → `sip-call-change`. */
export type SipReactEvents<T extends SipTag> = {
  [E in (typeof sipElementEvents)[T][number] as EventPropName<E>]: EventName<
    GlobalEventHandlersEventMap[E]
  >;
};

function reactEvents<T extends SipTag>(tag: T): SipReactEvents<T> {
  return Object.fromEntries(
    sipElementEvents[tag].map((event) => [eventPropName(event), event]),
  ) as SipReactEvents<T>;
}

/** `<sip-phone>`: `onSipRegistrationChange`, `onSipCallChange`, `onSipCallRequest`, `onSipQualityChange`, `onSipTransferRequest`, `onSipAutoAnswer`, `onSipPresenceChange`, `onSipVoicemailChange`. */
export const SipPhone = createComponent({
  react: React,
  tagName: 'sip-phone',
  elementClass: SipPhoneElement,
  events: reactEvents('sip-phone'),
  displayName: 'SipPhone',
});

/** `<sip-dialpad>`: `onSipDialpadPress`. */
export const SipDialpad = createComponent({
  react: React,
  tagName: 'sip-dialpad',
  elementClass: SipDialpadElement,
  events: reactEvents('sip-dialpad'),
  displayName: 'SipDialpad',
});

/** `<sip-call-banner>`: fires no event. */
export const SipCallBanner = createComponent({
  react: React,
  tagName: 'sip-call-banner',
  elementClass: SipCallBannerElement,
  events: reactEvents('sip-call-banner'),
  displayName: 'SipCallBanner',
});

/** `<sip-call-history>`: `onSipRedial`, `onSipHistoryClear`. */
export const SipCallHistory = createComponent({
  react: React,
  tagName: 'sip-call-history',
  elementClass: SipCallHistoryElement,
  events: reactEvents('sip-call-history'),
  displayName: 'SipCallHistory',
});

/** `<sip-device-settings>`: `onSipDeviceChange`. */
export const SipDeviceSettings = createComponent({
  react: React,
  tagName: 'sip-device-settings',
  elementClass: SipDeviceSettingsElement,
  events: reactEvents('sip-device-settings'),
  displayName: 'SipDeviceSettings',
});

/** `<sip-call-button>`: `onSipCallRequest`, `onSipCallChange`. */
export const SipCallButton = createComponent({
  react: React,
  tagName: 'sip-call-button',
  elementClass: SipCallButtonElement,
  events: reactEvents('sip-call-button'),
  displayName: 'SipCallButton',
});

/** `<sip-self-test>`: `onSipSelfTestComplete`. */
export const SipSelfTest = createComponent({
  react: React,
  tagName: 'sip-self-test',
  elementClass: SipSelfTestElement,
  events: reactEvents('sip-self-test'),
  displayName: 'SipSelfTest',
});

// The intrinsic-element types too, for `<sip-phone …>` written as a tag in a React file.
export type { SipJsxElements } from '../frameworks/jsx.js';
