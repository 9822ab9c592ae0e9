import { expect, fixture, html } from '@open-wc/testing';
import type { SipPhone } from '../../components/index.js';
import type { SelfTestCheck, SelfTestReport } from '../../src/index.js';
import { phoneFor, registeredPhone, waitForCall } from '../helpers/phone-fixture.js';
import { sandbox, sandboxCalls, silentStunServer, sleep, waitFor } from '../helpers/sandbox.js';
import { CONFIGURED_SECRETS, SECRET_HEADERS, storageText } from '../helpers/secrets.js';

const checkOf = (report: SelfTestReport, id: SelfTestCheck['id']): SelfTestCheck =>
  report.checks.find((c) => c.id === id)!;

/** Every frame the page's WebSockets send, as text (to know the secrets that went out). */
function recordSentFrames(): { frames: string[]; restore: () => void } {
  const frames: string[] = [];

  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (this: WebSocket, data) {
    if (typeof data === 'string') frames.push(data);
    return send.call(this, data);
  };
  return { frames, restore: () => (WebSocket.prototype.send = send) };
}

const CONFIGURED = CONFIGURED_SECRETS;
const CONFIGURED_HEADERS = SECRET_HEADERS;
describe('<sip-phone> self-test against the sandbox', () => {
  it('passes every check with good settings: server, REGISTER, microphone, speaker, echo call', async () => {
    const { el } = await phoneFor('alice');
    el.echoTarget = 'echo';
    const progress: string[] = [];
    let replayed = false;
    const report = await el.selfTest({
      confirmSpeaker: async (replay) => {
        await replay();
        replayed = true;
        return true;
      },
      onProgress: (checks) => progress.push(checks.map((c) => `${c.id}:${c.status}`).join(' ')),
    });
    expect(report.ok, JSON.stringify(report.checks, null, 1)).to.equal(true);
    expect(report.checks.map((c) => [c.id, c.status])).to.deep.equal([
      ['websocket', 'pass'],
      ['register', 'pass'],
      ['microphone', 'pass'],
      ['speaker', 'pass'],
      ['ice', 'skip'],
      ['echo', 'pass'],
    ]);
    expect(checkOf(report, 'websocket').detail).to.match(
      /not encrypted \(allowed for this computer only\)/,
    );
    expect(checkOf(report, 'microphone').data!.level as number).to.be.greaterThan(0.001);
    expect(checkOf(report, 'echo').data!.packets as number).to.be.greaterThan(0);
    expect(checkOf(report, 'echo').detail).to.match(
      /^The echo call connected in \d+ ms and the audio came back/,
    );
    expect(checkOf(report, 'ice').detail).to.match(/No STUN or TURN server is configured/);
    expect(replayed).to.equal(true);
    // Progress was reported as each check ran.
    expect(progress.some((p) => p.includes('register:running'))).to.equal(true);
    expect(progress.at(-1)).to.equal(report.checks.map((c) => `${c.id}:${c.status}`).join(' '));
    // The echo call really reached the sandbox, and the test's own phone un-registered.
    const echo = (await sandboxCalls('echo')).at(-1)!;
    expect(echo.rtp.packetsIn, 'the sandbox heard the microphone').to.be.greaterThan(0);
    // The element's own phone was not disturbed.
    expect(el.registrationState).to.equal('registered');
    expect(el.callState).to.equal('idle');
  });

  it('with a wrong password: REGISTER fails with 401 and says to check the password; no echo call', async () => {
    const { el } = await phoneFor('alice', { password: 'not-the-password' });
    el.echoTarget = 'echo';
    const before = (await sandboxCalls('echo')).length;
    const report = await el.selfTest();
    expect(report.ok).to.equal(false);
    const register = checkOf(report, 'register');
    expect(register.status).to.equal('fail');
    expect(register.data!.status).to.equal(401);
    expect(register.detail).to.match(/^Registration refused \(401\): /);
    expect(register.fix).to.match(/password/i);
    expect(checkOf(report, 'websocket').status).to.equal('pass');
    expect(checkOf(report, 'speaker').status, 'nobody to listen').to.equal('skip');
    expect(checkOf(report, 'echo')).to.include({
      status: 'skip',
      detail: 'Not tried: the registration did not succeed.',
    });
    expect((await sandboxCalls('echo')).length).to.equal(before);
  });

  it('names the fix for an unreachable server, a STUN server that does not answer and an unheard tone', async () => {
    const stun = await silentStunServer();
    const el = await fixture<SipPhone>(
      html`<sip-phone server="ws://127.0.0.1:9/" uri="sip:alice@sandbox.invalid"></sip-phone>`,
    );
    el.config = { iceServers: [{ urls: stun }] };
    const report = await el.selfTest({ confirmSpeaker: async () => false });
    const ws = checkOf(report, 'websocket');
    expect(ws.status).to.equal('fail');
    expect(ws.detail).to.equal('Could not connect to ws://127.0.0.1:9/.');
    expect(ws.fix).to.match(/Check the server address and port/);
    expect(checkOf(report, 'register').status).to.equal('skip');
    const ice = checkOf(report, 'ice');
    expect(ice.status).to.equal('fail');
    expect(ice.detail).to.contain(`${stun} did not answer`);
    expect(ice.fix).to.match(/STUN server’s address/);
    const speaker = checkOf(report, 'speaker');
    expect(speaker).to.include({ status: 'fail', detail: 'The test tone was not heard.' });
    expect(speaker.fix).to.match(/choose another speaker/);
    expect(report.ok).to.equal(false);
  });

  it('explains invalid settings instead of testing them', async () => {
    const el = await fixture<SipPhone>(
      html`<sip-phone server="ws://sip.example.com/" uri="sip:alice@example.com"></sip-phone>`,
    );
    const report = await el.selfTest();
    const ws = checkOf(report, 'websocket');
    expect(ws.status).to.equal('fail');
    expect(ws.detail).to.match(/^The settings are not valid: .*wss:\/\//);
    expect(checkOf(report, 'register').status).to.equal('skip');
  });
});

describe('<sip-phone> diagnostics export', () => {
  it('refuses before the phone is configured', async () => {
    const el = await fixture<SipPhone>(html`<sip-phone></sip-phone>`);
    let error: unknown;
    await el.diagnostics().catch((e: unknown) => (error = e));
    expect((error as Error).name).to.equal('PhoneStateError');
  });

  it('holds the ladder, transitions, ICE pairs and stats of a call — and no password, digest or token', async () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNlY3JldA';
    const recorder = recordSentFrames();
    try {
      const info = await sandbox();
      const phone = await phoneFor('alice');
      // A token in the server's address, and extra headers that carry credentials each their way.
      phone.el.server = `${info.wsUrl}?token=${CONFIGURED.urlToken}`;
      phone.el.config = { extraHeaders: [`X-Auth-Token: ${jwt}`, ...CONFIGURED_HEADERS] };
      await waitFor(() => phone.el.registrationState === 'registered', 'alice registered');
      phone.el.call('echo');
      await waitForCall(phone, 'connected', 200);
      // The recorder samples statistics while the call has media.
      await sleep(1500);
      phone.el.hangup();
      await waitForCall(phone, 'ended');

      const report = await phone.el.diagnostics();
      const json = JSON.stringify(report);
      const { formatDiagnosticsText } = await import('../../src/index.js');
      const text = formatDiagnosticsText(report);

      expect(report.format).to.equal('sip-phone-diagnostics/1');
      expect(report.versions.sipPhone).to.match(/^\d+\.\d+\.\d+/);
      expect(report.versions.jssip).to.equal('3.13.8');
      expect(phone.el.phone!.config.server).to.contain(CONFIGURED.urlToken);
      expect(report.config.server).to.equal(`${info.wsUrl}?[redacted]`);
      expect(report.config.password).to.equal('set (not shown)');
      expect(report.config.extraHeaders).to.deep.equal([
        'X-Auth-Token',
        'X-Api-Key',
        'X-Authorization',
        'Cookie',
        'X-Request',
        'X-Upstream',
      ]);

      // The registration's ladder: challenged, then accepted.
      const reg = report.registrationLadder.map((m) => `${m.direction} ${m.summary.split(' ')[0]}`);
      expect(reg.slice(0, 4)).to.deep.equal(['out REGISTER', 'in 401', 'out REGISTER', 'in 200']);
      const call = report.calls.at(-1)!;
      expect(call).to.include({ direction: 'outgoing', state: 'ended', cause: 'hangup-local' });
      const ladder = call.ladder.map((m) => `${m.direction} ${m.summary.replace(/ \(.*$/, '')}`);
      expect(ladder[0]).to.equal('out INVITE');
      expect(ladder).to.include.members(['in 200 OK', 'out ACK', 'out BYE']);
      expect(call.ladder[0]!.text).to.match(/^INVITE sip:echo@/);
      // ICE pairs and statistics taken while the call was up.
      const stats = call.stats!;
      expect(stats.codec).to.equal('audio/PCMU/8000');
      expect(stats.inbound!.packetsReceived).to.be.greaterThan(10);
      const selected = stats.pairs.filter((p) => p.selected);
      expect(selected).to.have.length(1);
      expect(selected[0]!.local.address).to.equal('127.0.0.1');
      expect(selected[0]!.state).to.equal('succeeded');
      // The call's and the registration's transitions, in order.
      const states = report.transitions
        .filter((t) => t.kind === 'call' && t.call === call.id)
        .map((t) => t.state);
      expect(states[0]).to.equal('calling');
      expect(states).to.include('connected');
      expect(states.at(-1)).to.equal('ended');
      expect(
        report.transitions.some((t) => t.kind === 'registration' && t.state === 'registered'),
      ).to.equal(true);

      // What went out on the wire held secrets; the export holds none of them.
      const sent = recorder.frames.join('\n');
      const digests = [...sent.matchAll(/response="([0-9a-f]{32})"/g)].map((m) => m[1]!);
      const icePasswords = [...sent.matchAll(/a=ice-pwd:(\S+)/g)].map((m) => m[1]!);
      expect(digests.length, 'digest responses were sent').to.be.greaterThan(0);
      expect(icePasswords.length, 'ICE passwords were sent').to.be.greaterThan(0);
      expect(sent, 'the token was sent').to.contain(jwt);
      for (const header of CONFIGURED_HEADERS)
        expect(sent, 'sent as configured').to.contain(header);
      const password = phone.el.password;
      const stored = storageText();
      const leaks = Object.entries(CONFIGURED).flatMap(([secret, value]) =>
        Object.entries({ json, text, localStorage: stored })
          .filter(([, output]) => output.includes(value))
          .map(([where]) => `${secret} in ${where}`),
      );
      expect(leaks).to.deep.equal([]);
      for (const output of [json, text]) {
        expect(output).not.to.contain(password);
        expect(output).not.to.contain(jwt);
        for (const digest of digests) expect(output).not.to.contain(digest);
        for (const pwd of icePasswords) expect(output).not.to.contain(pwd);
        expect(output).to.contain('Authorization: Digest [redacted]');
      }
      // The readable text tells the story.
      expect(text).to.contain(`Call ${call.id} (outgoing, `);
      expect(text).to.match(/→ INVITE {2}\(CSeq \d+/);
      expect(text).to.match(
        /\* pair succeeded: host udp 127\.0\.0\.1:\d+ ⇄ host udp 127\.0\.0\.1:\d+/,
      );
    } finally {
      recorder.restore();
    }
  });
});

describe('<sip-phone> self-test beside a phone in use', () => {
  it('leaves the element registered and reachable', async () => {
    const bob = await registeredPhone('bob');
    await bob.el.selfTest();
    const alice = await registeredPhone('alice');
    alice.el.call('bob');
    await waitForCall(bob, 'incoming');
    bob.el.answer();
    await waitForCall(alice, 'connected', 200);
    alice.el.hangup();
    await waitForCall(bob, 'ended');
  });
});
