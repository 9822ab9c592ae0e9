/**
 * Every string the elements show, in one catalogue per language. English is complete by type and
 * here; other languages (./ui-<lang>.ts, in the chunk ./<lang>.ts) may leave keys out (English fills
 * in). Outcome texts (SIP codes, local causes) live in
 * ../outcomes.ts (English) and ./outcomes-<lang>.ts. The words of the first paint (the kiosk
 * button's label, the keypad's name) live in ./languages.ts, which stays light: they are reused here.
 */
import { FIRST_PAINT, LANGUAGES, matchLanguage } from './languages.js';
import { languagePack, type LanguagePack } from './registry.js';

export { matchLanguage };

export const en = {
  // Registration line
  registered: (account: string) => `Registered as ${account}`,
  /** Tabs share one phone, and another tab of this browser holds it. */
  registeredElsewhere: (account: string) => `Registered as ${account} (in another tab)`,
  registering: (account: string) => `Registering ${account}…`,
  reconnecting: 'Connection lost, reconnecting…',
  notRegistered: 'Not registered',
  notConfigured: FIRST_PAINT.en.notConfigured,
  connecting: FIRST_PAINT.en.connecting,
  settingsProblem: (message: string) => `Settings problem: ${message}`,
  registrationFailed: 'Registration failed',
  retryingIn: (when: string) => `Retrying in ${when}.`,
  retryingAt: (clock: string) => `The phone tries again at ${clock}.`,
  reconnectingIn: (when: string) => `Connection lost. Reconnecting in ${when}.`,
  retryNow: 'Retry now',
  // Banner
  ready: FIRST_PAINT.en.ready,
  readyText: FIRST_PAINT.en.readyText,
  offline: 'Not connected',
  offlineText: 'Calls work as soon as the phone is connected to the server again.',
  calling: 'Calling…',
  callingWho: (who: string) => `Calling ${who}.`,
  ringing: 'Ringing',
  callInProgress: 'Call in progress',
  incomingCall: 'Incoming call',
  incomingFrom: (who: string) => `From ${who}.`,
  autoAnswering: (seconds: number) =>
    seconds === 0
      ? 'Answering automatically. Press Reject to refuse the call.'
      : `Answering automatically in ${seconds} ${seconds === 1 ? 'second' : 'seconds'}. Press Reject to refuse the call.`,
  connected: 'Connected',
  inCallWith: (who: string) => `In a call with ${who}.`,
  onHold: 'On hold',
  heldWho: (who: string) => `${who} is on hold.`,
  callEnded: 'Call ended',
  callFailed: 'Call failed',
  theOtherSide: 'the other side',
  unknownCaller: 'Unknown',
  // Line states (the list of lines)
  lineStates: {
    idle: '',
    calling: 'Calling…',
    ringing: 'Ringing',
    'early-media': 'Connecting…',
    incoming: 'Incoming call',
    connected: 'Connected',
    held: 'On hold',
    ended: 'Ended',
    failed: 'Failed',
  },
  calls: 'Calls',
  // Controls
  numberLabel: FIRST_PAINT.en.numberLabel,
  dialPad: FIRST_PAINT.en.dialPad,
  call: FIRST_PAINT.en.call,
  hangUp: 'Hang up',
  cancel: 'Cancel',
  answer: 'Answer',
  reject: 'Reject',
  resume: 'Resume',
  end: 'End',
  mute: 'Mute',
  hold: 'Hold',
  holding: 'Holding…',
  resuming: 'Resuming…',
  transfer: 'Transfer',
  connectCalls: 'Connect calls',
  answerWho: (who: string) => `Answer ${who}`,
  resumeWho: (who: string) => `Resume ${who}`,
  hangUpWho: (who: string) => `End the call with ${who}`,
  callDuration: (duration: string) => `Call duration ${duration}`,
  // Notices
  soundBlocked: 'The browser is holding back sound on this page.',
  enableSound: 'Enable sound',
  heldByOther: 'The other side put you on hold.',
  callInAnotherTab: 'The call is in another tab of this browser: its sound plays there.',
  holdFailed: (code: string) => `Could not put the call on hold${code}; the call goes on.`,
  resumeFailed: (code: string) => `Could not resume the call${code}; the call goes on.`,
  transferring: (who: string, code: string) => `Transferring to ${who}…${code}`,
  transferred: (who: string) => `Transferred to ${who}.`,
  transferFailed: (who: string, why: string, code: string) =>
    `Transfer to ${who} failed: ${why}${code}. You are still on the call.`,
  noAnswer: 'no answer',
  typeTransferTarget: 'Type the number to transfer to, then press Transfer.',
  // Busy lamps (watch) and voicemail
  presenceHeading: 'Busy lamps',
  lampState: {
    idle: 'Free',
    ringing: 'Ringing',
    busy: 'On a call',
    offline: 'Offline',
    unknown: 'Unknown',
  } as Record<'idle' | 'ringing' | 'busy' | 'offline' | 'unknown', string>,
  callLamp: (target: string) => `Call ${target}`,
  lampRinging: (target: string) => `${target}: ringing`,
  voicemailCount: (newMessages: number, oldMessages: number) =>
    `${newMessages === 0 ? 'No new voicemail' : newMessages === 1 ? '1 new voicemail' : `${newMessages} new voicemails`}` +
    (oldMessages > 0 ? `, ${oldMessages} old` : ''),
  voicemailUnknown: 'Voicemail',
  callVoicemail: 'Call voicemail',
  // A transfer the other side asks for (REFER)
  transferAsk: (who: string, target: string) => `${who} wants to transfer you to ${target}.`,
  transferAskHint: 'Accept to call that number; decline to stay on this call.',
  transferAccept: 'Accept transfer',
  transferDecline: 'Decline',
  transferDeclined: (target: string) =>
    `Transfer to ${target} declined. You are still on the call.`,
  transferExpired: (target: string) =>
    `Transfer to ${target} declined: it was not accepted in time. You are still on the call.`,
  transferRefused: {
    malformed: 'A malformed transfer request from the other side was refused.',
    scheme: 'A transfer request to an address that cannot be called was refused.',
    'uri-headers': 'A transfer request carrying extra SIP headers was refused.',
    replaces: 'A transfer request with a malformed call reference (Replaces) was refused.',
    refused: 'The other side asked to transfer you; this phone does not accept transfers.',
    target: 'The other side asked to transfer you to a number this phone may not call.',
    busy: 'The other side asked to transfer you, but no line is free.',
  },
  microphoneLost: 'Your microphone was disconnected; the call now uses the default microphone.',
  microphoneGone: 'Your microphone was disconnected and no other microphone was found.',
  microphoneSwitchFailed: (reason: string) => `${reason} The call keeps the previous microphone.`,
  speakerUnavailable: 'That speaker is not available; the default speaker plays the call.',
  notRegisteredYet: FIRST_PAINT.en.notRegisteredYet,
  notConfiguredYet: FIRST_PAINT.en.notConfiguredYet,
  callNotStarted: 'The call could not be started.',
  callNotAnswered: 'The call could not be answered.',
  digitNotSent: 'The digit could not be sent.',
  notTransferred: 'The call could not be transferred.',
  // Call quality
  qualityPoor: 'Poor connection',
  qualityIssues: {
    'high-rtt': 'Long delay on the line: you may talk over each other.',
    'high-jitter': 'Audio arrives unevenly: it may sound choppy.',
    'packet-loss': 'Audio is being lost on the way: words may drop out.',
    'low-mos': 'The call quality is poor.',
    'no-inbound-audio': 'No audio is arriving from the other side.',
    'silent-microphone': 'Your microphone picks up no sound: check it is not muted or unplugged.',
  },
  // Desktop notification
  notificationFrom: (who: string) => `From ${who}`,
  // History
  history: 'Call history',
  noCalls: 'No calls yet.',
  outgoing: 'Outgoing',
  incoming: 'Incoming',
  missed: 'Missed',
  talked: (duration: string) => `Talked ${duration}`,
  callAgain: (who: string) => `Call ${who} again`,
  clearHistory: 'Clear history',
  // Devices
  microphone: 'Microphone',
  speaker: 'Speaker',
  ringer: 'Ringer (incoming calls)',
  systemDefault: 'System default',
  showDeviceNames: 'Show device names',
  deviceNamesHidden: 'Microphone access was not allowed, so device names stay hidden.',
  deviceDisconnected: (device: string) => `${device} disconnected: using the default.`,
  defaultSpeakerOnly: 'This browser plays calls on its default speaker only.',
  // Kiosk button
  callButton: FIRST_PAINT.en.callButton,
  pleaseWait: (seconds: number) => `Please wait ${seconds} s before calling again.`,
  keypad: 'Keypad',
  kioskUnavailable: 'Calling is not available right now.',
};

export type UiStrings = typeof en;

/** A translation: any key may be missing (English is used). */
export type PartialUiStrings = { [K in keyof UiStrings]?: UiStrings[K] };

/** The languages with a catalogue (English here, the others fetched when used: ./<lang>.ts). */
export const SUPPORTED_LANGUAGES: string[] = [...LANGUAGES];

const merged = new WeakMap<LanguagePack, UiStrings>();

/**
 * UI strings for a language: the translation, with English for anything it leaves out (and for a
 * language whose words are not registered yet: components/shared/lazy.ts `loadLanguage`).
 */
export function uiStrings(lang: string): UiStrings {
  const pack = languagePack(lang);
  if (!pack) return en;
  let strings = merged.get(pack);
  if (!strings) {
    strings = { ...en, ...FIRST_PAINT[pack.lang], ...pack.ui } as UiStrings;
    merged.set(pack, strings);
  }
  return strings;
}
