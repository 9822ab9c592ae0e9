/**
 * The SIP outcome catalogue: for every status code a person may meet, a short title, a one-line
 * explanation a non-expert understands, a severity and what to do next. Carrier wording for 401,
 * 403, 487 and 603 follows the project's seed document; the rest follows RFC 3261, 3326 and 8197.
 * All UI text about call outcomes comes from here.
 */
import { languagePack } from './i18n/registry.js';

export type Severity = 'progress' | 'success' | 'info' | 'warning' | 'error';

export interface Outcome {
  /** The SIP status code, when a response caused this outcome. */
  status?: number;
  /** A short title, e.g. "Busy". */
  title: string;
  /** One sentence a non-expert understands. */
  explanation: string;
  severity: Severity;
  /** What to do next, when there is something to do. */
  action?: string;
}

/** Where a response was received: the same code means different things for REGISTER and INVITE. */
export type OutcomeContext = 'call' | 'register';

/** The words of an outcome in one language (the severity does not depend on the language). */
export interface OutcomeText {
  title: string;
  explanation: string;
  action?: string;
}

/** A language's outcome texts; anything left out is said in English. */
export interface OutcomeTranslation {
  call: Partial<Record<number, OutcomeText>>;
  register: Partial<Record<number, OutcomeText>>;
  /** By class: 1–6. The title gets the raw code appended, as in English. */
  fallback: Partial<Record<number, OutcomeText>>;
  local: Partial<Record<string, OutcomeText>>;
}

const TRANSLATIONS = new Map<string, OutcomeTranslation>();

/** Makes a language's outcome texts available to `describeStatus`/`describeLocalCause`. */
export function registerOutcomeTranslation(lang: string, translation: OutcomeTranslation): void {
  TRANSLATIONS.set(lang.toLowerCase(), translation);
}

function translate(outcome: Outcome, text: OutcomeText | undefined): Outcome {
  if (!text) return outcome;
  const translated: Outcome = { ...outcome, title: text.title, explanation: text.explanation };
  if (text.action) translated.action = text.action;
  else if (outcome.action) delete translated.action;
  return translated;
}

const translationFor = (lang: string | undefined): OutcomeTranslation | undefined =>
  lang
    ? (TRANSLATIONS.get(lang.toLowerCase().split('-')[0]!) ?? languagePack(lang)?.outcomes)
    : undefined;

type Entry = Omit<Outcome, 'status'>;
const e = (severity: Severity, title: string, explanation: string, action?: string): Entry =>
  action ? { severity, title, explanation, action } : { severity, title, explanation };

// prettier-ignore
const CALL_OUTCOMES: Record<number, Entry> = {
  100: e('progress', 'Trying', 'The server received the call and is passing it on.'),
  180: e('progress', 'Ringing', 'The other phone is ringing.'),
  181: e('progress', 'Call is being forwarded', 'The call is being forwarded to another number.'),
  182: e('progress', 'Queued', 'The other side is busy; your call is waiting in a queue.'),
  183: e('progress', 'Call in progress', 'The call is being connected; you may hear a tone or message.'),
  199: e('progress', 'Early dialog ended', 'One of the places the call was forwarded to has hung up; the call goes on.'),
  200: e('success', 'Connected', 'The call was answered.'),
  202: e('success', 'Accepted', 'The request was accepted and will be processed.'),
  204: e('success', 'No notification', 'The request succeeded; no notification will follow.'),
  300: e('warning', 'Multiple choices', 'The number can be reached at several addresses; none was chosen.', 'Call one of the other addresses directly.'),
  301: e('warning', 'Moved permanently', 'The person you called has a new address.', 'Update the contact and call the new address.'),
  302: e('warning', 'Moved temporarily', 'The person you called is temporarily at another address.', 'Try the other address.'),
  305: e('error', 'Use proxy', 'The call must go through a different server.', 'Ask your administrator to check the server settings.'),
  380: e('warning', 'Alternative service', 'The call could not be completed; another service is offered.'),
  400: e('error', 'Bad request', 'The server could not understand the call request.', 'Check the number; if it keeps happening, report it to your provider.'),
  401: e('info', 'Authentication requested', 'The server asked for your password (a normal challenge); the phone answers it automatically.'),
  402: e('error', 'Payment required', 'The provider requires payment before this call can be made.', 'Top up or check your account with your provider.'),
  403: e('error', 'Forbidden', 'The provider refused the call: usually the account has no credit, or the caller ID (From number) does not match the authentication user name.', 'Check your credit and that the SIP address matches the auth user.'),
  404: e('error', 'Number not found', 'The number or address you called does not exist at this domain.', 'Check the number and try again.'),
  405: e('error', 'Method not allowed', 'The other side does not accept this kind of request.'),
  406: e('error', 'Not acceptable', 'The other side cannot accept the call in the requested form.'),
  407: e('info', 'Proxy authentication requested', 'A server on the way asked for your password; the phone answers it automatically.'),
  408: e('warning', 'No answer in time', 'The server could not reach the person in time.', 'Try again later.'),
  410: e('error', 'Gone', 'The number existed but is no longer available.', 'Check the number.'),
  412: e('error', 'Conditional request failed', 'The server refused a conditional request.'),
  413: e('error', 'Request too large', 'The call request was too large for the server.'),
  414: e('error', 'Address too long', 'The address you called is too long for the server.', 'Check the number.'),
  415: e('error', 'Unsupported format', 'The other side does not support the call’s content format.'),
  416: e('error', 'Unsupported address type', 'The server does not support this kind of address.', 'Dial a number or a sip: address.'),
  417: e('error', 'Unknown resource priority', 'The server did not understand the call’s priority.'),
  420: e('error', 'Bad extension', 'The other side does not support a feature the call requires.'),
  421: e('error', 'Extension required', 'The other side requires a feature this phone did not offer.'),
  422: e('error', 'Session timer too small', 'The server wants a longer session refresh interval.'),
  423: e('error', 'Interval too brief', 'The server wants a longer registration or refresh interval.'),
  424: e('error', 'Bad location information', 'The server rejected the location information.'),
  428: e('error', 'Identity required', 'The server requires a verified caller identity.'),
  429: e('error', 'Provide referrer identity', 'The transfer was refused: the referrer could not be verified.'),
  430: e('warning', 'Connection failed', 'A connection to the other side failed.', 'Try again.'),
  433: e('error', 'Anonymity not allowed', 'The other side does not accept calls with a hidden caller ID.', 'Call with your caller ID shown.'),
  436: e('error', 'Bad identity info', 'The caller identity information could not be used.'),
  437: e('error', 'Unsupported certificate', 'The caller’s identity certificate was not accepted.'),
  438: e('error', 'Invalid identity header', 'The caller identity could not be verified.'),
  439: e('error', 'First hop lacks outbound support', 'The server does not support persistent outbound connections.'),
  440: e('error', 'Max-Breadth exceeded', 'The call was forked to too many places.'),
  469: e('error', 'Bad info package', 'The other side does not accept this kind of in-call information.'),
  470: e('error', 'Consent needed', 'The other side has not agreed to receive this request.'),
  480: e('warning', 'Temporarily unavailable', 'The person you called is not available right now (not logged in or not answering).', 'Try again later.'),
  481: e('error', 'Call does not exist', 'The other side no longer knows about this call.'),
  482: e('error', 'Loop detected', 'The call was routed in a loop.', 'Report this to your provider.'),
  483: e('error', 'Too many hops', 'The call passed through too many servers.', 'Report this to your provider.'),
  484: e('error', 'Incomplete number', 'The number you dialled is incomplete.', 'Check the number and dial it in full.'),
  485: e('error', 'Ambiguous', 'The address you called matches more than one person.', 'Use a more specific address.'),
  486: e('warning', 'Busy', 'The person you called is on another call.', 'Try again later.'),
  487: e('info', 'Call cancelled', 'The call was cancelled before it was answered.'),
  488: e('error', 'Not acceptable here', 'The other side cannot use any of the audio formats offered (codec mismatch).', 'Ask your administrator to allow G.711 (PCMU/PCMA).'),
  489: e('error', 'Bad event', 'The server does not support the requested event package.'),
  491: e('warning', 'Request pending', 'The other side was changing the call at the same moment; the change will be retried.'),
  493: e('error', 'Undecipherable', 'The other side could not decrypt the request.'),
  494: e('error', 'Security agreement required', 'The server requires a security agreement this phone does not support.'),
  500: e('warning', 'Server error', 'The server had an internal problem and could not complete the call.', 'Try again in a moment.'),
  501: e('error', 'Not implemented', 'The server does not support what was asked.'),
  502: e('warning', 'Bad gateway', 'A gateway on the way received an invalid answer from the next network.', 'Try again later.'),
  503: e('warning', 'Service unavailable', 'The server is overloaded or under maintenance.', 'Try again later.'),
  504: e('warning', 'Server timeout', 'A server on the way did not get an answer in time.', 'Try again later.'),
  505: e('error', 'Version not supported', 'The server does not support this SIP version.'),
  513: e('error', 'Message too large', 'The call request was too large for the server.'),
  555: e('error', 'Push notification not supported', 'The server does not support push notifications.'),
  580: e('error', 'Precondition failure', 'The network could not reserve what the call needs.', 'Try again later.'),
  600: e('warning', 'Busy everywhere', 'The person you called is busy on every device.', 'Try again later.'),
  603: e('warning', 'Declined', 'The person you called declined the call (on some networks this means no credit).', 'Try again later, or check your account credit.'),
  604: e('error', 'Does not exist anywhere', 'The number or address you called does not exist.', 'Check the number.'),
  606: e('error', 'Not acceptable', 'The other side was reached but cannot accept the call as offered (e.g. no common audio format).'),
  607: e('warning', 'Unwanted', 'The person you called marked your call as unwanted; later calls will likely be rejected too.'),
  608: e('warning', 'Rejected', 'An intermediary (for example a call-screening service) rejected the call.', 'Contact your provider if you think this is wrong.'),
};

// Same codes, said for a registration: a 403 there means wrong credentials, not missing credit.
// prettier-ignore
const REGISTER_OUTCOMES: Record<number, Entry> = {
  200: e('success', 'Registered', 'The phone is registered and can make and receive calls.'),
  401: e('error', 'Wrong user name or password', 'The server rejected the credentials.', 'Check the auth user and password.'),
  403: e('error', 'Registration refused', 'The server refused to register this account: usually an incorrect password or a blocked account.', 'Check the password, then contact your provider.'),
  404: e('error', 'Unknown account', 'The server does not know this SIP address.', 'Check the SIP address and domain.'),
  407: e('error', 'Wrong user name or password', 'A proxy rejected the credentials.', 'Check the auth user and password.'),
  408: e('warning', 'Registration timed out', 'The server did not answer the registration in time.', 'Check the network; the phone will retry.'),
  423: e('warning', 'Registration interval too short', 'The server asked for a longer registration interval.'),
  500: e('warning', 'Server error', 'The server could not process the registration.', 'Try again in a moment.'),
  503: e('warning', 'Service unavailable', 'The server is overloaded or under maintenance.', 'Try again later.'),
};

// prettier-ignore
const CLASS_FALLBACK: Record<number, Entry> = {
  1: e('progress', 'Call in progress', 'The call is being set up.'),
  2: e('success', 'Success', 'The request succeeded.'),
  3: e('warning', 'Redirected', 'The call was redirected and could not be completed.'),
  4: e('error', 'Call failed', 'The request was refused.'),
  5: e('warning', 'Server failure', 'A server could not complete the request.', 'Try again later.'),
  6: e('error', 'Call rejected everywhere', 'The call was rejected and will not succeed elsewhere.'),
};

/** Causes that have no SIP status: media, transport and local decisions. */
// prettier-ignore
export const LOCAL_OUTCOMES = {
  'microphone-denied': e('error', 'Microphone blocked', 'The browser is not allowed to use the microphone.', 'Allow microphone access for this site (the icon in the address bar), then call again.'),
  'microphone-missing': e('error', 'No microphone', 'No microphone was found.', 'Connect a microphone or headset and try again.'),
  'microphone-not-allowed-here': e('error', 'Microphone not allowed in this frame', 'This phone is inside another page (an iframe) that does not let it use the microphone.', 'The page owner must add allow="microphone" to the iframe that embeds the phone.'),
  'microphone-busy': e('error', 'Microphone in use', 'The microphone is being used by another program and cannot be opened.', 'Close the other program or choose another microphone.'),
  'connection-error': e('error', 'No connection to the server', 'The phone could not reach the SIP server.', 'Check the network and the server address.'),
  'request-timeout': e('warning', 'No answer from the server', 'The server did not answer in time.', 'Check the network and try again.'),
  'webrtc-error': e('error', 'Audio setup failed', 'The browser could not set up the audio connection.', 'Reload the page and try again.'),
  'bad-media': e('error', 'Incompatible audio', 'The other side’s audio description could not be used.', 'Ask your administrator to allow G.711 (PCMU/PCMA).'),
  'rtp-timeout': e('error', 'Audio connection lost', 'No audio arrived for too long and the call was ended.', 'Check the network and call again.'),
  'no-ack': e('error', 'Call setup incomplete', 'The other side did not confirm the answered call.'),
  'dialog-error': e('error', 'Call lost', 'The call’s state was lost between the phone and the server.'),
  'connection-dropped': e('error', 'Call lost', 'The call was lost when the connection dropped.', 'Call again.'),
  'no-answer': e('warning', 'No answer', 'Nobody answered the call.'),
  'credentials-unavailable': e('error', 'No sign-in credentials', 'The page could not get credentials for the SIP server (its credentials service failed or gave an unusable answer).', 'Reload the page; if it keeps happening, tell the site’s owner.'),
  'not-registered': e('error', 'Not connected', 'The phone is not connected to the server yet.', 'Wait until it is registered, or check the settings.'),
  'hangup-local': e('info', 'Call ended', 'You hung up.'),
  'hangup-remote': e('info', 'Call ended', 'The other side hung up.'),
  'rejected-local': e('info', 'Call rejected', 'You rejected the call.'),
  'missed': e('info', 'Missed call', 'The caller hung up before the call was answered.'),
  'answered-elsewhere': e('info', 'Answered elsewhere', 'The call was answered on another device.'),
  'transferred': e('success', 'Call transferred', 'The other side was connected to the transfer target.'),
  'replaced': e('info', 'Call replaced', 'The call continues on another line after a transfer.'),
  'time-limit': e('info', 'Call time limit reached', 'The call reached the longest time allowed here and was ended.'),
  'tab-closed': e('info', 'Call ended in another tab', 'The browser tab that held this call was closed or went away, and the call ended with it.'),
  'unknown': e('error', 'Call failed', 'The call failed for an unknown reason.'),
} satisfies Record<string, Entry>;

export type LocalCause = keyof typeof LOCAL_OUTCOMES;

/**
 * Describes a SIP status code, in `lang` when there is a translation (English otherwise).
 * Unknown codes fall back to their class, with the raw code shown.
 */
export function describeStatus(
  status: number,
  context: OutcomeContext = 'call',
  lang?: string,
): Outcome {
  const translation = translationFor(lang);
  const registerEntry = context === 'register' ? REGISTER_OUTCOMES[status] : undefined;
  if (registerEntry) return translate({ status, ...registerEntry }, translation?.register[status]);
  const known = CALL_OUTCOMES[status];
  if (known) return translate({ status, ...known }, translation?.call[status]);
  const cls = CLASS_FALLBACK[Math.floor(status / 100)] ? Math.floor(status / 100) : 4;
  const fallback = translate({ status, ...CLASS_FALLBACK[cls]! }, translation?.fallback[cls]);
  return { ...fallback, title: `${fallback.title} (${status})` };
}

/** Describes a cause that has no SIP status, in `lang` when there is a translation. */
export function describeLocalCause(cause: LocalCause, lang?: string): Outcome {
  return translate({ ...LOCAL_OUTCOMES[cause] }, translationFor(lang)?.local[cause]);
}

/**
 * What to tell the user about a call or registration change: the local cause when there is one
 * (keeping the SIP status beside it), else the SIP status, else nothing.
 */
export function describeOutcome(
  change: { status?: number; cause?: LocalCause },
  context: OutcomeContext = 'call',
  lang?: string,
): Outcome | undefined {
  if (change.cause) {
    const outcome = describeLocalCause(change.cause, lang);
    return change.status !== undefined ? { ...outcome, status: change.status } : outcome;
  }
  if (change.status !== undefined) return describeStatus(change.status, context, lang);
  return undefined;
}

/** Every status code with its own REGISTER wording, for tests and translations. */
export const REGISTER_STATUS_CODES: readonly number[] = Object.keys(REGISTER_OUTCOMES).map(Number);

/** Every status code the catalogue knows, for tests and documentation. */
export const KNOWN_STATUS_CODES: readonly number[] = Object.keys(CALL_OUTCOMES).map(Number);
