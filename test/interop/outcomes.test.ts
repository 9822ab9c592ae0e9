import { expect } from '@open-wc/testing';
import { describeStatus } from '../../src/index.js';
import { banner, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import {
  bed,
  printLogsIfFailed,
  registeredBedPhone,
  responseTimeline,
  timing,
  type BedPhone,
} from './bed.js';

// The numbers Kamailio itself answers with a status code (see kamailio/kamailio.cfg).
const SPECIALS = [403, 404, 480, 486, 488, 500, 503, 600, 603, 604, 606, 607, 608];

describe('interop: Kamailio’s answers, as the <sip-phone> banner shows them', function () {
  this.timeout(30_000);
  afterEach(printLogsIfFailed);
  let phone: BedPhone;

  before(async function () {
    this.timeout(60_000);
    const { numbers } = await bed();
    expect(numbers.specials).to.deep.equal(SPECIALS);
  });

  beforeEach(async () => {
    phone = await registeredBedPhone('1001');
  });

  for (const code of SPECIALS) {
    it(`${code}: data-status ${code} and "${describeStatus(code).title}"`, async () => {
      const started = performance.now();
      phone.el.call(String(code));
      const change = await waitForCall(phone, 'failed');
      await timing(`special number ${code}`, started, responseTimeline(phone));
      expect(change.status).to.equal(code);
      const region = banner(phone.el);
      const outcome = describeStatus(code);
      expect(region.dataset.state).to.equal('failed');
      expect(region.dataset.status).to.equal(String(code));
      expect(region.getAttribute('role')).to.equal('alert');
      expect(textOf(region)).to.equal(
        [outcome.title, outcome.explanation, outcome.action].filter(Boolean).join(' '),
      );
      // Kamailio challenged the INVITE (407) first; the final answer is the code itself.
      const statuses = phone.el.currentCall!.responses.map((r) => r.status);
      expect(statuses.at(-1)).to.equal(code);
      expect(statuses).to.include(407);
      expect(phone.el.registrationState).to.equal('registered');
    });
  }

  it('hanging up while 7000 rings: CANCEL, 487 on the wire, banner "Call cancelled"', async () => {
    const { numbers } = await bed();
    const started = performance.now();
    phone.el.call(numbers.ringForever);
    await waitForCall(phone, 'ringing', 180);
    const ringingMs = Math.round(performance.now() - started);
    expect(banner(phone.el).dataset.state).to.equal('ringing');

    phone.el.hangup();
    const ended = await waitForCall(phone, 'ended');
    expect(ended.status).to.equal(487);
    const callId = phone.el.currentCall!.callId!;
    const cancel = phone.wire.find(
      (m) => m.callId === callId && m.direction === 'out' && m.method === 'CANCEL' && !m.status,
    );
    expect(cancel, 'CANCEL sent').to.not.equal(undefined);
    const final = await waitFor(
      () =>
        phone.wire.find(
          (m) =>
            m.callId === callId &&
            m.direction === 'in' &&
            m.method === 'INVITE' &&
            m.status === 487,
        ),
      '487 on the wire',
    );
    expect(
      phone.wire.some((m) => m.callId === callId && m.method === 'CANCEL' && m.status === 200),
    ).to.equal(true);
    expect(phone.el.currentCall!.responses.some((r) => r.status === 487)).to.equal(true);

    const region = banner(phone.el);
    expect(region.dataset.state).to.equal('ended');
    expect(region.dataset.status).to.equal('487');
    expect(textOf(region)).to.match(/^Call cancelled/);
    expect(
      phone.calls.some((c) => c.state === 'failed'),
      'never shown as a failure',
    ).to.equal(false);
    await timing(
      'hang up while 7000 rings (CANCEL → 487)',
      started,
      `ringing after ${ringingMs} ms, 487 ${final.at - cancel!.at} ms after the CANCEL`,
    );
  });
});
