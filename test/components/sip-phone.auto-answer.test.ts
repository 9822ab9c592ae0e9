// Auto-answer against the sandbox, in real Chromium: the sandbox calls alice, plainly or with the
// headers a PBX's paging sends (Call-Info answer-after, Alert-Info alert-autoanswer), and the
// element answers by itself — or lets the call ring — as its settings say.
import { expect } from '@open-wc/testing';
import type { SipAutoAnswerDetail, SipCallChangeDetail } from '../../components/index.js';
import type { ToneKind } from '../../src/tones.js';
import {
  banner,
  inboundPackets,
  part,
  registeredPhone,
  textOf,
  tonesOf,
  waitForCall,
  type PhoneUnderTest,
} from '../helpers/phone-fixture.js';
import {
  sandboxCalls,
  sandboxCallsUser,
  sleep,
  waitFor,
  type OutboundCall,
} from '../helpers/sandbox.js';

type Headers = NonNullable<OutboundCall['headers']>;
const ASKS_NOW: Headers = [{ name: 'Call-Info', value: '<sip:127.0.0.1>;answer-after=0' }];

// Long enough that an answer due after the warning (half a second) would have come.
const WELL_AFTER_MS = 1500;

interface AutoAnswerPhone extends PhoneUnderTest {
  asked: SipAutoAnswerDetail[];
  tones: Array<ToneKind | undefined>;
}

/** Alice, registered, with these auto-answer settings; every `sip-auto-answer` and tone recorded. */
async function alice(
  settings: { autoAnswer?: string; from?: string; busy?: boolean } = {},
): Promise<AutoAnswerPhone> {
  const phone = await registeredPhone('alice');
  phone.el.autoAnswer = settings.autoAnswer ?? '';
  phone.el.autoAnswerFrom = settings.from ?? '';
  phone.el.autoAnswerBusy = settings.busy ?? false;
  const asked: SipAutoAnswerDetail[] = [];
  phone.el.addEventListener('sip-auto-answer', (e) => asked.push(e.detail));
  const tones: Array<ToneKind | undefined> = [];
  tonesOf(phone.el).on('tone-change', (kind) => tones.push(kind));
  await phone.el.updateComplete;
  return { ...phone, asked, tones };
}

/** The sandbox calls alice; resolves with the call's `incoming` change. */
async function ring(
  phone: PhoneUnderTest,
  call: Omit<OutboundCall, 'to'> = {},
): Promise<{ callId: string; incoming: SipCallChangeDetail }> {
  const seen = new Set(phone.calls.map((c) => c.id));
  const { callId } = await sandboxCallsUser({ to: 'alice', ...call });
  const incoming = await waitFor(
    () => phone.calls.find((c) => c.state === 'incoming' && !seen.has(c.id)),
    'a new incoming call',
  );
  return { callId, incoming };
}

/** Waits for call `id` to reach `state`. */
const reach = (phone: PhoneUnderTest, id: string, state: string) =>
  waitFor(
    () => phone.calls.find((c) => c.id === id && c.state === state),
    `call ${id} ${state} (seen: ${JSON.stringify(phone.calls.filter((c) => c.id === id).map((c) => c.state))})`,
    15_000,
  );

/** The sandbox's record of an outbound call. */
const sandboxRecord = async (callId: string) =>
  (await sandboxCalls()).find((c) => c.callId === callId);

/** Rejects the ringing call as a user would, and waits for it to end. */
async function rejectByHand(phone: PhoneUnderTest, id: string): Promise<void> {
  await phone.el.updateComplete;
  part(phone.el, 'reject-button').click();
  await reach(phone, id, 'ended');
}

/** The call rings on by itself: no `sip-auto-answer`, the ringtone, no promise in the banner. */
async function ringsOn(phone: AutoAnswerPhone, id: string): Promise<void> {
  await sleep(WELL_AFTER_MS);
  expect(phone.el.lines.find((c) => c.id === id)?.state).to.equal('incoming');
  expect(phone.asked).to.deep.equal([]);
  expect(tonesOf(phone.el).playing).to.equal('ringtone');
  expect(textOf(banner(phone.el))).not.to.match(/automatically/i);
}

describe('<sip-phone> auto-answer', () => {
  it('is off by default: a call asking for it rings', async () => {
    const phone = await alice();
    const { incoming } = await ring(phone, { headers: ASKS_NOW });
    await ringsOn(phone, incoming.id);
    await rejectByHand(phone, incoming.id);
  });

  it('auto-answer="2" answers every call after the warning tone, with real media', async () => {
    const phone = await alice({ autoAnswer: '2' });
    const { callId, incoming } = await ring(phone, { from: 'support', displayName: 'Support' });
    const [asked] = await waitFor(() => phone.asked.length && phone.asked, 'sip-auto-answer');
    expect(asked).to.deep.include({ id: incoming.id, after: 2, requested: false });
    expect(asked!.caller).to.deep.include({ user: 'support', displayName: 'Support' });
    await phone.el.updateComplete;
    const region = banner(phone.el);
    expect(region.getAttribute('role')).to.equal('alert');
    expect(textOf(region)).to.equal(
      'Incoming call From Support (support). Answering automatically in 2 seconds. Press Reject to refuse the call.',
    );
    // The warning, not the ringtone: a 1400 Hz pip, heard.
    expect(tonesOf(phone.el).playing).to.equal('auto-answer');
    await waitFor(
      () =>
        tonesOf(phone.el).level() > 0.005 &&
        Math.abs(tonesOf(phone.el).dominantFrequency() - 1400) < 50,
      'the 1400 Hz warning is audible',
      3000,
      10,
    );
    await reach(phone, incoming.id, 'connected');
    await waitFor(async () => (await inboundPackets(phone.el)) > 20, 'the caller’s tone arrives');
    expect(phone.tones).to.deep.equal(['auto-answer', undefined]);
    expect((await sandboxRecord(callId))?.finalStatus).to.equal(200);
    phone.el.hangup();
    await reach(phone, incoming.id, 'ended');
  });

  it('intercom answers a call whose Call-Info asks, and lets a plain call ring', async () => {
    const phone = await alice({ autoAnswer: 'intercom' });
    const plain = await ring(phone);
    await ringsOn(phone, plain.incoming.id);
    await rejectByHand(phone, plain.incoming.id);

    const paged = await ring(phone, { headers: ASKS_NOW });
    await reach(phone, paged.incoming.id, 'connected');
    expect(phone.asked).to.have.length(1);
    expect(phone.asked[0]).to.deep.include({ id: paged.incoming.id, after: 0, requested: true });
    expect((await sandboxRecord(paged.callId))?.finalStatus).to.equal(200);
    phone.el.hangup();
    await reach(phone, paged.incoming.id, 'ended');
  });

  it('intercom answers Alert-Info: info=alert-autoanswer, with or without a URI', async () => {
    const phone = await alice({ autoAnswer: 'intercom' });
    for (const value of ['<http://127.0.0.1>;info=alert-autoanswer', ';info=alert-autoanswer']) {
      const { incoming } = await ring(phone, { headers: [{ name: 'Alert-Info', value }] });
      await reach(phone, incoming.id, 'connected');
      expect(phone.asked.at(-1), value).to.deep.include({ id: incoming.id, requested: true });
      phone.el.hangup();
      await reach(phone, incoming.id, 'ended');
    }
    expect(phone.asked).to.have.length(2);
  });

  it('auto-answer-from: only the listed callers are answered by themselves', async () => {
    const phone = await alice({ autoAnswer: '0', from: 'boss sip:pager@pbx.example.com' });
    const stranger = await ring(phone, { from: 'support', headers: ASKS_NOW });
    await ringsOn(phone, stranger.incoming.id);
    await rejectByHand(phone, stranger.incoming.id);

    const boss = await ring(phone, { from: 'boss' });
    await reach(phone, boss.incoming.id, 'connected');
    expect(phone.asked.map((a) => a.caller.user)).to.deep.equal(['boss']);
    phone.el.hangup();
    await reach(phone, boss.incoming.id, 'ended');
  });

  it('never while another call is live, unless auto-answer-busy', async function () {
    this.timeout(40_000);
    const phone = await alice({ autoAnswer: 'intercom' });
    phone.el.call('echo');
    const first = await waitForCall(phone, 'connected');

    const waiting = await ring(phone, { headers: ASKS_NOW });
    await sleep(WELL_AFTER_MS);
    expect(phone.el.lines.find((c) => c.id === waiting.incoming.id)?.state).to.equal('incoming');
    expect(phone.asked).to.deep.equal([]);
    expect(phone.el.lines.find((c) => c.id === first.id)?.state).to.equal('connected');
    await rejectByHand(phone, waiting.incoming.id);

    phone.el.autoAnswerBusy = true;
    const paged = await ring(phone, { headers: ASKS_NOW });
    await reach(phone, paged.incoming.id, 'connected');
    // Answered as the Answer button does: the call you talked on waits on hold.
    await reach(phone, first.id, 'held');
    expect(phone.asked.map((a) => a.id)).to.deep.equal([paged.incoming.id]);
    phone.el.hangup();
    await reach(phone, paged.incoming.id, 'ended');
    await phone.el.resume();
    await reach(phone, first.id, 'connected');
    phone.el.hangup();
    await reach(phone, first.id, 'ended');
  });

  it('Reject during the countdown refuses the call; it is never answered', async () => {
    const phone = await alice({ autoAnswer: '5' });
    const { callId, incoming } = await ring(phone);
    await waitFor(() => phone.asked.length, 'sip-auto-answer');
    await rejectByHand(phone, incoming.id);
    const record = await waitFor(async () => {
      const r = await sandboxRecord(callId);
      return r?.finalStatus && r;
    }, 'the sandbox saw the rejection');
    expect(record.finalStatus).to.equal(486);
    expect(phone.calls.filter((c) => c.id === incoming.id).map((c) => c.state)).not.to.include(
      'connected',
    );
    await waitFor(() => tonesOf(phone.el).playing === undefined, 'the warning stops');
  });

  it('Answer during the countdown answers at once, and only once', async () => {
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const phone = await alice({ autoAnswer: '1' });
      const { callId, incoming } = await ring(phone);
      await waitFor(() => phone.asked.length, 'sip-auto-answer');
      await phone.el.updateComplete;
      part(phone.el, 'answer-button').click();
      await reach(phone, incoming.id, 'connected');
      await sleep(WELL_AFTER_MS); // The countdown's time is long over.
      expect(phone.el.callState).to.equal('connected');
      expect(warnings).to.deep.equal([]);
      expect((await sandboxRecord(callId))?.finalStatus).to.equal(200);
      phone.el.hangup();
      await reach(phone, incoming.id, 'ended');
    } finally {
      console.warn = warn;
    }
  });

  it('a call placed during the countdown stops it: the ringing call rings on', async function () {
    this.timeout(30_000);
    const phone = await alice({ autoAnswer: '3' });
    const { incoming } = await ring(phone);
    await waitFor(() => phone.asked.length, 'sip-auto-answer');
    phone.el.call('echo');
    const placed = await waitForCall(phone, 'connected');
    await sleep(3000 + WELL_AFTER_MS);
    expect(phone.el.lines.find((c) => c.id === incoming.id)?.state).to.equal('incoming');
    expect(phone.el.lines.find((c) => c.id === placed.id)?.state).to.equal('connected');
    expect(tonesOf(phone.el).playing).to.equal('ringtone');
    expect(textOf(banner(phone.el))).not.to.match(/automatically/i);
    await rejectByHand(phone, incoming.id);
    phone.el.hangup();
    await reach(phone, placed.id, 'ended');
  });

  it('silent: no warning tone, the banner still says it', async () => {
    const phone = await alice({ autoAnswer: '2' });
    phone.el.silent = true;
    const { incoming } = await ring(phone);
    await waitFor(() => phone.asked.length, 'sip-auto-answer');
    await phone.el.updateComplete;
    expect(textOf(banner(phone.el))).to.include('Answering automatically in 2 seconds.');
    await reach(phone, incoming.id, 'connected');
    expect(phone.tones).to.deep.equal([]);
    phone.el.hangup();
    await reach(phone, incoming.id, 'ended');
  });

  it('a page that cancels sip-auto-answer lets the call ring', async () => {
    const phone = await alice({ autoAnswer: '0' });
    const vetoed: string[] = [];
    phone.el.addEventListener('sip-auto-answer', (e) => {
      vetoed.push(e.detail.id);
      e.preventDefault();
    });
    const { incoming } = await ring(phone);
    await waitFor(() => vetoed.length, 'sip-auto-answer');
    phone.asked.length = 0; // Fired, and refused: from here on it is any other ringing call.
    await ringsOn(phone, incoming.id);
    await rejectByHand(phone, incoming.id);
  });

  it('ignores hostile and malformed headers, and never shows them', async () => {
    const phone = await alice({ autoAnswer: 'intercom' });
    const hostile: Headers = [
      {
        name: 'Call-Info',
        value: '<javascript:alert(1)>;answer-after=<img src=x onerror=alert(1)>',
      },
      { name: 'Call-Info', value: '<sip:x>;answer-after=-1, <sip:y>;answer-after=1e1' },
      { name: 'Alert-Info', value: '<http://x>;info=alert-autoanswer;delay=99999999' },
      { name: 'Alert-Info', value: 'Auto Answer \u202E<b>now</b>' },
    ];
    const garbage = await ring(phone, { headers: hostile });
    await ringsOn(phone, garbage.incoming.id);
    const shadow = phone.el.shadowRoot!;
    expect(shadow.querySelector('img, b')).to.equal(null);
    expect(shadow.textContent).not.to.match(/javascript|onerror|answer-after|alert-autoanswer/);
    expect((window as unknown as { __pwned?: number }).__pwned).to.equal(undefined);
    await rejectByHand(phone, garbage.incoming.id);

    // Asking for ten minutes gets a minute at most.
    const long = await ring(phone, {
      headers: [{ name: 'Call-Info', value: '<sip:x>;answer-after=600' }],
    });
    const [asked] = await waitFor(() => phone.asked.length && phone.asked, 'sip-auto-answer');
    expect(asked!.after).to.equal(60);
    await phone.el.updateComplete;
    expect(textOf(banner(phone.el))).to.include('Answering automatically in 60 seconds.');
    await rejectByHand(phone, long.incoming.id);
  });

  it('is accessible while it counts down, and says so in German', async () => {
    const phone = await alice({ autoAnswer: '5' });
    const { incoming } = await ring(phone);
    await waitFor(() => phone.asked.length, 'sip-auto-answer');
    await phone.el.updateComplete;
    expect(textOf(banner(phone.el))).to.include('Answering automatically in 5 seconds.');
    await expect(phone.el, 'accessible while counting down').to.be.accessible();
    phone.el.setAttribute('lang', 'de');
    await waitFor(
      () => textOf(banner(phone.el)).includes('Wird in 5 Sekunden automatisch angenommen.'),
      'the German banner',
    );
    await expect(phone.el, 'accessible in German').to.be.accessible();
    await rejectByHand(phone, incoming.id);
  });

  it('an invalid setting is off, with a console warning', async () => {
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
    try {
      const phone = await alice({ autoAnswer: 'always' });
      const { incoming } = await ring(phone, { headers: ASKS_NOW });
      await ringsOn(phone, incoming.id);
      expect(warnings.join('\n')).to.include('auto-answer is off: auto-answer must be off');
      await rejectByHand(phone, incoming.id);
    } finally {
      console.warn = warn;
    }
  });
});
