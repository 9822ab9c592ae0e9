// A hostile or careless far end and transfers (issue 13, items 1–3 and 12): the fault peer plays
// the far end of a real call and sends the phone REFERs and INVITEs with Replaces; each case checks
// what the phone answered, what it sent (or did not send) after, and what the user saw.
import { expect } from '@open-wc/testing';
import { sessionOf } from '../../src/call.js';
import type { Call } from '../../src/index.js';
import type { SipTransferRequestDetail } from '../../components/index.js';
import { answerTransferPrompt, part, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  faultPhone,
  registered,
  sandbox,
  sandboxCallsUser,
  scenario,
  type FaultPhone,
  type Scenario,
  type ScenarioConfig,
} from './fault-helpers.js';
import type { PhoneConfig } from '../../src/index.js';

// Issue 13's Refer-To: after percent-decoding, its Replaces carries a Route and another header.
const INJECTED_REPLACES =
  'x%3Bto-tag%3D1%3Bfrom-tag%3D2%0D%0ARoute%3A%20%3Csip%3Aevil%40gw.example%3Blr%3E%0D%0AX-Injected%3A%20yes';

let sequence = 100;

// An audio offer the browser accepts (an answer needs no media to flow for these checks).
const OFFER = [
  'v=0',
  'o=- 1 1 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 0 101',
  'c=IN IP4 127.0.0.1',
  'a=ice-ufrag:mall',
  'a=ice-pwd:mallorymallorymallorymallory',
  `a=fingerprint:sha-256 ${Array.from({ length: 32 }, () => 'AB').join(':')}`,
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:101 telephone-event/8000',
  '',
].join('\r\n');

/** Alice, through the fault peer, on a connected call to `echo`. */
async function onACall(
  config: Partial<PhoneConfig> = {},
  scenarioConfig: ScenarioConfig = {},
): Promise<{ peer: Scenario; phone: FaultPhone; call: Call; domain: string }> {
  const peer = await scenario(scenarioConfig);
  const phone = await faultPhone(peer, 'alice', { config });
  await registered(phone);
  phone.el.call('echo');
  await waitForCall(phone, 'connected', 200);
  return { peer, phone, call: phone.el.currentCall!, domain: (await sandbox()).domain };
}

/** The dialog of an outgoing call, as the far end sees it. */
function dialogOf(call: Call) {
  const session = sessionOf(call) as unknown as { _from_tag: string; _to_tag: string };
  return { callId: call.callId!, ourTag: session._from_tag, theirTag: session._to_tag };
}

/** The far end of `call` (echo) sends a REFER; resolves with the status the phone answered. */
async function referFromFarEnd(peer: Scenario, call: Call, referTo: string): Promise<number> {
  const { callId, ourTag, theirTag } = dialogOf(call);
  const cseq = sequence++;
  await peer.inject(
    [
      'REFER {contact} SIP/2.0',
      `Via: SIP/2.0/WS peer.invalid;branch=z9hG4bKrefer${cseq}`,
      'Max-Forwards: 70',
      `From: <sip:echo@localhost>;tag=${theirTag}`,
      `To: <sip:alice@localhost>;tag=${ourTag}`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} REFER`,
      'Contact: <sip:echo@127.0.0.1;transport=ws>',
      `Refer-To: ${referTo}`,
      'Referred-By: <sip:echo@localhost>',
      'Content-Length: 0',
      '',
      '',
    ].join('\r\n'),
  );
  const answer = await waitFor(
    async () =>
      (await peer.frames({ from: 'phone', method: 'REFER' })).find(
        (f) => f.callId === callId && f.cseq === cseq && f.status,
      ),
    `the phone's answer to REFER ${cseq}`,
    3000,
  );
  return answer.status!;
}

const invitesSince = async (peer: Scenario, since: number) =>
  peer.frames({ from: 'phone', method: 'INVITE', request: true, since });

const notice = (phone: FaultPhone) => textOf(part(phone.el, 'notice'));

describe('faults: transfers a far end asks for', () => {
  afterEach(async () => {
    await closeScenarios();
  });

  it('a Refer-To whose Replaces smuggles headers (CRLF): 400, no INVITE, a clear line; the call goes on', async () => {
    // `accept`: the only thing that may stop this transfer is the check itself.
    const { peer, phone, call, domain } = await onACall({ transfers: 'accept' });
    const since = Date.now();
    const status = await referFromFarEnd(
      peer,
      call,
      `<sip:echo@${domain}?Replaces=${INJECTED_REPLACES}>`,
    );
    expect(status).to.equal(400);
    // Other shapes that would reach a header: a Route URI header, a second Replaces.
    expect(
      await referFromFarEnd(peer, call, `<sip:echo@${domain}?Route=%3Csip%3Aevil%40gw.example%3E>`),
    ).to.equal(400);
    expect(
      await referFromFarEnd(
        peer,
        call,
        `<sip:echo@${domain}?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=b%3Bto-tag%3D1%3Bfrom-tag%3D2>`,
      ),
    ).to.equal(400);
    await sleep(800);
    expect(await invitesSince(peer, since), 'no INVITE left the phone').to.have.length(0);
    await phone.el.updateComplete;
    expect(notice(phone)).to.equal('A transfer request carrying extra SIP headers was refused.');
    expect(phone.el.callState).to.equal('connected');
    expect(phone.el.lines).to.have.length(1);
  });

  it('a well-formed attended Refer-To: the INVITE carries exactly the checked Replaces and our Referred-By', async () => {
    const { peer, phone, call, domain } = await onACall({ transfers: 'accept' });
    const since = Date.now();
    const status = await referFromFarEnd(
      peer,
      call,
      `<sip:echo@${domain}?Replaces=abc123%40host%3BFrom-Tag%3Df2%3Bto-tag%3Dt1>`,
    );
    expect(status).to.equal(202);
    const [invite] = await waitFor(async () => {
      const found = await invitesSince(peer, since);
      return found.length ? found : undefined;
    }, 'the transfer INVITE');
    expect(invite!.replaces).to.equal('abc123@host;to-tag=t1;from-tag=f2');
    expect(invite!.referredBy).to.equal(`<sip:echo@${domain}>`);
    expect(invite!.headerNames!.filter((name) => name === 'replaces')).to.have.length(1);
    expect(invite!.headerNames).not.to.include('route');
    for (const line of phone.el.lines) line.hangup();
    await waitFor(() => phone.el.lines.length === 0, 'alice free');
  });

  it('ask (the default): the phone asks, dials nothing until Accept; Decline sends 603 and the call goes on', async () => {
    const { peer, phone, call, domain } = await onACall();
    const requests: SipTransferRequestDetail[] = [];
    phone.el.addEventListener('sip-transfer-request', (e) => requests.push(e.detail));
    part(phone.el, 'hangup-button').focus();
    const since = Date.now();
    expect(await referFromFarEnd(peer, call, `<sip:echo@${domain}>`)).to.equal(202);
    const prompt = await waitFor(
      () => phone.el.shadowRoot!.querySelector<HTMLElement>('[part~="transfer-prompt"]'),
      'the question',
    );
    expect(textOf(prompt)).to.match(/^echo wants to transfer you to echo@localhost\. /);
    expect(prompt.querySelector('[role="alert"]'), 'announced').not.to.equal(null);
    expect(requests).to.have.length(1);
    expect(requests[0]).to.deep.include({ id: call.id, target: `echo@${domain}`, attended: false });
    expect(requests[0]!.from.user).to.equal('echo');
    await phone.el.updateComplete;
    // Focus was in the phone: it moves to Accept, so a keyboard user answers at once.
    expect(phone.el.shadowRoot!.activeElement).to.equal(part(phone.el, 'transfer-accept-button'));
    await sleep(1000);
    expect(await invitesSince(peer, since), 'nothing dialled while asking').to.have.length(0);

    await answerTransferPrompt(phone.el, 'decline');
    const notify = await waitFor(
      async () =>
        (await peer.frames({ from: 'phone', method: 'NOTIFY', request: true, since })).at(-1),
      'the NOTIFY that reports the decline',
    );
    expect(notify.callId).to.equal(call.callId);
    await phone.el.updateComplete;
    expect(phone.el.shadowRoot!.querySelector('[part~="transfer-prompt"]')).to.equal(null);
    expect(notice(phone)).to.equal(
      `Transfer to echo@${domain} declined. You are still on the call.`,
    );
    expect(await invitesSince(peer, since)).to.have.length(0);
    expect(phone.el.callState).to.equal('connected');
  });

  it('a transfer nobody answers is declined when it expires; Escape declines too', async () => {
    const { peer, phone, call, domain } = await onACall({ transferAskTimeout: 1500 });
    const since = Date.now();
    await referFromFarEnd(peer, call, `<sip:echo@${domain}>`);
    await waitFor(() => notice(phone).includes('not accepted in time'), 'expired', 4000);
    expect(notice(phone)).to.equal(
      `Transfer to echo@${domain} declined: it was not accepted in time. You are still on the call.`,
    );
    await referFromFarEnd(peer, call, `<sip:echo@${domain}>`);
    const accept = await waitFor(
      () => phone.el.shadowRoot!.querySelector<HTMLElement>('[part~="transfer-accept-button"]'),
      'the second question',
    );
    accept.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await waitFor(() => notice(phone).endsWith('declined. You are still on the call.'), 'declined');
    expect(await invitesSince(peer, since)).to.have.length(0);
    expect(phone.el.callState).to.equal('connected');
  });

  it('the embedder decides first: preventDefault() declines, detail.accept() follows without asking', async () => {
    const { peer, phone, call, domain } = await onACall();
    let veto = true;
    phone.el.addEventListener('sip-transfer-request', (event) => {
      if (veto) event.preventDefault();
      else event.detail.accept();
    });
    const since = Date.now();
    await referFromFarEnd(peer, call, `<sip:echo@${domain}>`);
    await waitFor(() => notice(phone).endsWith('declined. You are still on the call.'), 'vetoed');
    expect(phone.el.shadowRoot!.querySelector('[part~="transfer-prompt"]')).to.equal(null);
    expect(await invitesSince(peer, since)).to.have.length(0);

    veto = false;
    await referFromFarEnd(peer, call, `<sip:echo@${domain}>`);
    await waitFor(
      async () => (await invitesSince(peer, since)).length > 0,
      'the approved transfer',
    );
    expect(phone.el.shadowRoot!.querySelector('[part~="transfer-prompt"]')).to.equal(null);
    for (const line of phone.el.lines) line.hangup();
    await waitFor(() => phone.el.lines.length === 0, 'alice free');
  });

  it('refuse: every REFER gets 603 at once, and nothing is dialled', async () => {
    const refusing = await onACall({ transfers: 'refuse' });
    const since = Date.now();
    expect(
      await referFromFarEnd(refusing.peer, refusing.call, `<sip:echo@${refusing.domain}>`),
    ).to.equal(603);
    await refusing.phone.el.updateComplete;
    expect(notice(refusing.phone)).to.equal(
      'The other side asked to transfer you; this phone does not accept transfers.',
    );
    expect(await invitesSince(refusing.peer, since)).to.have.length(0);
    expect(refusing.phone.el.callState).to.equal('connected');
  });

  it('no free line (maxLines 1): 486 at once, and the call goes on', async () => {
    const { peer, phone, call, domain } = await onACall({ transfers: 'accept', maxLines: 1 });
    const since = Date.now();
    expect(await referFromFarEnd(peer, call, `<sip:echo@${domain}>`)).to.equal(486);
    await phone.el.updateComplete;
    expect(notice(phone)).to.equal('The other side asked to transfer you, but no line is free.');
    expect(await invitesSince(peer, since)).to.have.length(0);
    expect(phone.el.callState).to.equal('connected');
  });

  it('an allow-list: other targets get 403, a listed one is followed', async () => {
    const listed = await onACall({ transfers: 'accept', transferAllowList: ['echo'] });
    const later = Date.now();
    for (const target of ['tone', '19005550100', '*72']) {
      expect(
        await referFromFarEnd(listed.peer, listed.call, `<sip:${target}@${listed.domain}>`),
        target,
      ).to.equal(403);
    }
    await listed.phone.el.updateComplete;
    expect(notice(listed.phone)).to.equal(
      'The other side asked to transfer you to a number this phone may not call.',
    );
    expect(await invitesSince(listed.peer, later)).to.have.length(0);
    expect(await referFromFarEnd(listed.peer, listed.call, `<sip:echo@${listed.domain}>`)).to.equal(
      202,
    );
    await waitFor(async () => (await invitesSince(listed.peer, later)).length > 0, 'allowed');
    for (const line of listed.phone.el.lines) line.hangup();
    await waitFor(() => listed.phone.el.lines.length === 0, 'alice free');
  });

  it('an INVITE with Replaces from a third party rings instead of taking the call over', async () => {
    const { peer, phone, call } = await onACall();
    const { callId, ourTag, theirTag } = dialogOf(call);
    const intruder = `replace-${Date.now()}`;
    await peer.inject(
      [
        'INVITE {contact} SIP/2.0',
        'Via: SIP/2.0/WS peer.invalid;branch=z9hG4bKreplace1',
        'Max-Forwards: 70',
        'From: "Mallory" <sip:mallory@localhost>;tag=m1',
        'To: <sip:alice@localhost>',
        `Call-ID: ${intruder}`,
        'CSeq: 1 INVITE',
        'Contact: <sip:mallory@127.0.0.1;transport=ws>',
        `Replaces: ${callId};to-tag=${theirTag};from-tag=${ourTag}`,
        'Content-Type: application/sdp',
        `Content-Length: ${OFFER.length}`,
        '',
        OFFER,
      ].join('\r\n'),
    );
    await waitFor(
      () => phone.el.lines.some((c) => c.state === 'incoming'),
      'the replacing call rings',
    );
    await sleep(1500);
    const answers = (await peer.frames({ from: 'phone', method: 'INVITE' })).filter(
      (f) => f.callId === intruder && f.status,
    );
    expect(answers.map((f) => f.status)).to.include(180);
    expect(
      answers.map((f) => f.status),
      'not answered unasked',
    ).not.to.include(200);
    expect(call.state, 'the call it names goes on').to.equal('connected');
    phone.el.lines.find((c) => c.state === 'incoming')!.reject();
    await waitFor(() => phone.el.lines.length === 1, 'the intruder rejected');
    expect(call.state).to.equal('connected');
  });

  it('attended transfer of an incoming call whose URI has parameters: the REFER names that URI', async () => {
    const peer = await scenario({
      rules: [
        {
          from: 'server',
          method: 'INVITE',
          times: 1,
          action: {
            type: 'rewrite',
            pattern: '^(From|f):([^\\r\\n<]*)<sip:([^@>]+)@([^>;]+)>',
            flags: 'im',
            replacement: '$1:$2<sip:$3@$4;user=phone>',
          },
        },
      ],
    });
    const phone = await faultPhone(peer);
    await registered(phone);
    await sandboxCallsUser({ to: 'alice', from: '5550100', media: 'tone' });
    await waitForCall(phone, 'incoming');
    const incoming = phone.el.lines[0]!;
    expect(incoming.remote.uri).to.match(/;user=phone$/);
    phone.el.answer();
    await waitFor(() => incoming.state === 'connected', 'answered');
    phone.el.call('echo');
    await waitFor(
      () => phone.el.lines.some((c) => c.remote.user === 'echo' && c.state === 'connected'),
      'echo connected, the caller held',
    );
    const since = Date.now();
    // Without a target: connect the two calls (REFER with Replaces to the call we talk on).
    const transferred = phone.el.transfer();
    const refer = await waitFor(
      async () => (await peer.frames({ from: 'phone', method: 'REFER', request: true, since }))[0],
      'the REFER',
    );
    expect(refer.referTo).to.match(/^<sip:5550100@localhost;user=phone\?Replaces=/);
    await transferred.catch(() => false);
    for (const line of phone.el.lines) line.hangup();
    await waitFor(() => phone.el.lines.length === 0, 'alice free');
  });
});
