import { expect } from '@open-wc/testing';
import { describeStatus } from '../../src/index.js';
import {
  banner,
  registeredPhone,
  textOf,
  waitForCall,
  type PhoneUnderTest,
} from '../helpers/phone-fixture.js';
import { sandboxCalls, waitFor } from '../helpers/sandbox.js';

const FAILURES = [403, 404, 408, 480, 486, 488, 500, 503, 600, 603, 604, 606, 607, 608];

describe('<sip-phone> shows every SIP outcome as a clear banner', () => {
  let phone: PhoneUnderTest;

  beforeEach(async () => {
    phone = await registeredPhone('alice');
  });

  for (const code of FAILURES) {
    it(`${code}: banner says "${describeStatus(code).title}"`, async () => {
      phone.el.call(String(code));
      const change = await waitForCall(phone, 'failed');
      expect(change.status).to.equal(code);
      expect(change.reason).to.be.a('string').and.not.equal('');

      const region = banner(phone.el);
      const outcome = describeStatus(code);
      expect(region.dataset.state).to.equal('failed');
      expect(region.dataset.status).to.equal(String(code));
      expect(region.getAttribute('role')).to.equal('alert');
      expect(textOf(region)).to.equal(
        [outcome.title, outcome.explanation, outcome.action].filter(Boolean).join(' '),
      );
      expect(phone.el.callState).to.equal('failed');
      expect(phone.el.registrationState, 'the registration survives a failed call').to.equal(
        'registered',
      );
    });
  }

  it('403 keeps the carrier reason phrase and explains credit and caller ID', async () => {
    phone.el.call('403');
    const change = await waitForCall(phone, 'failed', 403);
    expect(change.reason).to.match(/Caller ID|credit/i);
    expect(textOf(banner(phone.el)))
      .to.match(/credit/)
      .and.match(/caller ID/i);
  });

  it('hanging up while it rings sends CANCEL, gets 487 and says "cancelled"', async () => {
    phone.el.call('ring');
    await waitForCall(phone, 'ringing', 180);
    expect(banner(phone.el).dataset.state).to.equal('ringing');
    expect(textOf(banner(phone.el))).to.match(/^Ringing/);

    phone.el.hangup();
    const ended = await waitForCall(phone, 'ended');
    expect(ended.status).to.equal(487);
    const region = banner(phone.el);
    expect(region.dataset.state).to.equal('ended');
    expect(region.dataset.status).to.equal('487');
    expect(region.getAttribute('role')).to.equal('status');
    expect(textOf(region)).to.match(/^Call cancelled/);
    expect(
      phone.calls.some((c) => c.state === 'failed'),
      'never shown as a failure',
    ).to.equal(false);

    // The 487 really arrived, and the sandbox saw the CANCEL.
    await waitFor(
      () => phone.el.currentCall!.responses.some((r) => r.status === 487),
      '487 on the wire',
    );
    const [record] = (await sandboxCalls('ring')).slice(-1);
    expect(record!.sawCancel).to.equal(true);
    expect(record!.sentStatuses).to.include(487);
  });

  it('an unknown number is "Number not found"', async () => {
    phone.el.call('no-such-number');
    await waitForCall(phone, 'failed', 404);
    expect(textOf(banner(phone.el))).to.match(/^Number not found/);
  });
});
