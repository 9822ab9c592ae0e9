/**
 * Browser-side access to the fault peer (fault-plugin.mjs): scenarios, the wire log with counters,
 * and `<sip-phone>` fixtures that connect through a scenario.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { SipPhone } from '../../components/index.js';
import type { PhoneConfig } from '../../src/index.js';
import { phoneFixture, type PhoneUnderTest } from '../helpers/phone-fixture.js';
import {
  waitFor,
  type OutboundCall,
  type SandboxCall,
  type SandboxInfo,
} from '../helpers/sandbox.js';

/** One entry of a scenario's log: a frame (from → to) or a connection event. */
export interface FaultFrame {
  at: number;
  /** The phone's connection number (1 = the first WebSocket, 2 = after the first reconnect…). */
  conn: number;
  event?: string;
  from?: 'phone' | 'server' | 'peer';
  to?: 'phone' | 'server';
  kind?: 'sip' | 'crlf' | 'other' | 'fixture' | 'garbage';
  method?: string;
  status?: number;
  reason?: string;
  cseq?: number;
  callId?: string;
  branch?: string;
  toTag?: string;
  /** The Expires header (REGISTER). */
  expires?: string;
  /** The SDP's a=ice-ufrag. */
  iceUfrag?: string;
  /** Refer-To, Replaces and Referred-By as they were on the wire, when present. */
  referTo?: string;
  replaces?: string;
  referredBy?: string;
  contact?: string;
  /** Every header name of the message, in lower case, in order (folded lines joined). */
  headerNames?: string[];
  delivered?: boolean;
  size?: number;
}

export interface FaultRule {
  from: 'phone' | 'server';
  method?: string;
  /** Without: the rule matches requests. With: responses with that status. */
  status?: number;
  /** How many matches the rule acts on (default: all). */
  times?: number;
  /** Only messages carrying this header (e.g. `Authorization`: authenticated REGISTERs). */
  withHeader?: string;
  action:
    | {
        type: 'respond';
        status: number;
        reason?: string;
        headers?: Array<[string, string]>;
        close?: boolean;
        /** Send the response this many times (a duplicate, as a retransmitting proxy does). */
        repeat?: number;
      }
    | { type: 'drop' }
    | { type: 'close' }
    /** Messages from the server: a regular-expression replacement on the raw text. */
    | { type: 'rewrite'; pattern: string; flags?: string; replacement: string }
    | { type: 'reason'; reason: string };
}

export interface ScenarioConfig {
  /** Omitted: the fault suite's sandbox. */
  upstream?: string;
  rules?: FaultRule[];
  acceptThenDropMs?: number;
  refuse?: boolean;
  /** Rewrite the expires the registrar grants (seconds). */
  grantExpires?: number;
  /** Relay audio through the peer (so it can be black-holed). */
  media?: boolean;
  /** Answer CRLF pings with a pong (default true). */
  crlfPong?: boolean;
  /**
   * Route requests to the phone by the connection their dialog is bound to (where the phone last
   * sent its Contact), as Kamailio does with connection aliases: after a reconnect they fail (430)
   * until the phone refreshes the target.
   */
  flowRouting?: boolean;
  /** Cut the connection this long after each 200 to REGISTER … */
  dropAfterRegisterMs?: number;
  /** … this many times (default: every time). */
  dropAfterRegisterTimes?: number;
}

type Filter = Partial<
  Pick<FaultFrame, 'from' | 'to' | 'method' | 'status' | 'conn' | 'event' | 'kind'>
> & {
  /** Requests only (no status). */
  request?: boolean;
  since?: number;
};

const command = <T>(action: string, payload: object = {}) =>
  executeServerCommand<T, object>('faults', { action, ...payload });

// The fault suite's own sandbox (behind the peer), with the requests of ../helpers/sandbox.ts.
const sandboxRequest = <T>(request: object) => command<T>('sandbox', { request });
let sandboxInfo: SandboxInfo | undefined;
export async function sandbox(): Promise<SandboxInfo> {
  sandboxInfo ??= await sandboxRequest<SandboxInfo>({ action: 'info' });
  return sandboxInfo;
}
export async function passwordOf(user: string): Promise<string> {
  const found = (await sandbox()).users.find((u) => u.user === user);
  if (!found) throw new Error(`sandbox has no user ${user}`);
  return found.password;
}
export const sandboxCalls = (number?: string) =>
  sandboxRequest<SandboxCall[]>({ action: 'calls', ...(number ? { number } : {}) });
export const sandboxCallsUser = (call: OutboundCall) =>
  sandboxRequest<{ id: string; callId: string }>({ action: 'call-user', call });
export const sandboxEndsCall = (id: string) => sandboxRequest<unknown>({ action: 'end-call', id });
/** Short-lived credentials the sandbox accepts for `user` until they expire. */
export const sandboxCredentials = (user: string, kind: 'password' | 'token', ttlMs: number) =>
  sandboxRequest<{ password?: string; token?: string; expiresAt: number }>({
    action: 'credentials',
    user,
    kind,
    ttlMs,
  });

export class Scenario {
  readonly id: string;
  readonly wsUrl: string;
  readonly origin: string;

  constructor(info: { id: string; wsUrl: string; origin: string }) {
    this.id = info.id;
    this.wsUrl = info.wsUrl;
    this.origin = info.origin;
  }

  log(): Promise<FaultFrame[]> {
    return command<FaultFrame[]>('log', { id: this.id });
  }

  /** Frames (or events) matching `filter`. */
  async frames(filter: Filter = {}): Promise<FaultFrame[]> {
    return (await this.log()).filter((frame) => {
      if (filter.request && frame.status !== undefined) return false;
      if (filter.since !== undefined && frame.at < filter.since) return false;
      for (const key of ['from', 'to', 'method', 'status', 'conn', 'event', 'kind'] as const) {
        if (filter[key] !== undefined && frame[key] !== filter[key]) return false;
      }
      return true;
    });
  }

  async count(filter: Filter = {}): Promise<number> {
    return (await this.frames(filter)).length;
  }

  /** REGISTER requests the phone sent (each digest retry included). */
  registers(since?: number): Promise<number> {
    return this.count({
      from: 'phone',
      method: 'REGISTER',
      request: true,
      ...(since ? { since } : {}),
    });
  }

  /** Phone connections opened so far. */
  async connections(): Promise<number> {
    return this.count({ event: 'open' });
  }

  /** The first re-INVITE the phone sent (an INVITE with a To tag): an ICE restart, a refresh. */
  async firstReinvite(): Promise<FaultFrame | undefined> {
    return (await this.frames({ from: 'phone', method: 'INVITE', request: true })).find(
      (f) => f.toTag,
    );
  }

  drop(): Promise<boolean> {
    return command('drop', { id: this.id });
  }
  silence(on: boolean): Promise<boolean> {
    return command('silence', { id: this.id, on });
  }
  /** `{contact}`: the phone's Contact URI; `{pad}`: `pad` characters. */
  inject(text: string, pad = 0): Promise<boolean> {
    return command('inject', { id: this.id, text, pad });
  }
  injectFixture(name: string): Promise<boolean> {
    return command('inject-fixture', { id: this.id, name });
  }
  garbage(count: number, size: number): Promise<boolean> {
    return command('garbage', { id: this.id, count, size });
  }
  update(patch: Partial<ScenarioConfig>): Promise<boolean> {
    return command('update', { id: this.id, patch });
  }
  media(blackhole: boolean): Promise<boolean> {
    return command('media', { id: this.id, blackhole });
  }
  mediaStats(): Promise<{ toPhone: number; toServer: number; dropped: number }> {
    return command('media-stats', { id: this.id });
  }
  close(): Promise<boolean> {
    return command('close', { id: this.id });
  }
}

const open: Scenario[] = [];

/** A scenario in front of the sandbox (closed by {@link closeScenarios}). */
export async function scenario(config: ScenarioConfig = {}): Promise<Scenario> {
  const created = new Scenario(await command('create', { config }));
  open.push(created);
  return created;
}

export async function closeScenarios(): Promise<void> {
  for (const s of open.splice(0)) await s.close().catch(() => undefined);
}

export const tortureFixtures = () => command<string[]>('fixtures');
/** Starts recording what the page writes to its console (as the browser reports it). */
export const consoleStart = () => command<boolean>('console-start');
export const consoleStop = () => command<string[]>('console-stop');

export type FaultPhone = PhoneUnderTest;

/** Fast, but not zero: the tests watch the same policy with shorter clocks. */
export const TEST_TIMING: Partial<PhoneConfig> = {
  retryBaseDelay: 1000,
  retryMaxDelay: 8000,
  keepAliveInterval: 60_000,
};

/** A `<sip-phone>` for a sandbox user that connects through `through`. */
export async function faultPhone(
  through: Scenario,
  user = 'alice',
  options: {
    password?: string;
    config?: Partial<PhoneConfig>;
    displayName?: string;
    /** Instead of `through`'s address: a server list (space-separated or an array). */
    server?: PhoneConfig['server'];
  } = {},
): Promise<FaultPhone> {
  const info = await sandbox();
  return phoneFixture({
    server: options.server ?? through.wsUrl,
    uri: `sip:${user}@${info.domain}`,
    password: options.password ?? (await passwordOf(user)),
    config: { ...TEST_TIMING, ...options.config },
    ...(options.displayName ? { displayName: options.displayName } : {}),
    endReasonTimeout: 0,
  });
}

/**
 * Every text a part of the element shows from now on, however briefly (a state that lasts one
 * render is caught). Stop with the returned function.
 */
export function textsOf(el: SipPhone, name: string): { texts: string[]; stop: () => void } {
  const texts: string[] = [];
  const read = () => {
    const node = el.shadowRoot!.querySelector(`[part~="${name}"]`);
    const text = (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (text !== texts.at(-1)) texts.push(text);
  };
  read();
  const observer = new MutationObserver(read);
  observer.observe(el.shadowRoot!, { subtree: true, childList: true, characterData: true });
  return { texts, stop: () => observer.disconnect() };
}

export async function registered(phone: FaultPhone, timeout = 10_000): Promise<void> {
  await waitFor(() => phone.el.registrationState === 'registered', 'registered', timeout);
}
