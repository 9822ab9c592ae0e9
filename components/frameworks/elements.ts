/**
 * What each element takes from a framework and what it fires, as plain tables: the one source of
 * the React wrappers (`sip-phone/react`), the JSX types (`sip-phone/jsx`) and the Vue types
 * (`sip-phone/vue`). No element is imported here (types only), so a Node test can read the tables
 * and hold them against `custom-elements.json`.
 */
import type { SipCallBanner } from '../sip-call-banner/sip-call-banner.js';
import type { SipCallButton } from '../sip-call-button/sip-call-button.js';
import type { SipCallHistory } from '../sip-call-history/sip-call-history.js';
import type { SipDeviceSettings } from '../sip-device-settings/sip-device-settings.js';
import type { SipDialpad } from '../sip-dialpad/sip-dialpad.js';
import type { SipPhone } from '../sip-phone/sip-phone.js';
import type { SipSelfTest } from '../sip-self-test/sip-self-test.js';

/** Every element, by tag. */
export interface SipElementTagNameMap {
  'sip-phone': SipPhone;
  'sip-dialpad': SipDialpad;
  'sip-call-banner': SipCallBanner;
  'sip-call-history': SipCallHistory;
  'sip-device-settings': SipDeviceSettings;
  'sip-call-button': SipCallButton;
  'sip-self-test': SipSelfTest;
}

export type SipTag = keyof SipElementTagNameMap;

/** A `sip-*` event name of `GlobalEventHandlersEventMap` (see `components/events.ts`). */
export type SipEventName = Extract<keyof GlobalEventHandlersEventMap, `sip-${string}`>;

/**
 * The properties a page sets on each element: every public property that is not read-only (the
 * attributes' properties, and those without an attribute such as `credentials` or `config`).
 * `<sip-self-test>`'s `report` is left out: the element writes it when a run ends.
 */
export const sipElementProps = {
  'sip-phone': [
    'server',
    'uri',
    'authUser',
    'password',
    'credentials',
    'displayName',
    'allowOtherDomains',
    'rejectStatus',
    'endReasonTimeout',
    'history',
    'historyDatabase',
    'microphone',
    'speaker',
    'ringer',
    'notifications',
    'silent',
    'autoAnswer',
    'autoAnswerFrom',
    'autoAnswerBusy',
    'config',
    'prewarm',
    'echoTarget',
    'number',
    'watch',
    'voicemail',
    'tabs',
    'dialLinks',
  ],
  'sip-dialpad': ['disabled'],
  'sip-call-banner': ['snapshot'],
  'sip-call-history': ['databaseName', 'limit'],
  'sip-device-settings': ['microphone', 'speaker', 'ringer'],
  'sip-call-button': [
    'server',
    'uri',
    'authUser',
    'password',
    'credentials',
    'callOnly',
    'displayName',
    'target',
    'keypad',
    'cooldown',
    'maxDuration',
    'prewarm',
    'endReasonTimeout',
  ],
  'sip-self-test': ['htmlFor', 'phone'],
} as const satisfies { [T in SipTag]: readonly (keyof SipElementTagNameMap[T])[] };

/** The events each element fires (its `@fires`), in the element's own order. */
export const sipElementEvents = {
  'sip-phone': [
    'sip-registration-change',
    'sip-call-change',
    'sip-call-request',
    'sip-quality-change',
    'sip-presence-change',
    'sip-voicemail-change',
    'sip-transfer-request',
    'sip-auto-answer',
  ],
  'sip-dialpad': ['sip-dialpad-press'],
  'sip-call-banner': [],
  'sip-call-history': ['sip-redial', 'sip-history-clear'],
  'sip-device-settings': ['sip-device-change'],
  'sip-call-button': ['sip-call-request', 'sip-call-change'],
  'sip-self-test': ['sip-self-test-complete'],
} as const satisfies { [T in SipTag]: readonly SipEventName[] };

/** The properties of element `T` a page may set, all optional, with the element's own types. */
export type SipElementProps<T extends SipTag> = {
  [
    K in (typeof sipElementProps)[T][number] & keyof SipElementTagNameMap[T]
  ]?: SipElementTagNameMap[T][K];
};

/** The events element `T` fires: event name → its event class. */
export type SipElementEvents<T extends SipTag> = {
  [E in (typeof sipElementEvents)[T][number]]: GlobalEventHandlersEventMap[E];
};

/** `sip-call-change` → `SipCallChange`. */
export type PascalCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Capitalize<Head>}${PascalCase<Tail>}`
  : Capitalize<S>;

/** `sip-call-change` → `onSipCallChange`, the React prop for that event. */
export type EventPropName<E extends string> = `on${PascalCase<E>}`;

/** The React prop for an event: `sip-call-change` → `onSipCallChange`. */
export function eventPropName<E extends string>(event: E): EventPropName<E> {
  return `on${event.replace(/(?:^|-)(\w)/g, (_, letter: string) => letter.toUpperCase())}` as EventPropName<E>;
}
