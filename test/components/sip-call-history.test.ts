import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../components/index.js';
import { CallHistory } from '../../src/index.js';
import type { SipCallHistory } from '../../components/index.js';
import { registeredPhone, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { passwordOf, waitFor } from '../helpers/sandbox.js';

const entriesOf = (list: SipCallHistory) => [
  ...list.shadowRoot!.querySelectorAll<HTMLElement>('[part~="entry"]'),
];

describe('call history', () => {
  it('records every call with its outcome, redials from it, clears it, and stores no secret', async () => {
    const databaseName = `history-test-${Date.now()}`;
    const alice = await registeredPhone('alice');
    alice.el.historyDatabase = databaseName;
    alice.el.history = true;
    const list = await fixture<SipCallHistory>(
      html`<sip-call-history database-name=${databaseName}></sip-call-history>`,
    );
    const empty = await waitFor(() => list.shadowRoot!.querySelector('[part~="empty"]'), 'loaded');
    expect(textOf(empty)).to.equal('No calls yet.');

    alice.el.call('486');
    await waitForCall(alice, 'failed', 486);
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    alice.el.hangup();
    await waitForCall(alice, 'ended');

    await waitFor(() => entriesOf(list).length === 2, 'two entries listed');
    const [echo, busy] = entriesOf(list);
    expect(echo!.dataset.direction).to.equal('outgoing');
    expect(textOf(echo!))
      .to.match(/echo/)
      .and.match(/Talked 0:0[1-9]/);
    expect(busy!.dataset.status).to.equal('486');
    expect(textOf(busy!)).to.match(/Busy \(486\)/);

    // Nothing secret in the store: not the password, not a digest.
    const stored = JSON.stringify(await new CallHistory({ databaseName }).list());
    expect(stored).not.to.include(await passwordOf('alice'));
    expect(stored).not.to.match(/Digest|response=|nonce/i);

    setTimeout(() => busy!.querySelector<HTMLButtonElement>('[part~="redial-button"]')!.click());
    const redial = await oneEvent(list, 'sip-redial');
    expect(redial.detail.target).to.equal('sip:486@localhost');
    alice.el.call(redial.detail.target);
    await waitFor(() => entriesOf(list).length === 3, 'the redial recorded');

    list.shadowRoot!.querySelector<HTMLButtonElement>('[part~="clear-button"]')!.click();
    await waitFor(() => list.shadowRoot!.querySelector('[part~="empty"]'), 'history cleared');
    expect(await new CallHistory({ databaseName }).list()).to.deep.equal([]);
  });

  it('records an incoming call that was missed', async () => {
    const databaseName = `history-missed-${Date.now()}`;
    const alice = await registeredPhone('alice');
    const bob = await registeredPhone('bob');
    bob.el.historyDatabase = databaseName;
    bob.el.history = true;
    alice.el.call('bob');
    await waitForCall(bob, 'incoming');
    alice.el.hangup();
    await waitForCall(bob, 'ended');
    const history = new CallHistory({ databaseName });
    const [entry] = await waitFor(async () => {
      const entries = await history.list();
      return entries.length ? entries : undefined;
    }, 'the missed call recorded');
    expect(entry!.direction).to.equal('incoming');
    expect(entry!.cause).to.equal('missed');
    expect(entry!.peer.displayName, 'alice set no display name').to.equal('');
    expect(entry!.peer.user).to.equal('alice');
    history.close();
  });
});
