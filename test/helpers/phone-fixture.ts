/** Fixtures for `<sip-phone>` against the sandbox, and readers for its shadow DOM. */
import { fixture, html } from '@open-wc/testing';
import { ifDefined } from 'lit/directives/if-defined.js';
import '../../components/index.js';
import type {
  SipPhone,
  SipCallChangeDetail,
  SipRegistrationChangeDetail,
} from '../../components/index.js';
import { inboundAudioPackets, type PhoneConfig } from '../../src/index.js';
import type { TonePlayer } from '../../src/tones.js';
import { passwordOf, sandbox, waitFor } from './sandbox.js';

export interface PhoneUnderTest {
  el: SipPhone;
  registrations: SipRegistrationChangeDetail[];
  calls: SipCallChangeDetail[];
}

/** What {@link phoneFixture} gives the element. */
export interface PhoneFixtureOptions {
  /** A WebSocket URL, or a server list (space-separated or an array). */
  server: PhoneConfig['server'];
  uri: string;
  password: string;
  config?: Partial<PhoneConfig>;
  displayName?: string;
  /** The `end-reason-timeout` attribute (ms); omitted: the element's default. */
  endReasonTimeout?: number;
}

/**
 * The one `<sip-phone>` fixture of the suites (sandbox, fault peer, interop bed): the element with
 * these settings, and every registration and call event it fires recorded.
 */
export async function phoneFixture(options: PhoneFixtureOptions): Promise<PhoneUnderTest> {
  const registrations: SipRegistrationChangeDetail[] = [];
  const calls: SipCallChangeDetail[] = [];
  const el = await fixture<SipPhone>(
    html`<sip-phone
      .server=${options.server}
      uri=${options.uri}
      display-name=${options.displayName ?? ''}
      end-reason-timeout=${ifDefined(options.endReasonTimeout)}
      .password=${options.password}
      .config=${options.config ?? {}}
      @sip-registration-change=${(e: CustomEvent<SipRegistrationChangeDetail>) => registrations.push(e.detail)}
      @sip-call-change=${(e: CustomEvent<SipCallChangeDetail>) => calls.push(e.detail)}
    ></sip-phone>`,
  );
  await el.phoneReady; // The core is a chunk of its own: here once the first phone needs it.
  return { el, registrations, calls };
}

/** A `<sip-phone>` for a sandbox user, with every event it fires recorded. */
export async function phoneFor(
  user: string,
  options: { password?: string; displayName?: string; register?: boolean } = {},
): Promise<PhoneUnderTest> {
  const info = await sandbox();
  return phoneFixture({
    server: info.wsUrl,
    uri: `sip:${user}@${info.domain}`,
    password: options.password ?? (await passwordOf(user)),
    ...(options.displayName ? { displayName: options.displayName } : {}),
  });
}

export async function registeredPhone(user: string, displayName?: string): Promise<PhoneUnderTest> {
  const phone = await phoneFor(user, displayName ? { displayName } : {});
  await waitFor(() => phone.el.registrationState === 'registered', `${user} registered`);
  return phone;
}

export const part = (el: SipPhone, name: string): HTMLElement => {
  const found = el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
  if (!found) throw new Error(`no [part~="${name}"]`);
  return found;
};

export const banner = (el: SipPhone) => part(el, 'banner');

/** The phone's tone player: there once the element's code has arrived (a registered phone has it). */
export function tonesOf(el: SipPhone): TonePlayer {
  const tones = el.tones;
  if (!tones) throw new Error('the phone has no tone player: its code has not arrived');
  return tones;
}

/** Whitespace-normalised visible text of an element. */
export const textOf = (node: Element): string =>
  (node.textContent ?? '').replace(/\s+/g, ' ').trim();

/** Waits until the phone's call reaches `state` (and `status`, when given). */
export async function waitForCall(
  phone: PhoneUnderTest,
  state: string,
  status?: number,
  timeout = 15_000,
): Promise<SipCallChangeDetail> {
  return waitFor(
    () =>
      phone.calls.find((c) => c.state === state && (status === undefined || c.status === status)),
    `call state ${state}${status ? ` ${status}` : ''} (seen: ${JSON.stringify(phone.calls.map((c) => [c.state, c.status]))})`,
    timeout,
  );
}

/** Inbound RTP packets counted by the browser for the element's current call. */
export async function inboundPackets(el: SipPhone): Promise<number> {
  const pc = el.currentCall?.peerConnection;
  return pc ? inboundAudioPackets(pc) : 0;
}

/**
 * Waits for the phone to ask "X wants to transfer you to Y" and answers it as a user would: a
 * click on Accept (or Decline). Returns the prompt's text.
 */
export async function answerTransferPrompt(
  el: SipPhone,
  answer: 'accept' | 'decline' = 'accept',
): Promise<string> {
  const prompt = await waitFor(
    () => el.shadowRoot!.querySelector<HTMLElement>('[part~="transfer-prompt"]'),
    'the transfer prompt',
  );
  const text = textOf(prompt);
  part(el, `transfer-${answer}-button`).click();
  return text;
}
