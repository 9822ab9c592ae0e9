// Busy lamps and voicemail through the fault peer: the presence fallback on 489, backing off after
// a 503 with Retry-After, re-subscribing on the new connection after a drop, refreshing before
// expiry, and hostile NOTIFY bodies that must change nothing.
import { expect } from '@open-wc/testing';
import type { SipPhone, SipPresenceChangeDetail } from '../../components/index.js';
import { part, textOf } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  faultPhone,
  registered,
  scenario,
  type FaultFrame,
  type FaultPhone,
  type Scenario,
} from './fault-helpers.js';

const lampOf = (el: SipPhone, target: string) =>
  el.shadowRoot!.querySelector<HTMLElement>(`[part~="lamp"][data-target="${target}"]`)?.dataset[
    'state'
  ];

/** The phone's SUBSCRIBE requests (initial ones have no To tag). */
async function subscribes(peer: Scenario, since?: number): Promise<FaultFrame[]> {
  return peer.frames({
    from: 'phone',
    method: 'SUBSCRIBE',
    request: true,
    ...(since ? { since } : {}),
  });
}

async function watching(peer: Scenario, target: string, config = {}): Promise<FaultPhone> {
  const phone = await faultPhone(peer, 'alice', { config });
  await registered(phone);
  phone.el.watch = [target];
  return phone;
}

describe('faults: busy lamps and voicemail', () => {
  afterEach(closeScenarios);

  it('falls back to presence when the server has no dialog package (489)', async () => {
    const peer = await scenario({
      rules: [
        {
          from: 'phone',
          method: 'SUBSCRIBE',
          times: 1,
          action: { type: 'respond', status: 489, reason: 'Bad Event' },
        },
      ],
    });
    const phone = await faultPhone(peer, 'alice');
    await registered(phone);
    const changes: SipPresenceChangeDetail[] = [];
    phone.el.addEventListener('sip-presence-change', (e) => changes.push(e.detail));
    phone.el.watch = ['bob'];
    await waitFor(() => changes.find((c) => c.via === 'presence'), 'a presence NOTIFY');
    // bob is not registered at this sandbox: PIDF closed reads offline.
    expect(changes.at(-1)).to.deep.include({ target: 'bob', state: 'offline', via: 'presence' });
    const sent = await subscribes(peer);
    expect(sent.length).to.be.at.least(2);
    const events = await peer.frames({ from: 'phone', method: 'SUBSCRIBE', request: true });
    expect(events[0]!.headerNames).to.include('event');
  });

  it('backs off after a 503 for as long as Retry-After says, then subscribes again', async () => {
    const peer = await scenario({
      rules: [
        {
          from: 'phone',
          method: 'SUBSCRIBE',
          times: 1,
          action: {
            type: 'respond',
            status: 503,
            reason: 'Service Unavailable',
            headers: [['Retry-After', '2']],
          },
        },
      ],
    });
    const phone = await faultPhone(peer, 'alice');
    await registered(phone);
    const changes: SipPresenceChangeDetail[] = [];
    phone.el.addEventListener('sip-presence-change', (e) => changes.push(e.detail));
    phone.el.watch = ['echo'];
    const refused = await waitFor(() => changes.find((c) => c.status === 503), 'the 503');
    expect(refused.state).to.equal('unknown');
    await waitFor(() => lampOf(phone.el, 'echo') === 'idle', 'subscribed again', 10_000);
    const [first, ...rest] = await subscribes(peer);
    expect(rest.length, 'a second SUBSCRIBE (and its digest retry)').to.be.at.least(1);
    expect(rest[0]!.at - first!.at, 'waited for Retry-After').to.be.at.least(1900);
  });

  it('subscribes again on the new connection after a drop, one SUBSCRIBE per address', async function () {
    this.timeout(30_000);
    const peer = await scenario();
    const phone = await watching(peer, 'bob');
    phone.el.watch = ['bob', 'echo', 'bob'];
    await waitFor(() => lampOf(phone.el, 'echo') === 'idle', 'echo lamp');
    await waitFor(() => lampOf(phone.el, 'bob') === 'idle', 'bob lamp');
    await peer.drop();
    await waitFor(() => lampOf(phone.el, 'bob') === 'unknown', 'unknown while disconnected');
    await waitFor(
      async () => (await subscribes(peer)).filter((f) => f.conn === 2 && !f.toTag).length >= 4,
      'the lamps subscribed on connection 2',
      20_000,
    );
    await waitFor(() => lampOf(phone.el, 'bob') === 'idle', 'bob lamp again');
    await waitFor(() => lampOf(phone.el, 'echo') === 'idle', 'echo lamp again');
    await sleep(500);
    const onNew = (await subscribes(peer)).filter((f) => f.conn === 2 && !f.toTag);
    // Each address: one SUBSCRIBE and its digest retry (the same Call-ID), no more.
    const byCallId = new Map<string, number>();
    for (const f of onNew) byCallId.set(f.callId!, (byCallId.get(f.callId!) ?? 0) + 1);
    expect([...byCallId.values()]).to.deep.equal([2, 2]);
  });

  it('refreshes a subscription before it expires', async function () {
    this.timeout(30_000);
    const peer = await scenario();
    const phone = await watching(peer, 'echo', { subscribeExpires: 10 });
    await waitFor(() => lampOf(phone.el, 'echo') === 'idle', 'echo lamp');
    const refresh = await waitFor(
      async () => (await subscribes(peer)).find((f) => f.toTag),
      'an in-dialog SUBSCRIBE (refresh)',
      15_000,
    );
    expect(refresh.expires).to.equal('10');
    await sleep(300);
    expect(lampOf(phone.el, 'echo')).to.equal('idle');
  });

  it('ignores hostile message-summary bodies, and shows a valid one', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer, 'alice');
    await registered(phone);
    const notify = (n: number, body: string) =>
      [
        'NOTIFY {contact} SIP/2.0',
        `Via: SIP/2.0/WS peer.invalid;branch=z9hG4bKmwi${n}`,
        'Max-Forwards: 70',
        'From: <sip:voicemail@localhost>;tag=v1',
        'To: <sip:alice@localhost>',
        `Call-ID: mwi-${n}`,
        'CSeq: 1 NOTIFY',
        'Event: message-summary',
        'Subscription-State: active',
        'Content-Type: application/simple-message-summary',
        `Content-Length: ${new TextEncoder().encode(body).length}`,
        '',
        body,
      ].join('\r\n');
    const hostile = [
      'Messages-Waiting: yes\r\nVoice-Message: 99999999/0\r\n',
      'Messages-Waiting: yes\r\nVoice-Message: <img src=x onerror=alert(1)>/0\r\n',
      'Messages-Waiting: maybe\r\n',
      '<script>alert(1)</script>',
    ];
    for (const [i, body] of hostile.entries()) await peer.inject(notify(i, body));
    await sleep(500);
    expect(phone.el.shadowRoot!.querySelector('[part~="voicemail"]')).to.equal(null);
    await peer.inject(notify(9, 'Messages-Waiting: yes\r\nVoice-Message: 4/0 (1/0)\r\n'));
    await waitFor(() => phone.el.shadowRoot!.querySelector('[part~="voicemail"]'), 'the badge');
    await phone.el.updateComplete;
    expect(textOf(part(phone.el, 'voicemail-badge'))).to.equal('4 new voicemails');
    expect(phone.el.shadowRoot!.querySelector('img')).to.equal(null);
  });
});
