/**
 * The interop bed's presence commands, driven from the browser the way the presence and voicemail
 * tests use them: a `<sip-phone>` that rings (the ringer, a sipp UAC) as seen by a Node-side
 * dialog watcher, a message summary published for a user as its message-summary watcher sees it,
 * and an unsolicited message-summary NOTIFY that reaches a registered `<sip-phone>` through
 * Kamailio. Kamailio is the presence server (kamailio.cfg, route[PRESENCE]); the Node-side proof of
 * the same (and of the SUBSCRIBE/PUBLISH authentication) is presence-node.test.mjs.
 */
import { expect } from '@open-wc/testing';
import { waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import {
  bed,
  dialogStates,
  printLogsIfFailed,
  publishMwi,
  registeredBedPhone,
  ringUser,
  sendMwiNotify,
  waitUac,
  watch,
} from './bed.js';

describe('interop: the bed serves dialog state and message waiting', function () {
  this.timeout(40_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('a watcher of a <sip-phone> sees early while the ringer rings it, then terminated', async () => {
    const { numbers } = await bed();
    const phone = await registeredBedPhone('1001');
    const watcher = await watch({
      watcher: '1000',
      target: '1001',
      event: 'dialog',
      accept: 'application/dialog-info+xml',
      expires: 120,
    });
    expect(watcher.status).to.equal(200);
    const initial = await watcher.until(() => true, 'the first NOTIFY');
    expect(initial.event).to.equal('dialog');
    expect(initial.contentType).to.equal('application/dialog-info+xml');
    expect(initial.subscriptionState).to.match(/^active;expires=\d+$/);
    // Nothing published yet: one dummy dialog, terminated (presence_dialoginfo force_dummy_dialog).
    expect(dialogStates(initial.body)).to.deep.equal(['terminated']);

    const id = await ringUser('1001', 2000);
    const incoming = await waitForCall(phone, 'incoming');
    expect(incoming.remote.user).to.equal(numbers.ringer);
    const early = await watcher.until(
      (n) => dialogStates(n.body).includes('early'),
      'early while the phone rings',
    );
    expect(early.body).to.contain('direction="recipient"');
    expect(early.body).to.contain('<identity>sip:2998@127.0.0.1</identity>');
    const ended = await waitForCall(phone, 'ended');
    expect(ended.cause).to.equal('missed');
    await watcher.until(
      (n) => n.at > early.at && dialogStates(n.body).includes('terminated'),
      'terminated after the CANCEL',
    );
    const result = await waitUac(id);
    expect(result.exitCode, result.errors).to.equal(0);
    await watcher.stop();
  });

  it('a message summary published for a user reaches its message-summary watcher', async () => {
    const watcher = await watch({
      watcher: '1003',
      target: '1003',
      event: 'message-summary',
      accept: 'application/simple-message-summary',
      expires: 120,
    });
    const published = await publishMwi({ user: '1003', newMessages: 3, oldMessages: 1 });
    expect(published.status).to.equal(200);
    const notify = await watcher.until((n) => n.body.includes('Voice-Message'), 'the summary');
    expect(notify.event).to.equal('message-summary');
    expect(notify.contentType).to.equal('application/simple-message-summary');
    expect(notify.body).to.match(/^Messages-Waiting: yes\r?$/m);
    expect(notify.body).to.match(/^Voice-Message: 3\/1\r?$/m);
    await watcher.stop();
  });

  it('an unsolicited message-summary NOTIFY reaches a registered <sip-phone>', async () => {
    const phone = await registeredBedPhone('1002');
    const sent = await sendMwiNotify({ user: '1002', newMessages: 1, oldMessages: 4 });
    // JsSIP answers an out-of-dialog NOTIFY with 200 itself.
    expect(sent.status, sent.reason).to.equal(200);
    await waitFor(
      () =>
        phone.wire.find(
          (m) => m.direction === 'in' && m.method === 'NOTIFY' && m.callId === sent.callId,
        ),
      'the NOTIFY on the phone',
    );
    expect(sent.body).to.match(/^Voice-Message: 1\/4\r?$/m);
    const nobody = await sendMwiNotify({ user: '1900', newMessages: 1, oldMessages: 0 });
    expect(nobody.status).to.equal(404);
  });
});
