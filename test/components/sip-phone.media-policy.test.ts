import { expect, fixture, html } from '@open-wc/testing';
import '../../components/index.js';
import type { SipPhone } from '../../components/index.js';
import type { WireMessage } from '../../src/index.js';
import { passwordOf, sandbox, silentStunServer, waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> media policy on a real call', () => {
  it('sends the INVITE before ICE gathering ends when the STUN server never answers', async () => {
    const info = await sandbox();
    const stun = await silentStunServer();
    const el = await fixture<SipPhone>(
      html`<sip-phone
        server=${info.wsUrl}
        uri=${`sip:alice@${info.domain}`}
        .password=${await passwordOf('alice')}
        .config=${{ iceServers: [{ urls: stun }], iceGatheringTimeout: 300 }}
      ></sip-phone>`,
    );
    await waitFor(() => el.registrationState === 'registered', 'registered');

    let gatheringWhenSent: RTCIceGatheringState | undefined;
    el.phone!.on('wire', (message: WireMessage) => {
      if (
        message.direction === 'out' &&
        message.method === 'INVITE' &&
        message.status === undefined
      ) {
        gatheringWhenSent ??= el.currentCall?.peerConnection?.iceGatheringState;
      }
    });
    el.call('echo');
    await waitFor(() => gatheringWhenSent, 'the INVITE on the wire');
    // Chromium is still asking the silent STUN server (it gives up after ~40 s): the phone did not wait.
    expect(gatheringWhenSent).to.equal('gathering');
    await waitFor(() => el.callState === 'connected', 'connected with host candidates', 15_000);
    el.hangup();
  });
});
