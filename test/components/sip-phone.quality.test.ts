import { expect } from '@open-wc/testing';
import type { SipQualityChangeDetail } from '../../components/index.js';
import { part, registeredPhone, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { impairSandbox, waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> call quality', () => {
  afterEach(() => impairSandbox(0, 0));

  it('warns when the network loses audio, and clears the warning when it recovers', async () => {
    const alice = await registeredPhone('alice');
    const changes: SipQualityChangeDetail[] = [];
    alice.el.addEventListener('sip-quality-change', (e) => changes.push(e.detail));
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(changes, 'a clean call raises nothing').to.deep.equal([]);
    expect(textOf(part(alice.el, 'quality'))).to.equal('');

    await impairSandbox(15); // 15 % of the packets the sandbox sends never arrive
    const raised = await waitFor(
      () => changes.find((c) => c.issues.includes('packet-loss')),
      'the loss warning',
      15_000,
    );
    expect(raised.id).to.equal(alice.el.currentCall!.id);
    await alice.el.updateComplete;
    expect(part(alice.el, 'quality').dataset.issues).to.include('packet-loss');
    expect(textOf(part(alice.el, 'quality'))).to.match(
      /^Poor connection: .*Audio is being lost on the way/,
    );
    expect(textOf(part(alice.el, 'banner')), 'the call itself goes on').to.match(/^Connected/);

    await impairSandbox(0);
    await waitFor(() => changes.at(-1)!.issues.length === 0, 'the warning cleared', 15_000);
    await alice.el.updateComplete;
    expect(textOf(part(alice.el, 'quality'))).to.equal('');
    // Support sees when the warning rose and cleared.
    const quality = (await alice.el.diagnostics()).transitions.filter((t) => t.kind === 'quality');
    expect(quality.map((t) => t.state)).to.include('clear');
    expect(quality.some((t) => t.state.includes('packet-loss') && t.call === raised.id)).to.equal(
      true,
    );
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('warns when no audio arrives at all', async () => {
    const alice = await registeredPhone('alice');
    const changes: SipQualityChangeDetail[] = [];
    alice.el.addEventListener('sip-quality-change', (e) => changes.push(e.detail));
    alice.el.call('echo');
    await waitForCall(alice, 'connected');
    await impairSandbox(100);
    await waitFor(
      () => changes.find((c) => c.issues.includes('no-inbound-audio')),
      'no inbound audio',
      15_000,
    );
    await impairSandbox(0);
    await waitFor(() => !changes.at(-1)!.issues.includes('no-inbound-audio'), 'audio back', 15_000);
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });
});
