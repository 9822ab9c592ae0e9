import { expect, fixture, html } from '@open-wc/testing';
import '../../components/sip-call-button/sip-call-button.js';
import type { SipCallButton } from '../../components/sip-call-button/sip-call-button.js';
import type { SipCallChangeDetail } from '../../components/events.js';
import { passwordOf, sandbox, sleep, waitFor } from '../helpers/sandbox.js';
import { trackPeerConnections } from '../helpers/peer-connections.js';

const constructed = trackPeerConnections();

describe('<sip-call-button prewarm>', () => {
  it('prepares the call on focus and places it with the prepared connection; nothing during the cooldown', async () => {
    const info = await sandbox();
    const changes: SipCallChangeDetail[] = [];
    const el = await fixture<SipCallButton>(
      html`<sip-call-button
        server=${info.wsUrl}
        uri=${`sip:alice@${info.domain}`}
        .password=${await passwordOf('alice')}
        target="echo"
        cooldown="2"
        end-reason-timeout="300"
        prewarm
        @sip-call-change=${(e: CustomEvent<SipCallChangeDetail>) => changes.push(e.detail)}
        >Call reception</sip-call-button
      >`,
    );
    const button = () => el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!;
    button().focus();
    const prepared = await waitFor(
      () => constructed.find((pc) => pc.getConfiguration().iceCandidatePoolSize === 1),
      'a peer connection prepared on focus',
    );
    await waitFor(() => el.registrationState === 'registered', 'registered');
    const count = constructed.length;
    button().click();
    await waitFor(() => changes.find((c) => c.state === 'connected'), 'connected');
    expect(constructed.length, 'no new peer connection at the press').to.equal(count);
    // The prepared connection is the call's: its media comes up.
    await waitFor(
      () => prepared.connectionState === 'connected',
      'media on the prepared connection',
    );
    el.hangup();
    await waitFor(() => changes.find((c) => c.state === 'ended'), 'ended');
    expect(prepared.signalingState).to.equal('closed');
    // The button comes back during the cooldown: approaching it then prepares nothing.
    await waitFor(() => el.shadowRoot!.querySelector('[part~="button"]'), 'the button is back');
    button().dispatchEvent(new PointerEvent('pointerenter'));
    button().focus();
    await sleep(300);
    expect(constructed.length).to.equal(count);
  });
});
