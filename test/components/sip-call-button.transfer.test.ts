import { expect, fixture, html } from '@open-wc/testing';
import '../../components/index.js';
import type { SipCallButton } from '../../components/index.js';
import { registeredPhone, waitForCall } from '../helpers/phone-fixture.js';
import { passwordOf, sandbox, waitFor } from '../helpers/sandbox.js';

describe('<sip-call-button> refuses to be redirected', () => {
  it('declines a REFER: the call stays with the fixed target', async () => {
    const info = await sandbox();
    const bob = await registeredPhone('bob');
    const el = await fixture<SipCallButton>(
      html`<sip-call-button
        server=${info.wsUrl}
        uri=${`sip:alice@${info.domain}`}
        .password=${await passwordOf('alice')}
        target="bob"
      ></sip-call-button>`,
    );
    await el.call();
    await waitForCall(bob, 'incoming');
    bob.el.answer();
    await waitFor(() => el.callState === 'connected', 'the kiosk connected to bob');

    // Bob tries to send the kiosk elsewhere (a toll number, say): the kiosk says no.
    expect(await bob.el.transfer('echo')).to.equal(false);
    expect(bob.el.callSnapshot!.transfer).to.deep.include({ state: 'failed', status: 603 });
    expect(el.callState).to.equal('connected');
    if ('wakeLock' in navigator) {
      await waitFor(() => el.wakeLocked, 'the screen kept on during the call');
    }
    bob.el.hangup();
    await waitFor(() => el.callState === 'ended', 'the kiosk call ended');
    expect(el.wakeLocked).to.equal(false);
  });
});
