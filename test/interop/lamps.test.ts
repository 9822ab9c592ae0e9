// <sip-phone>'s busy lamps and voicemail badge against Kamailio (presence, presence_dialoginfo,
// pua_dialoginfo, presence_mwi; see kamailio.cfg route[PRESENCE]): one phone rings, the other's
// lamp says so within a second; a published message summary and an unsolicited NOTIFY from a
// voicemail server show as the badge.
import { expect } from '@open-wc/testing';
import type { SipVoicemailChangeDetail } from '../../components/index.js';
import { part, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import {
  bed,
  printLogsIfFailed,
  publishMwi,
  registeredBedPhone,
  ringUser,
  sendMwiNotify,
  timing,
  waitUac,
} from './bed.js';

const lampOf = (el: HTMLElement, target: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="lamp"][data-target="${target}"]`)?.dataset[
    'state'
  ];

describe('interop: busy lamps and voicemail against Kamailio', function () {
  this.timeout(40_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('one <sip-phone> rings: the other’s lamp says ringing within 1 s, then free', async () => {
    const watcher = await registeredBedPhone('1000');
    const callee = await registeredBedPhone('1001');
    watcher.el.watch = ['1001'];
    await waitFor(() => lampOf(watcher.el, '1001') === 'idle', 'the lamp free (dialog state)');
    const uac = await ringUser('1001', 3000);
    await waitForCall(callee, 'incoming');
    const rang = performance.now();
    await waitFor(() => lampOf(watcher.el, '1001') === 'ringing', 'the lamp ringing', 1000);
    await timing('lamp ringing after the callee rang', rang);
    expect(textOf(part(watcher.el, 'presence'))).to.include('1001: ringing');
    await expect(watcher.el).to.be.accessible();
    expect((await waitUac(uac)).exitCode).to.equal(0);
    await waitForCall(callee, 'ended');
    await waitFor(() => lampOf(watcher.el, '1001') === 'idle', 'the lamp free again');
  });

  it('a call between two <sip-phone>s: the caller’s lamp is busy while it calls and talks', async () => {
    const watcher = await registeredBedPhone('1002');
    const caller = await registeredBedPhone('1000');
    const callee = await registeredBedPhone('1003');
    watcher.el.watch = ['1000', '1003'];
    await waitFor(() => lampOf(watcher.el, '1000') === 'idle', '1000 free');
    caller.el.call('1003');
    await waitForCall(callee, 'incoming');
    await waitFor(() => lampOf(watcher.el, '1003') === 'ringing', '1003 ringing');
    await waitFor(() => lampOf(watcher.el, '1000') === 'busy', '1000 calling out');
    callee.el.answer();
    await waitForCall(caller, 'connected');
    await waitFor(() => lampOf(watcher.el, '1003') === 'busy', '1003 on a call');
    caller.el.hangup();
    await waitFor(() => lampOf(watcher.el, '1003') === 'idle', '1003 free again');
    await waitFor(() => lampOf(watcher.el, '1000') === 'idle', '1000 free again');
  });

  it('shows a published message summary, and an unsolicited NOTIFY from a voicemail server', async () => {
    const phone = await registeredBedPhone('1001');
    const summaries: SipVoicemailChangeDetail[] = [];
    phone.el.addEventListener('sip-voicemail-change', (e) => summaries.push(e.detail));
    phone.el.voicemail = '*97';
    await phone.el.updateComplete;
    const published = await publishMwi({ user: '1001', newMessages: 2, oldMessages: 5 });
    expect(published.status).to.equal(200);
    await waitFor(() => summaries.find((s) => s.newMessages === 2), 'the published summary');
    expect(textOf(part(phone.el, 'voicemail-badge'))).to.equal('2 new voicemails, 5 old');
    await expect(phone.el).to.be.accessible();

    const other = await registeredBedPhone('1003');
    const unasked: SipVoicemailChangeDetail[] = [];
    other.el.addEventListener('sip-voicemail-change', (e) => unasked.push(e.detail));
    const sent = await sendMwiNotify({ user: '1003', newMessages: 1, oldMessages: 0 });
    expect(sent.status).to.equal(200);
    await waitFor(() => unasked[0], 'the unsolicited summary');
    expect(unasked[0]).to.deep.equal({ waiting: true, newMessages: 1, oldMessages: 0 });
    await other.el.updateComplete;
    expect(textOf(part(other.el, 'voicemail-badge'))).to.equal('1 new voicemail');
  });
});
