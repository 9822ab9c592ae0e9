/** Fixtures for `<sip-phone>` against the sandbox, and readers for its shadow DOM. */
import { fixture, html } from '@open-wc/testing';
import '../../components/index.js';
import type {
  SipPhone,
  SipCallChangeDetail,
  SipRegistrationChangeDetail,
} from '../../components/index.js';
import { passwordOf, sandbox, waitFor } from './sandbox.js';

export interface PhoneUnderTest {
  el: SipPhone;
  registrations: SipRegistrationChangeDetail[];
  calls: SipCallChangeDetail[];
}

/** A `<sip-phone>` for a sandbox user, with every event it fires recorded. */
export async function phoneFor(
  user: string,
  options: { password?: string; displayName?: string; register?: boolean } = {},
): Promise<PhoneUnderTest> {
  const info = await sandbox();
  const password = options.password ?? (await passwordOf(user));
  const registrations: SipRegistrationChangeDetail[] = [];
  const calls: SipCallChangeDetail[] = [];
  const el = await fixture<SipPhone>(
    html`<sip-phone
      server=${info.wsUrl}
      uri=${`sip:${user}@${info.domain}`}
      display-name=${options.displayName ?? ''}
      .password=${password}
      @sip-registration-change=${(e: CustomEvent<SipRegistrationChangeDetail>) => registrations.push(e.detail)}
      @sip-call-change=${(e: CustomEvent<SipCallChangeDetail>) => calls.push(e.detail)}
    ></sip-phone>`,
  );
  return { el, registrations, calls };
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
  if (!pc) return 0;
  let packets = 0;
  (await pc.getStats()).forEach(
    (report: { type: string; kind?: string; packetsReceived?: number }) => {
      if (report.type === 'inbound-rtp' && report.kind === 'audio')
        packets += report.packetsReceived ?? 0;
    },
  );
  return packets;
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
