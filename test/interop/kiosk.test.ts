// A kiosk's account on a real registrar (issue 13, item 7): Kamailio lets the kiosk account call
// its one target and nothing else, and never register; the kiosk fetches short-lived credentials
// through its `credentials` callback. Whoever copies the credentials out of the page gets exactly
// that: the same credentials dialling anything else get 403, and the phone says so.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/sip-call-button/sip-call-button.js';
import type { SipCallButton } from '../../components/sip-call-button/sip-call-button.js';
import type { SipCallChangeDetail } from '../../components/events.js';
import type { Credentials } from '../../src/index.js';
import { banner, part, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import { bed, bedPhone, printLogsIfFailed, timing } from './bed.js';

describe('interop: a locked-down kiosk account through Kamailio', function () {
  this.timeout(30_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('<sip-call-button call-only> with a credentials callback calls its target, never registers', async () => {
    const { wssUrl, domain, kiosk } = await bed();
    const fetched: number[] = [];
    // What a page would fetch from its own server: here the bed's password, valid for a minute.
    const credentials = async (): Promise<Credentials> => {
      fetched.push(Date.now());
      return { password: kiosk.password, expiresAt: Date.now() + 60_000 };
    };
    const changes: SipCallChangeDetail[] = [];
    const el = await fixture<SipCallButton>(
      html`<sip-call-button
        server=${wssUrl}
        uri=${`sip:${kiosk.user}@${domain}`}
        .credentials=${credentials}
        call-only
        target=${kiosk.target}
        cooldown="0"
        end-reason-timeout="300"
        @sip-call-change=${(e: CustomEvent<SipCallChangeDetail>) => changes.push(e.detail)}
        >Call reception</sip-call-button
      >`,
    );
    const started = performance.now();
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="button"]')!.click();
    await waitFor(
      () => changes.find((c) => c.state === 'connected'),
      `the kiosk call connected (${JSON.stringify(changes.map((c) => [c.state, c.status]))})`,
      15_000,
    );
    expect(fetched.length, 'credentials fetched from the callback').to.be.at.least(1);
    expect(el.registrationState, 'no REGISTER for a call-only kiosk').to.equal('unregistered');
    el.hangup();
    await waitFor(() => changes.some((c) => c.state === 'ended'), 'hung up');
    await timing('kiosk account calls its target (call-only, credentials callback)', started);
  });

  it('the same credentials dialling anything else: 403 and the catalogue’s banner; REGISTER: 403', async () => {
    const { numbers } = await bed();
    const caller = await bedPhone('1900', { config: { register: false } });
    for (const target of ['1000', numbers.baresip]) {
      caller.calls.length = 0;
      caller.el.call(target);
      const failed = await waitForCall(caller, 'failed', 403);
      expect(failed.reason).to.equal('Forbidden');
      expect(textOf(banner(caller.el))).to.match(
        /^Forbidden The provider refused the call: usually the account has no credit/,
      );
    }

    const registering = await bedPhone('1900');
    await waitFor(
      () => registering.el.registrationState === 'failed',
      `the kiosk account may not register (${JSON.stringify(registering.registrations)})`,
    );
    expect(registering.el.phone!.registration.status).to.equal(403);
    expect(textOf(part(registering.el, 'registration'))).to.match(/^Registration refused\. /);
  });
});
