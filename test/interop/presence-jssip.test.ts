/**
 * JsSIP's own Subscriber (the library the phone is built on, used here directly, without the
 * phone's presence code) against Kamailio's presence server over WSS: the digest challenge of the
 * SUBSCRIBE, Kamailio's 200 (not 202), the NOTIFYs of the `dialog` package while the ringer rings a
 * `<sip-phone>`, a `message-summary` subscription, and the end of a subscription. What a client
 * built on JsSIP can rely on in the bed.
 */
import { expect } from '@open-wc/testing';
import JsSIP from 'jssip';
import type { UA } from 'jssip/lib/UA';
import { waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import {
  bed,
  dialogStates,
  printLogsIfFailed,
  publishMwi,
  registeredBedPhone,
  ringUser,
  waitUac,
} from './bed.js';

interface Seen {
  isFinal: boolean;
  body: string;
  contentType: string | undefined;
  event: string | undefined;
  subscriptionState: string | undefined;
}

async function jssipUa(user: string): Promise<UA> {
  const info = await bed();
  const account = info.users.find((u) => u.user === user)!;
  const ua = new JsSIP.UA({
    sockets: [new JsSIP.WebSocketInterface(info.wssUrl)],
    uri: `sip:${user}@${info.domain}`,
    password: account.password,
    register: false,
  });
  const connected = new Promise<void>((resolve) => ua.once('connected', () => resolve()));
  ua.start();
  await connected;
  return ua;
}

function subscribe(ua: UA, target: string, event: string, accept: string) {
  const subscriber = ua.subscribe(target, event, accept, { expires: 120 });
  // jssip/lib/Subscriber.d.ts extends a generic EventEmitter that the 'events' types here do not
  // have: its listeners, typed as Subscriber.js calls them.
  const events = subscriber as unknown as {
    on(
      name: 'notify',
      listener: (
        isFinal: boolean,
        request: { getHeader(name: string): string | undefined },
        body: string | undefined,
        contentType: string | undefined,
      ) => void,
    ): void;
    on(name: 'accepted' | 'active' | 'pending', listener: () => void): void;
    on(name: 'terminated', listener: (code: number) => void): void;
  };
  const seen: Seen[] = [];
  const states: string[] = [];
  events.on('notify', (isFinal, request, body, contentType) =>
    seen.push({
      isFinal,
      body: body ?? '',
      contentType,
      event: request.getHeader('Event'),
      subscriptionState: request.getHeader('Subscription-State'),
    }),
  );
  for (const state of ['accepted', 'active', 'pending'] as const)
    events.on(state, () => states.push(state));
  events.on('terminated', (code) => states.push(`terminated:${code}`));
  subscriber.subscribe();
  return { subscriber, seen, states };
}

describe('interop: JsSIP Subscriber against Kamailio presence', function () {
  this.timeout(40_000);
  afterEach(printLogsIfFailed);
  const uas: UA[] = [];
  afterEach(() => {
    for (const ua of uas.splice(0)) ua.stop();
  });

  before(async function () {
    this.timeout(60_000);
    await bed();
  });

  it('dialog: accepted and active, then early and terminated NOTIFYs while the ringer rings a <sip-phone>', async () => {
    const { domain } = await bed();
    const phone = await registeredBedPhone('1001');
    const ua = await jssipUa('1000');
    uas.push(ua);
    const { subscriber, seen, states } = subscribe(
      ua,
      `sip:1001@${domain}`,
      'dialog',
      'application/dialog-info+xml',
    );
    await waitFor(() => seen.length > 0, 'the first NOTIFY');
    expect(states).to.include('active');
    expect(seen[0]!.event).to.equal('dialog');
    expect(seen[0]!.contentType).to.equal('application/dialog-info+xml');
    expect(dialogStates(seen[0]!.body)).to.deep.equal(['terminated']);

    const id = await ringUser('1001', 1500);
    await waitForCall(phone, 'incoming');
    await waitFor(
      () => seen.find((n) => dialogStates(n.body).includes('early')),
      `an early NOTIFY (seen ${JSON.stringify(seen.map((n) => dialogStates(n.body)))})`,
    );
    await waitForCall(phone, 'ended');
    const early = seen.findIndex((n) => dialogStates(n.body).includes('early'));
    await waitFor(
      () => seen.slice(early + 1).find((n) => dialogStates(n.body).includes('terminated')),
      'terminated after the CANCEL',
    );
    expect((await waitUac(id)).exitCode).to.equal(0);

    subscriber.terminate();
    await waitFor(() => states.some((s) => s.startsWith('terminated')), 'the end of it');
    expect(seen.at(-1)!.isFinal).to.equal(true);
    expect(seen.at(-1)!.subscriptionState).to.match(/^terminated/);
  });

  it('message-summary: the NOTIFY after a PUBLISH carries the counts', async () => {
    const { domain } = await bed();
    const ua = await jssipUa('1002');
    uas.push(ua);
    const { seen, states } = subscribe(
      ua,
      `sip:1002@${domain}`,
      'message-summary',
      'application/simple-message-summary',
    );
    // While nothing is published for the user, Kamailio's first NOTIFY has no body, and JsSIP
    // emits `notify` only for a NOTIFY with a body: `active` is all a client sees of it.
    await waitFor(() => states.includes('active'), 'the subscription active');
    expect((await publishMwi({ user: '1002', newMessages: 4, oldMessages: 2 })).status).to.equal(
      200,
    );
    const notify = await waitFor(
      () => seen.find((n) => n.body.includes('Voice-Message')),
      'the summary',
    );
    expect(notify.contentType).to.equal('application/simple-message-summary');
    expect(notify.body).to.match(/^Messages-Waiting: yes\r?$/m);
    expect(notify.body).to.match(/^Voice-Message: 4\/2\r?$/m);
  });
});
