import { expect } from '@open-wc/testing';
import { inboundPackets, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  bed,
  bedPhone,
  command,
  contactsOf,
  type LocationEntry,
  type NodeName,
  pairStart,
  parseSippTrace,
  printLogsIfFailed,
  registeredBedPhone,
  refreshAnswer,
  sippMessages,
  telephoneEventPt,
  timing,
  type DtmfEvent,
} from './bed.js';

// Two Kamailio nodes, A (the bed's) and B, share the location table over DMQ (dmq_usrloc); a phone
// registered over A's WebSocket is reached from B along the Path of its registration, whose flow
// token A decodes (kamailio.cfg explains the design).

/** The node a contact's Path leads to: its UDP port (5060, the default, when the URI has none). */
const pathPort = (entry: LocationEntry): number => {
  const match = /^<sip:[^@>]+@127\.0\.0\.1(?::(\d+))?;lr;ob>$/.exec(entry.path ?? '');
  if (!match) throw new Error(`not a flow-token Path: ${entry.path}`);
  return Number(match[1] ?? 5060);
};

/**
 * The one contact of `user` with this browser's instance id in `node`'s table, when its Path leads
 * to the node on `port`. (Each test file runs in its own browser context, with its own instance
 * id: contacts other files left for the same user are other bindings.)
 */
async function contactVia(node: NodeName, user: string, port: number, instanceId: string) {
  const contacts = (await contactsOf(node, user)).filter(
    (c) => c.instance === `<urn:uuid:${instanceId}>`,
  );
  return contacts.length === 1 && pathPort(contacts[0]!) === port ? contacts[0] : undefined;
}

/** sipp's UAC (2999) ends: exit code 0 when the call went as scripted; its trace summarised. */
/** A phone with both nodes as its servers (A first), registered via A (started again if killed). */
async function phoneViaA(user: string) {
  const { pair } = await bed();
  await command('kamailio-start', { node: 'a' });
  const phone = await bedPhone(user, {
    server: [pair.a.wssUrl, pair.b.wssUrl],
    config: { retryBaseDelay: 500, retryMaxDelay: 2000 },
  });
  await waitFor(
    () => phone.el.registrationState === 'registered' && phone.el.phone!.server === pair.a.wssUrl,
    'registered via A',
  );
  return phone;
}

async function uacResult(id: string) {
  const result = await command<{ exitCode: number | string; messages: string; errors: string }>(
    'uac-wait',
    { id },
  );
  const trace = parseSippTrace(result.messages);
  return { ...result, trace, summary: trace.map((m) => `${m.direction} ${m.startLine}`) };
}

describe('interop: a Kamailio pair (DMQ location, Path, outbound flow tokens)', function () {
  this.timeout(40_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    await bed();
    const started = performance.now();
    const { startMs, dmqMs } = await pairStart();
    await timing('node B up, A and B active in DMQ', started, `B listening after ${startMs} ms`);
    expect(dmqMs).to.be.below(10_000);
  });

  after(async function () {
    this.timeout(20_000);
    // The files after this one use node A alone, as before.
    await command('kamailio-start', { node: 'a' });
    await command('pair-stop');
  });

  it('a phone registered via A is in B’s location table, with the same Path (flow token to A) and instance', async () => {
    const { pair } = await bed();
    const phone = await bedPhone('1000');
    await waitFor(() => phone.el.registrationState === 'registered', 'registered via A');
    const registeredAt = performance.now();

    const onA = await waitFor(
      () => contactVia('a', '1000', pair.a.udp, phone.el.phone!.config.instanceId),
      'the contact on A',
    );
    const onB = await waitFor(
      () => contactVia('b', '1000', pair.a.udp, phone.el.phone!.config.instanceId),
      'the contact replicated to B',
      5000,
      10,
    );
    const replicatedMs = Math.round(performance.now() - registeredAt);
    expect(onB.contact).to.equal(onA.contact);
    expect(onB.path).to.equal(onA.path);
    expect(onA.instance).to.equal(`<urn:uuid:${phone.el.phone!.config.instanceId}>`);
    expect(onB.instance).to.equal(onA.instance);
    expect(onB.regId).to.equal('1');
    expect(onA.contact).to.match(/;transport=ws/);
    await timing('a registration via A in B’s location table', registeredAt, `${replicatedMs} ms`);
  });

  it('a sipp call sent to B for a phone registered via A rings it through A (Path), is answered and hung up', async () => {
    const { pair } = await bed();
    const phone = await registeredBedPhone('1001');
    await waitFor(
      () => contactVia('b', '1001', pair.a.udp, phone.el.phone!.config.instanceId),
      'the contact replicated to B',
    );

    const started = performance.now();
    const { id } = await command<{ id: string }>('call-browser', { user: '1001', node: 'b' });
    const incoming = await waitForCall(phone, 'incoming');
    const ringingMs = Math.round(performance.now() - started);
    const callId = phone.el.currentCall!.callId!;
    // The INVITE reached the phone on its connection to A.
    expect(phone.el.phone!.server).to.equal(pair.a.wssUrl);
    expect(incoming.remote.user).to.equal('2999');
    // B looked the AoR up and sent the INVITE along the Path; A routed it by the flow token
    // (loose_route 2: RR_OB_DRIVEN) down the phone's WebSocket.
    const bLog = await command<string[]>('kamailio-log', { node: 'b', text: callId });
    expect(bLog.join('\n'), 'B received the INVITE from sipp').to.match(
      /REQ INVITE .* from 127\.0\.0\.1:5072/,
    );
    const aLog = await command<string[]>('kamailio-log', { node: 'a', text: callId });
    expect(aLog.join('\n'), 'A: the Path hop, routed by the flow token').to.match(
      new RegExp(
        `REQ INVITE .* from 127\\.0\\.0\\.1:${pair.b.udp} [\\s\\S]*Path hop: loose_route 2, to sip:127\\.0\\.0\\.1:\\d+;transport=ws`,
      ),
    );

    phone.el.answer();
    await waitForCall(phone, 'connected');
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'audio echoed by sipp');
    phone.el.hangup();
    await waitForCall(phone, 'ended');
    const uac = await uacResult(id);
    expect(uac.exitCode, `sipp UAC: ${uac.summary.join(' | ')}\n${uac.errors}`).to.equal(0);
    const answer = uac.trace.find(
      (m) => m.direction === 'received' && m.startLine.startsWith('SIP/2.0 200'),
    )!;
    // A record-routed (the pair's address towards the phone, A's own UDP towards sipp); B did not.
    const recordRoutes = [...answer.text.matchAll(/^Record-Route:\s*(.+)$/gim)].map((m) => m[1]);
    expect(recordRoutes.join(', ')).to.match(
      new RegExp(
        `^<sip:${pair.address.replace(/\./g, '\\.')}:${pair.a.wss};transport=ws;r2=on;lr[^>]*>, <sip:127\\.0\\.0\\.1(?::${pair.a.udp})?;r2=on;lr[^>]*>$`,
      ),
    );
    await timing('sipp → B → (Path) → A → phone', started, `incoming after ${ringingMs} ms`);
  });

  it('failover: A killed, the phone registers via B within 5 s and a call sent to B rings it', async () => {
    const { pair } = await bed();
    const phone = await bedPhone('1002', {
      server: [pair.a.wssUrl, pair.b.wssUrl],
      config: { retryBaseDelay: 500, retryMaxDelay: 2000 },
    });
    await waitFor(() => phone.el.registrationState === 'registered', 'registered');
    expect(phone.el.phone!.server).to.equal(pair.a.wssUrl);
    await waitFor(
      () => contactVia('b', '1002', pair.a.udp, phone.el.phone!.config.instanceId),
      'the contact via A on B',
    );

    const { pid } = await command<{ pid: number }>('kamailio-kill', { node: 'a' });
    expect(pid).to.be.a('number');
    const killedAt = performance.now();
    const viaB = await waitFor(
      async () =>
        phone.el.registrationState === 'registered' &&
        phone.el.phone!.server === pair.b.wssUrl &&
        (await contactVia('b', '1002', pair.b.udp, phone.el.phone!.config.instanceId)),
      'registered via B, the contact on B with a Path to B',
      5000,
    );
    const failoverMs = Math.round(performance.now() - killedAt);
    // The same binding (instance, reg-id) as before: the contact via A was replaced, not kept
    // beside it (contactVia: exactly one contact of this instance).
    expect(viaB.regId).to.equal('1');
    await timing('failover A → B (kill -9 A, registered via B)', killedAt, `${failoverMs} ms`);

    const started = performance.now();
    const { id } = await command<{ id: string }>('call-browser', { user: '1002', node: 'b' });
    const incoming = await waitForCall(phone, 'incoming');
    expect(incoming.remote.user).to.equal('2999');
    phone.el.answer();
    await waitForCall(phone, 'connected');
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'audio echoed by sipp');
    phone.el.hangup();
    await waitForCall(phone, 'ended');
    const uac = await uacResult(id);
    expect(uac.exitCode, `sipp UAC: ${uac.summary.join(' | ')}\n${uac.errors}`).to.equal(0);
    await timing('after the failover: sipp → B → phone', started);
  });
  it('mid-call failover: a call to baresip set up via A goes on through B (the pair’s Record-Route address) and its BYE is answered', async () => {
    const { pair, numbers } = await bed();
    const phone = await phoneViaA('1003');
    phone.el.call(numbers.baresip);
    await waitForCall(phone, 'connected', 200);
    const callId = phone.el.currentCall!.callId!;
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'audio from baresip');
    await sleep(600); // a healthy connection: the first reconnection goes at once

    await command('kamailio-kill', { node: 'a' });
    const killedAt = performance.now();
    await waitFor(
      () => phone.el.registrationState === 'registered' && phone.el.phone!.server === pair.b.wssUrl,
      'registered via B',
      5000,
    );
    // The phone's target refresh (re-INVITE with the route set A made: the pair's address, then
    // A's UDP entry, its double-Record-Route partner) went through B to baresip and was answered.
    const refresh = await waitFor(
      () => refreshAnswer(phone, callId),
      'the target refresh answered 200 through B',
    );
    expect(refresh.status).to.equal(200);
    const bLog = await command<string[]>('kamailio-log', { node: 'b', text: callId });
    expect(bLog.join('\n'), 'B relayed the re-INVITE').to.match(
      /REQ INVITE sip:3000[^@]*@127\.0\.0\.1:5080 from 127\.0\.0\.1:\d+ proto=wss/,
    );
    expect(phone.el.callState).to.equal('connected');
    const packets = await inboundPackets(phone.el);
    await waitFor(
      async () => (await inboundPackets(phone.el)) > packets + 25,
      'audio still flowing after the failover',
    );
    await timing('mid-call failover A → B (target refresh answered)', killedAt);

    phone.el.hangup();
    const ended = await waitForCall(phone, 'ended');
    expect(ended.cause).to.equal('hangup-local');
    const byeOk = await waitFor(
      () => phone.wire.find((m) => m.callId === callId && m.method === 'BYE' && m.status === 200),
      'baresip’s 200 to the BYE, through B',
    );
    expect(byeOk.direction).to.equal('in');
    expect(phone.wire.filter((m) => m.callId === callId && m.method === 'BYE')).to.have.length(2);
  });

  it('mid-call: the phone’s WebSocket to A is closed, the call goes on through B: DTMF reaches sipp 2002 and its BYE, sent to A, ends the call in the phone', async () => {
    const { pair, numbers, ports } = await bed();
    const phone = await phoneViaA('1000');
    // sipp 2002's media port, from before the call: the RFC 4733 proof.
    const { id: capture } = await command<{ id: string }>('capture-start', {
      filter: `udp port ${ports.SIPP_2002_MEDIA}`,
    });
    phone.el.call(numbers.sippHangsUpAfterRefresh);
    await waitForCall(phone, 'connected', 200);
    const callId = phone.el.currentCall!.callId!;
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'audio echoed by sipp');
    const invite = (await sippMessages(numbers.sippHangsUpAfterRefresh, callId)).find(
      (m) => m.direction === 'received' && m.startLine.startsWith('INVITE'),
    )!;
    const pt = telephoneEventPt(invite.body);
    // A forwarded the INVITE: the phone's Contact names A as the node that holds its connection,
    // and the connection (the phone's address) in the alias.
    const viaA = new RegExp(
      `^Contact:.*;wsnode=127\\.0\\.0\\.1~${pair.a.udp};alias=127\\.0\\.0\\.1~(\\d+)~6`,
      'm',
    ).exec(invite.text);
    expect(viaA, invite.text).to.not.equal(null);
    await sleep(600); // a healthy connection: the first reconnection goes at once

    // The cut: A closes the phone's WebSocket (kamcmd ws.close, A's websocket RPC); A stays up.
    // (Not the page's offline/online events: on 'online' the phone also restarts ICE at once, a
    // second re-INVITE, and sipp 2002 is scripted for exactly one.)
    const dump = await command<string>('kamcmd', { node: 'a', args: ['ws.dump'] });
    const connection = new RegExp(`^\\s*(\\d+): wss:127\\.0\\.0\\.1:${viaA![1]} -> `, 'm').exec(
      dump,
    );
    expect(connection, `the phone's connection in A's ws.dump\n${dump}`).to.not.equal(null);
    const cutAt = Date.now();
    const cutStarted = performance.now();
    await command('kamcmd', { node: 'a', args: ['ws.close', connection![1]] });
    await waitFor(
      () => phone.el.registrationState !== 'registered',
      'the phone sees the connection closed',
      5000,
      10,
    );
    const lostMs = Date.now() - cutAt;
    await waitFor(
      () => phone.el.registrationState === 'registered' && phone.el.phone!.server === pair.b.wssUrl,
      'registered via B',
      5000,
    );
    const registeredMs = Date.now() - cutAt;
    // The phone's target refresh went through B to sipp and was answered.
    const refreshed = await waitFor(
      () => refreshAnswer(phone, callId),
      'the target refresh answered 200 through B',
      5000,
    );
    // DTMF after the move, before sipp's BYE (1 s after the refresh).
    phone.el.sendDtmf('47');
    const refreshMs = refreshed.at - cutAt;
    const bLog = await command<string[]>('kamailio-log', { node: 'b', text: callId });
    // B sent the re-INVITE to sipp; sipp answered A (where its INVITE came from), A handed the
    // 200 to B (the top Via is B's).
    expect(bLog.join('\n'), 'B relayed the re-INVITE, and got its 200 from A').to.match(
      new RegExp(
        `REQ INVITE sip:2002@127\\.0\\.0\\.1:${ports.SIPP_2002}[^ ]* from 127\\.0\\.0\\.1:\\d+ proto=wss[\\s\\S]*REPLY 200 OK for INVITE from 127\\.0\\.0\\.1:${pair.a.udp}\\b`,
      ),
    );

    const ended = await waitForCall(phone, 'ended', undefined, 5000);
    expect(ended.cause).to.equal('hangup-remote');
    const bye = phone.wire.find(
      (m) => m.callId === callId && m.method === 'BYE' && m.direction === 'in' && !m.status,
    )!;
    const byeMs = bye.at - refreshed.at;
    expect(byeMs, 'the BYE after the refresh').to.be.below(2000);
    // sipp sent its BYE to A (where the INVITE came from); A sent it on to B, B to the phone.
    const aLog = (await command<string[]>('kamailio-log', { node: 'a', text: callId })).join('\n');
    expect(aLog, 'A: the BYE from sipp, on to B').to.match(
      new RegExp(`REQ BYE .* from 127\\.0\\.0\\.1:${ports.SIPP_2002} [\\s\\S]*on the other node`),
    );
    const bByeLog = (await command<string[]>('kamailio-log', { node: 'b', text: callId })).join(
      '\n',
    );
    expect(bByeLog, 'B: the BYE from A, down the phone’s WebSocket').to.match(
      new RegExp(`REQ BYE .* from 127\\.0\\.0\\.1:${pair.a.udp} [\\s\\S]*from the other node`),
    );
    const atSipp = await sippMessages(numbers.sippHangsUpAfterRefresh, callId);
    expect(
      atSipp.some(
        (m) =>
          m.direction === 'received' &&
          m.startLine.startsWith('SIP/2.0 200') &&
          /CSeq:\s*\d+ BYE/i.test(m.text),
      ),
      'sipp got the phone’s 200 to its BYE',
    ).to.equal(true);

    const { events } = await command<{ events: DtmfEvent[] }>('capture-stop', {
      id: capture,
      port: ports.SIPP_2002_MEDIA,
      pt,
    });
    console.log(`[interop] RFC 4733 events sent to sipp 2002: ${JSON.stringify(events)}`);
    expect(events.map((e) => e.digit).join(''), 'the digits sent after the move').to.equal('47');
    for (const event of events) expect(event.pt).to.equal(pt);
    await timing(
      'mid-call move A → B (ws.close on A; sipp’s BYE via A → B → phone)',
      cutStarted,
      `connection lost ${lostMs} ms, registered via B ${registeredMs} ms, refresh answered ${refreshMs} ms after the cut, BYE in the phone ${byeMs} ms after the refresh`,
    );
  });
});
