/**
 * The registration and reconnection policy, as pure functions of (state, event, time, randomness):
 * what to do after each REGISTER outcome and after each lost connection. It follows RFC 5626 §4.5
 * (randomised exponential backoff, base 30 s, cap 1800 s), RFC 3261 §21.5.4 (`Retry-After`, which
 * may lengthen the backoff but never shorten it) and
 * §10.2.8 (423 Interval Too Brief: one retry with the server's Min-Expires), and stops for good on
 * answers that no retry can change (wrong credentials, forbidden, unknown account) — the way
 * liblinphone, PJSIP and Asterisk do. The phone executes the actions; nothing here touches a timer.
 */

/** Backoff timing in seconds (RFC 5626 §4.5 `base-time` and `max-time`). */
export interface RetryTiming {
  baseDelay: number;
  maxDelay: number;
}

export const RETRY_DEFAULTS: RetryTiming = { baseDelay: 30, maxDelay: 1800 };

export interface PolicyState {
  /** Consecutive failures (REGISTER or connection) since the last successful REGISTER. */
  failures: number;
  /**
   * The failures before the last successful REGISTER, kept until its connection proves healthy:
   * a server that accepts a REGISTER and then drops the connection must not reset the backoff.
   */
  carried: number;
  /** A 423 was already answered with one immediate retry since the last success. */
  retried423: boolean;
  /**
   * The one prompt reconnection after losing a registered connection was spent, and no connection
   * has proved healthy since: the next quick loss backs off (a server that grants REGISTER and
   * drops the connection 2 s later gets one prompt reconnection, then growing gaps).
   */
  promptSpent: boolean;
  /** A final refusal (401 after the challenge, 403, 404, …): no REGISTER until settings change. */
  stopped: boolean;
  /** No REGISTER before this time (epoch ms): the server's `Retry-After` or the backoff. */
  notBefore: number;
}

export const INITIAL_POLICY_STATE: PolicyState = {
  failures: 0,
  carried: 0,
  retried423: false,
  promptSpent: false,
  stopped: false,
  notBefore: 0,
};

export type PolicyEvent =
  /** A REGISTER got a 2xx (or, for a phone that does not register, the connection answered). */
  | { type: 'registered' }
  /** A REGISTER got a final non-2xx answer (after JsSIP answered any digest challenge). */
  | { type: 'rejected'; status: number; retryAfter?: number; minExpires?: number }
  /** A REGISTER got no answer (Timer F). */
  | { type: 'timeout' }
  /**
   * The connection failed or dropped. `registered`: a REGISTER had succeeded on it; `upFor`: how
   * long it had been open, in ms (0 when it never opened).
   */
  | {
      type: 'connection-lost';
      registered: boolean;
      upFor: number;
      /** The browser said it is offline: no prompt reconnection (`online` brings one). */
      offline?: boolean;
    }
  /** The connection is open (again). */
  | { type: 'connected' }
  /** The browser came back online: reconnect now, once, whatever the backoff says. */
  | { type: 'online' };

export type PolicyAction =
  | { type: 'none' }
  /** Send a REGISTER at `at` (epoch ms; `at <= now` means at once). */
  | { type: 'register'; at: number }
  /** Open the connection at `at`; a REGISTER follows once it is open. */
  | { type: 'connect'; at: number }
  /** Registration refused for good: tell the user, retry only after the settings change. */
  | { type: 'stop' };

export interface PolicyResult {
  state: PolicyState;
  action: PolicyAction;
}

/** Status codes a later REGISTER may get past: the server or the path is having a bad moment. */
export const RETRYABLE_STATUS: ReadonlySet<number> = new Set([408, 480, 500, 502, 503, 504]);

/**
 * How a final answer to REGISTER is handled: `retry` with backoff (or `Retry-After`),
 * `interval` (423: once at once with Min-Expires, then backoff), or `stop`.
 */
export function classifyRegisterStatus(status: number): 'retry' | 'interval' | 'stop' {
  if (status === 423) return 'interval';
  return RETRYABLE_STATUS.has(status) ? 'retry' : 'stop';
}

/** RFC 5626 §4.5: the upper bound of the wait after `failures` consecutive failures, in seconds. */
export function backoffCeiling(failures: number, timing: RetryTiming = RETRY_DEFAULTS): number {
  if (failures <= 0) return 0;
  return Math.min(timing.maxDelay, timing.baseDelay * 2 ** failures);
}

/** A wait between 50 % and 100 % of the ceiling (RFC 5626 §4.5), in ms. */
export function backoffDelayMs(
  failures: number,
  timing: RetryTiming = RETRY_DEFAULTS,
  random: () => number = Math.random,
): number {
  const ceiling = backoffCeiling(failures, timing) * 1000;
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/**
 * Honours `Retry-After`: never earlier than the server asked, plus up to 20 % (at most 30 s) so
 * that every phone the server turned away does not come back in the same second.
 */
export function retryAfterDelayMs(seconds: number, random: () => number = Math.random): number {
  const base = seconds * 1000;
  return Math.round(base + Math.min(base * 0.2, 30_000) * random());
}

/** Reads a `Retry-After` value (`120`, `120;duration=3600`, `120 (maintenance)`); seconds. */
export function parseRetryAfter(value: string | undefined | null): number | undefined {
  const match = /^\s*(\d{1,9})/.exec(value ?? '');
  if (!match) return undefined;
  // A day is plenty: a server asking for more is not one to wait for without telling the user.
  return Math.min(Number(match[1]), 86_400);
}

/**
 * The next step after `event`. `now` is the current time (epoch ms) and `random` a source in [0, 1).
 */
export function nextPolicyStep(
  state: PolicyState,
  event: PolicyEvent,
  now: number,
  timing: RetryTiming = RETRY_DEFAULTS,
  random: () => number = Math.random,
): PolicyResult {
  const none: PolicyAction = { type: 'none' };
  switch (event.type) {
    case 'registered':
      return {
        state: {
          ...INITIAL_POLICY_STATE,
          carried: Math.max(state.failures, state.carried),
          promptSpent: state.promptSpent,
        },
        action: none,
      };

    case 'rejected': {
      if (state.stopped) return { state, action: { type: 'stop' } };
      const kind = classifyRegisterStatus(event.status);
      if (kind === 'stop') return { state: { ...state, stopped: true }, action: { type: 'stop' } };
      if (kind === 'interval' && event.minExpires !== undefined && !state.retried423) {
        return { state: { ...state, retried423: true }, action: { type: 'register', at: now } };
      }
      const failures = state.failures + 1;
      // Retry-After can only lengthen the wait: `Retry-After: 0` on every REGISTER must not
      // turn the backoff into hundreds of REGISTERs a second.
      const backoff = backoffDelayMs(failures, timing, random);
      const delay =
        event.retryAfter !== undefined
          ? Math.max(backoff, retryAfterDelayMs(event.retryAfter, random))
          : backoff;
      const at = now + delay;
      return { state: { ...state, failures, notBefore: at }, action: { type: 'register', at } };
    }

    case 'timeout': {
      if (state.stopped) return { state, action: { type: 'stop' } };
      const failures = state.failures + 1;
      const at = now + backoffDelayMs(failures, timing, random);
      return { state: { ...state, failures, notBefore: at }, action: { type: 'register', at } };
    }

    case 'connection-lost': {
      // RFC 5626 §4.5: after a flow that worked fails, form a new one at once; back off only when
      // forming flows keeps failing. A connection that carried a successful REGISTER gets one
      // prompt reconnection; it is spent until a connection proves healthy (registered for
      // `baseDelay`). A connection that never registered, or a second quick loss, counts as one
      // more failure after those before the last success.
      const healthy = event.registered && event.upFor >= timing.baseDelay * 1000;
      const prompt = !event.offline && (healthy || (event.registered && !state.promptSpent));
      if (prompt) {
        // "At once" is spread over a tenth of base-time (3 s by default), so that every phone of
        // a restarted server does not knock in the same instant.
        const at = Math.max(now + Math.round(timing.baseDelay * 100 * random()), state.notBefore);
        return {
          state: {
            ...state,
            failures: healthy ? 0 : state.failures,
            carried: healthy ? 0 : state.carried,
            promptSpent: true,
          },
          action: { type: 'connect', at },
        };
      }
      const failures = Math.max(state.failures, state.carried) + 1;
      const at = Math.max(now + backoffDelayMs(failures, timing, random), state.notBefore);
      return { state: { ...state, failures }, action: { type: 'connect', at } };
    }

    case 'connected':
      if (state.stopped) return { state, action: none };
      return { state, action: { type: 'register', at: Math.max(now, state.notBefore) } };

    case 'online':
      // The network just came back: that, not the backoff, is the news. Skip the wait once.
      return { state: { ...state, notBefore: 0 }, action: { type: 'connect', at: now } };
  }
}

/**
 * When to refresh a registration the server granted for `expires` seconds, in ms from now: between
 * half and two thirds of the interval, and always at least 90 s before it runs out when the interval
 * allows — a hidden tab's timers can run a minute late (Chrome's intensive throttling), and the
 * REGISTER itself may take Timer F (32 s) to fail.
 */
export function refreshDelayMs(expires: number, random: () => number = Math.random): number {
  const total = expires * 1000;
  const early = total / 2 + (total / 6) * random();
  const margin = 90_000;
  if (total >= 2 * margin) return Math.round(Math.min(early, total - margin));
  // Short intervals (a server granting 30 s): refresh at half-time.
  return Math.round(total / 2);
}

/**
 * The registration lifetime a 2xx to REGISTER grants this phone, in seconds: the `expires`
 * parameter of the Contact carrying our `+sip.instance`, else the `Expires` header.
 */
export function grantedExpires(response: string, instanceId: string): number | undefined {
  const headerEnd = response.indexOf('\r\n\r\n');
  const head = (headerEnd >= 0 ? response.slice(0, headerEnd) : response)
    // Header folding (RFC 3261 §7.3.1): a line starting with white space continues the previous.
    .replace(/\r\n[ \t]+/g, ' ');
  let fromHeader: number | undefined;
  let fromContact: number | undefined;
  const instance = instanceId.toLowerCase();
  for (const line of head.split('\r\n').slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1);
    if (name === 'expires') {
      const n = Number.parseInt(value.trim(), 10);
      if (Number.isFinite(n)) fromHeader = n;
    } else if ((name === 'contact' || name === 'm') && value.toLowerCase().includes(instance)) {
      for (const contact of splitContacts(value)) {
        if (!contact.toLowerCase().includes(instance)) continue;
        const match = /;\s*expires\s*=\s*(\d+)/i.exec(contact);
        if (match) fromContact = Number(match[1]);
      }
    }
  }
  return fromContact ?? fromHeader;
}

/**
 * The `Flow-Timer` of a 2xx to REGISTER (RFC 5626 §4.4.1): the server drops a flow it hears
 * nothing on for this many seconds, so keep-alives must come more often. Undefined when absent.
 */
export function flowTimerSeconds(response: string): number | undefined {
  const headerEnd = response.indexOf('\r\n\r\n');
  const head = headerEnd >= 0 ? response.slice(0, headerEnd) : response;
  const match = /\r\nFlow-Timer[ \t]*:[ \t]*(\d{1,6})[ \t]*(?:\r\n|$)/i.exec(head);
  if (!match) return undefined;
  const seconds = Number(match[1]);
  // Below 5 s a keep-alive would be most of the traffic: not a value to obey.
  return seconds >= 5 ? seconds : undefined;
}

/** Splits a Contact header value at the commas between contacts (not those inside quotes or <>). */
function splitContacts(value: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '"' && value[i - 1] !== '\\') quoted = !quoted;
    else if (!quoted && c === '<') depth++;
    else if (!quoted && c === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && c === ',') {
      parts.push(value.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(value.slice(start));
  return parts;
}
