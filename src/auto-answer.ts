/**
 * Auto-answer (intercom, paging), opt-in: what the embedder allows (`auto-answer`,
 * `auto-answer-from`, `auto-answer-busy`), what an incoming INVITE asks for, and the decision — all
 * pure functions, table-tested in test/unit/auto-answer.test.ts. The element keeps the timer, the
 * warning tone and the words (components/controllers/auto-answer-controller.ts).
 *
 * What a call may ask, as PBXs and desk phones send it (Asterisk and FreeSWITCH paging, Polycom,
 * Yealink, Snom, Gigaset), in either header:
 *
 * - `Call-Info: <sip:127.0.0.1>;answer-after=0` (also without the URI: `Call-Info: answer-after=0`);
 * - `Alert-Info: <http://127.0.0.1>;info=alert-autoanswer`, `Alert-Info: ;info=alert-autoanswer`,
 *   with an optional `;delay=N` (Snom, Gigaset).
 *
 * These values come from the wire and are untrusted: a delay is 1–4 digits and nothing else (no
 * sign, no decimal point, no exponent), more than {@link MAX_ANSWER_AFTER_SECONDS} counts as that
 * many; an element that does not parse is ignored as a whole, a header line that does not parse
 * (an unclosed `<` or quote, too long) too. Nothing of a header reaches the screen: only the number
 * this module returns. Non-standard forms some phones also take (`Alert-Info: Auto Answer`,
 * `Alert-Info: Intercom`, `info=alert-intercom`, `Answer-Mode: Auto` of RFC 5373) are not
 * recognised; RFC 7462's Alert-Info URNs define no auto-answer.
 */
import { ConfigError } from './errors.js';
import { parseRemoteUri } from './transfer-policy.js';

/** The longest delay a call may ask for, or the embedder set: 60 s. */
export const MAX_ANSWER_AFTER_SECONDS = 60;

/**
 * The least time between a call starting to ring and its automatic answer, so that the warning
 * tone is heard first (and the user can still refuse): `answer-after=0` waits this long.
 */
export const AUTO_ANSWER_WARNING_MS = 500;

// Bounds on what is read of the wire at all.
const MAX_HEADER_LINES = 8;
const MAX_HEADER_CHARS = 1024;
const MAX_ELEMENTS = 16;
const MAX_URI_CHARS = 256;
const MAX_ALLOW_LIST = 100;

export type AnswerRequestHeader = 'Call-Info' | 'Alert-Info';

/** What an incoming call asked for: to be answered after this many seconds. */
export interface AnswerRequest {
  /** 0 … {@link MAX_ANSWER_AFTER_SECONDS}. */
  afterSeconds: number;
  /** Which header asked. */
  header: AnswerRequestHeader;
}

/** The two headers of an INVITE, as raw values (one entry per header line). */
export interface AnswerRequestHeaders {
  callInfo?: readonly string[];
  alertInfo?: readonly string[];
}

// generic-param (RFC 3261 §25.1): token [ = token / host / quoted-string ].
const PARAM =
  /^;[ \t]*([A-Za-z0-9\-.!%*_+`'~]+)[ \t]*(?:=[ \t]*("(?:[^"\\]|\\.)*"|[^\s;"<>,]+))?[ \t]*/;
const URI_TEXT = /^[^\s<>"\\]*$/;
const SECONDS = /^\d{1,4}$/;

/**
 * Splits a header value at the commas between its elements, outside `<…>` and quoted strings.
 * Undefined when the line is malformed (an unclosed `<` or quote, a `<` inside `<…>`).
 */
function splitElements(value: string): string[] | undefined {
  const elements: string[] = [];
  let start = 0;
  let angle = false;
  let quote = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === '\\') i++;
      else if (c === '"') quote = false;
    } else if (angle) {
      if (c === '>') angle = false;
      else if (c === '<') return undefined;
    } else if (c === '"') quote = true;
    else if (c === '<') angle = true;
    else if (c === ',') {
      elements.push(value.slice(start, i));
      start = i + 1;
    }
  }
  if (angle || quote) return undefined;
  elements.push(value.slice(start));
  return elements;
}

/** A delay of 1–4 digits, clamped to the maximum; undefined for anything else. */
function seconds(value: string | undefined): number | undefined {
  if (value === undefined || !SECONDS.test(value)) return undefined;
  return Math.min(Number(value), MAX_ANSWER_AFTER_SECONDS);
}

/**
 * One element: `[<uri>] *(;param)` (a bare `param=value` first is taken as if it had its `;`).
 * The seconds it asks to be answered after, or undefined (asks nothing, or does not parse).
 */
function elementRequest(element: string): number | undefined {
  let rest = element.trim();
  if (rest.startsWith('<')) {
    const close = rest.indexOf('>');
    const uri = rest.slice(1, close);
    if (uri.length > MAX_URI_CHARS || !URI_TEXT.test(uri)) return undefined;
    rest = rest.slice(close + 1).trim();
  } else if (rest && !rest.startsWith(';')) {
    rest = `;${rest}`;
  }
  const params = new Map<string, string | undefined>();
  while (rest) {
    const match = PARAM.exec(rest);
    if (!match) return undefined;
    const name = match[1]!.toLowerCase();
    // The same parameter twice is ambiguous: the element counts for nothing.
    if (params.has(name)) return undefined;
    params.set(name, match[2]);
    rest = rest.slice(match[0].length);
  }
  if (params.has('answer-after')) return seconds(params.get('answer-after'));
  const info = params.get('info');
  if (info?.replace(/^"|"$/g, '').toLowerCase() !== 'alert-autoanswer') return undefined;
  return params.has('delay') ? seconds(params.get('delay')) : 0;
}

/**
 * What the INVITE asks for: `answer-after=N` or `info=alert-autoanswer` (`;delay=N`) in its
 * Call-Info or Alert-Info, parsed strictly (see the module's comment). When several elements ask,
 * the longest delay wins (the most time to refuse). Undefined when nothing valid asks.
 */
export function parseAnswerRequest(headers: AnswerRequestHeaders): AnswerRequest | undefined {
  let found: AnswerRequest | undefined;
  const lists: Array<[AnswerRequestHeader, readonly string[] | undefined]> = [
    ['Call-Info', headers.callInfo],
    ['Alert-Info', headers.alertInfo],
  ];
  for (const [header, lines] of lists) {
    for (const line of (lines ?? []).slice(0, MAX_HEADER_LINES)) {
      if (typeof line !== 'string' || line.length > MAX_HEADER_CHARS) continue;
      const elements = splitElements(line);
      if (!elements || elements.length > MAX_ELEMENTS) continue;
      for (const element of elements) {
        const after = elementRequest(element);
        if (after !== undefined && (!found || after > found.afterSeconds)) {
          found = { afterSeconds: after, header };
        }
      }
    }
  }
  return found;
}

/** `off`; `always`: every incoming call after `afterSeconds`; `intercom`: calls that ask. */
export type AutoAnswerMode = 'off' | 'always' | 'intercom';

/** One allowed caller: a user (in the account's domain when `host` is absent) or an address. */
export interface AutoAnswerCaller {
  user: string;
  host?: string;
}

/** The embedder's auto-answer settings, checked. */
export interface AutoAnswerSettings {
  mode: AutoAnswerMode;
  /** `always`: seconds before answering (0 … 60). */
  afterSeconds: number;
  /** Only these callers are auto-answered; empty: any caller. */
  from: readonly AutoAnswerCaller[];
  /** Auto-answer even while another call is live (that call goes on hold). */
  busy: boolean;
}

export const AUTO_ANSWER_OFF: AutoAnswerSettings = {
  mode: 'off',
  afterSeconds: 0,
  from: [],
  busy: false,
};

const fail = (field: string, message: string): never => {
  throw new ConfigError(field, 'invalid', message);
};

const CALLER_ENTRY =
  /^(?:sips?:)?([A-Za-z0-9\-_.!~*'()+]+)(?:@([A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]))?$/i;

/**
 * Checks the element's auto-answer attributes. `autoAnswer`: empty or `off` (default), a number of
 * seconds 0–60 (every call), or `intercom` (calls that ask). `from`: space-separated users or
 * addresses (`boss`, `boss@example.com`, `sip:boss@example.com`), or a list of them. Throws
 * {@link ConfigError} for anything else.
 */
export function resolveAutoAnswer(input: {
  autoAnswer?: unknown;
  from?: unknown;
  busy?: unknown;
}): AutoAnswerSettings {
  const raw = input.autoAnswer ?? '';
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string') return fail('autoAnswer', 'auto-answer must be text.');
  const value = text.trim().toLowerCase();
  let mode: AutoAnswerMode;
  let afterSeconds = 0;
  if (value === '' || value === 'off') mode = 'off';
  else if (value === 'intercom') mode = 'intercom';
  else if (/^\d{1,2}$/.test(value) && Number(value) <= MAX_ANSWER_AFTER_SECONDS) {
    mode = 'always';
    afterSeconds = Number(value);
  } else {
    return fail(
      'autoAnswer',
      `auto-answer must be off, intercom or a number of seconds from 0 to ${MAX_ANSWER_AFTER_SECONDS}.`,
    );
  }
  const list = input.from ?? [];
  const entries =
    typeof list === 'string'
      ? list.split(/\s+/).filter(Boolean)
      : Array.isArray(list)
        ? (list as unknown[])
        : fail('autoAnswerFrom', 'auto-answer-from must be a list of callers.');
  if (entries.length > MAX_ALLOW_LIST) {
    return fail('autoAnswerFrom', `auto-answer-from lists at most ${MAX_ALLOW_LIST} callers.`);
  }
  const from = entries.map((entry): AutoAnswerCaller => {
    const match =
      typeof entry === 'string' && entry.length <= 256 && CALLER_ENTRY.exec(entry.trim());
    if (!match) {
      return fail(
        'autoAnswerFrom',
        'auto-answer-from takes users or addresses (boss, boss@example.com), separated by spaces.',
      );
    }
    return match[2] ? { user: match[1]!, host: match[2].toLowerCase() } : { user: match[1]! };
  });
  return { mode, afterSeconds, from, busy: input.busy === true };
}

/** What the decision needs to know about the call and the phone. */
export interface AutoAnswerInput {
  settings: AutoAnswerSettings;
  /** What the INVITE asked for ({@link parseAnswerRequest}). */
  request: AnswerRequest | undefined;
  /** The caller's SIP URI (the From), as the phone keeps it. */
  caller: string;
  /** The account's domain: a bare user of the allow-list is in it. */
  domain: string;
  /** Live calls besides this one (ringing, in progress, connected, held). */
  otherCalls: number;
}

export type AutoAnswerRefusal = 'off' | 'not-requested' | 'not-allowed' | 'busy';

export type AutoAnswerDecision =
  | {
      answer: true;
      /** Seconds the settings or the call asked for. */
      afterSeconds: number;
      /** When to answer, in ms from now: never sooner than {@link AUTO_ANSWER_WARNING_MS}. */
      afterMs: number;
      /** The call asked for it (intercom), rather than `auto-answer` answering every call. */
      requested: boolean;
    }
  | { answer: false; reason: AutoAnswerRefusal };

function decodeUser(user: string): string | undefined {
  try {
    return decodeURIComponent(user);
  } catch {
    return undefined;
  }
}

/** True when the caller is on the allow-list (user parts exactly, hosts in any case). */
export function callerAllowed(
  caller: string,
  allowed: readonly AutoAnswerCaller[],
  domain: string,
): boolean {
  if (!allowed.length) return true;
  const uri = parseRemoteUri(caller);
  const user = uri?.user === undefined ? undefined : decodeUser(uri.user);
  if (!uri || user === undefined) return false;
  return allowed.some(
    (entry) => entry.user === user && (entry.host ?? domain.toLowerCase()) === uri.host,
  );
}

/**
 * Whether to answer an incoming call by itself, and when; or why not. Checked in this order: off,
 * not asked for (`intercom` and the call asked nothing), not on the allow-list, another call live
 * (unless `busy`).
 */
export function autoAnswerDecision(input: AutoAnswerInput): AutoAnswerDecision {
  const { settings, request } = input;
  if (settings.mode === 'off') return { answer: false, reason: 'off' };
  if (settings.mode === 'intercom' && !request) return { answer: false, reason: 'not-requested' };
  if (!callerAllowed(input.caller, settings.from, input.domain)) {
    return { answer: false, reason: 'not-allowed' };
  }
  if (input.otherCalls > 0 && !settings.busy) return { answer: false, reason: 'busy' };
  const requested = settings.mode === 'intercom';
  const afterSeconds = requested ? request!.afterSeconds : settings.afterSeconds;
  return {
    answer: true,
    afterSeconds,
    afterMs: Math.max(afterSeconds * 1000, AUTO_ANSWER_WARNING_MS),
    requested,
  };
}
