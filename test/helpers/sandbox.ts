/**
 * Browser-side access to the sandbox SIP server the test runner started (see sandbox-plugin.mjs),
 * and small waiting helpers. Every wait is bounded.
 */
import { executeServerCommand } from '@web/test-runner-commands';

export interface SandboxInfo {
  wsUrl: string;
  httpUrl: string;
  domain: string;
  users: Array<{ user: string; password: string }>;
}

export interface SandboxDtmf {
  digit: string;
  durationMs: number;
  transport: 'rfc4733' | 'info';
}

export interface SandboxCall {
  callId: string;
  number: string;
  from: string;
  finalStatus?: number;
  finalReason?: string;
  sawCancel: boolean;
  sentStatuses: number[];
  receivedMethods: string[];
  offer: { codecs: string[]; sdp: string };
  rtp: { packetsIn: number; packetsOut: number };
  dtmf: SandboxDtmf[];
  reinvites: Array<{ direction: string | null; status: number }>;
  endedAt?: number;
}

let cachedInfo: SandboxInfo | undefined;

export async function sandbox(): Promise<SandboxInfo> {
  cachedInfo ??= await executeServerCommand<SandboxInfo, { action: string }>('sandbox', {
    action: 'info',
  });
  return cachedInfo;
}

export async function sandboxCalls(number?: string): Promise<SandboxCall[]> {
  return executeServerCommand<SandboxCall[], { action: string; number?: string }>('sandbox', {
    action: 'calls',
    ...(number ? { number } : {}),
  });
}

export async function passwordOf(user: string): Promise<string> {
  const found = (await sandbox()).users.find((u) => u.user === user);
  if (!found) throw new Error(`sandbox has no user ${user}`);
  return found.password;
}

/** Polls `check` until it returns a truthy value; fails with `what` after `timeout` ms. */
type Falsy = undefined | null | false | 0 | '';

export async function waitFor<T>(
  check: () => T | Falsy | Promise<T | Falsy>,
  what: string,
  timeout = 10_000,
  interval = 50,
): Promise<T> {
  const end = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value as T;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end)
      throw new Error(
        `timed out after ${timeout} ms waiting for ${what}${last ? `: ${last}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A `stun:` URL on loopback whose server never answers. */
export async function silentStunServer(): Promise<string> {
  const { url } = await executeServerCommand<{ url: string }, { action: string }>('sandbox', {
    action: 'silent-stun',
  });
  return url;
}

export interface OutboundCall {
  to: string;
  from?: string;
  displayName?: string;
  media?: 'tone' | 'echo';
  answerTimeoutMs?: number;
  /** Extra INVITE headers: Call-Info and Alert-Info only (the sandbox refuses others, and CR/LF). */
  headers?: Array<{ name: 'Call-Info' | 'Alert-Info'; value: string }>;
}

/** Makes the sandbox call a registered user: an incoming call with real media for the browser. */
export async function sandboxCallsUser(
  call: OutboundCall,
): Promise<{ id: string; callId: string }> {
  return executeServerCommand<
    { id: string; callId: string },
    { action: string; call: OutboundCall }
  >('sandbox', { action: 'call-user', call });
}

/** Ends a call the sandbox placed: CANCEL before the answer, BYE after. */
export async function sandboxEndsCall(id: string): Promise<void> {
  await executeServerCommand<unknown, { action: string; id: string }>('sandbox', {
    action: 'end-call',
    id,
  });
}

/** Makes the media the sandbox sends worse (loss in %, delay in ms); zeros restore it. */
export async function impairSandbox(lossPct: number, delayMs = 0): Promise<void> {
  await executeServerCommand<unknown, { action: string; lossPct: number; delayMs: number }>(
    'sandbox',
    {
      action: 'impair',
      lossPct,
      delayMs,
    },
  );
}

export interface SandboxSubscription {
  subscriber: string;
  event: 'dialog' | 'presence' | 'message-summary';
  target: string;
  expires: number;
  subscribes: number;
  notifies: number;
}

/** The subscriptions the sandbox holds (busy lamps, voicemail). */
export async function sandboxSubscriptions(): Promise<SandboxSubscription[]> {
  return executeServerCommand<SandboxSubscription[], { action: string }>('sandbox', {
    action: 'subscriptions',
  });
}

export interface Mailbox {
  newMessages: number;
  oldMessages: number;
}

/** A user's voicemail counts at the sandbox; with `set`, sets them (the user's phones are told). */
export async function sandboxMailbox(user: string, set?: Mailbox): Promise<Mailbox> {
  return executeServerCommand<Mailbox, { action: string; user: string; set?: Mailbox }>('sandbox', {
    action: 'mailbox',
    user,
    ...(set ? { set } : {}),
  });
}
