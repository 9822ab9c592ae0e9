// Issue 14, item 6: an ICE restart on a network change, against rtpengine. The call starts on a
// network where the browser's host candidates cannot reach rtpengine (iptables in the test's
// loopback-only namespace), so ICE chooses coturn's relay. Then the network changes: the host
// path opens and the relay goes away (coturn stopped by its PID). The browser says `online`; the
// phone restarts ICE at once through Kamailio, rtpengine answers with fresh ICE credentials, and
// the audio resumes on the host path.
import { expect } from '@open-wc/testing';
import { inboundPackets, waitForCall } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';
import { bed, bedPhone, command, printLogsIfFailed, timing } from './bed.js';
import type { SipPhone } from '../../components/index.js';

/** The local candidate type of the pair the call's audio uses now. */
async function selectedCandidateType(el: SipPhone): Promise<string | undefined> {
  const pc = el.currentCall?.peerConnection;
  if (!pc) return undefined;
  const stats = await pc.getStats();
  let pairId: string | undefined;
  stats.forEach((report: { type: string; selectedCandidatePairId?: string }) => {
    if (report.type === 'transport') pairId = report.selectedCandidatePairId;
  });
  const pair = pairId ? stats.get(pairId) : undefined;
  const local = pair ? stats.get(pair.localCandidateId) : undefined;
  return local?.candidateType;
}

describe('interop: ICE restart on a network change (TURN relay → host path)', function () {
  this.timeout(60_000);
  afterEach(printLogsIfFailed);
  afterEach(async () => {
    await command('host-media-path', { blocked: false });
    await command('coturn-start');
  });

  it('the relay in use goes away while a host path opens: an ICE restart at once, audio back within 3 s', async () => {
    const { numbers, turn } = await bed();
    await command('host-media-path', { blocked: true });
    const phone = await bedPhone('1000', {
      config: {
        iceServers: [{ urls: turn.url, username: turn.username, credential: turn.credential }],
      },
    });
    await waitFor(() => phone.el.registrationState === 'registered', 'registered');
    phone.el.call(numbers.sipp);
    await waitForCall(phone, 'connected', 200);
    const callId = phone.el.currentCall!.callId!;
    await waitFor(async () => (await inboundPackets(phone.el)) > 25, 'echoed audio', 10_000);
    expect(await selectedCandidateType(phone.el), 'the call runs through the relay').to.equal(
      'relay',
    );

    // The network changes: the direct path opens, the relay disappears.
    await command('host-media-path', { blocked: false });
    await command('coturn-stop');
    const changedAt = Date.now();
    const changedAtPerf = performance.now();
    const packets = await inboundPackets(phone.el);
    window.dispatchEvent(new Event('online'));

    const restart = await waitFor(
      () =>
        phone.wire.find(
          (m) =>
            m.callId === callId &&
            m.method === 'INVITE' &&
            m.direction === 'out' &&
            m.status === undefined &&
            m.at >= changedAt,
        ),
      'an ICE-restart re-INVITE',
      3000,
    );
    expect(restart.at - changedAt, 'at once, not when ICE notices').to.be.below(1000);
    await waitFor(
      async () => (await inboundPackets(phone.el)) > packets + 25,
      'audio again (half a second of it)',
      3000,
    );
    const resumedMs = Date.now() - changedAt;
    await timing('network change: relay gone → audio back on the host path', changedAtPerf);
    expect(resumedMs).to.be.below(3000);
    expect(await selectedCandidateType(phone.el)).to.equal('host');
    expect(phone.el.callState).to.equal('connected');
    expect(phone.el.callSnapshot?.reconnecting).to.equal(undefined);

    phone.el.hangup();
    await waitForCall(phone, 'ended');
  });
});
