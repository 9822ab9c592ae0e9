import { expect } from '@open-wc/testing';
import type { RTCSession } from 'jssip/lib/RTCSession';
import {
  GLARE_RETRIES,
  reofferWithGlareRetry,
  type ReofferAnswer,
  type ReofferingCall,
} from '../../src/reoffer.js';

/** A call whose re-INVITEs get `answers` in turn; records the offers and the glare pauses. */
function scenario(answers: Array<ReofferAnswer | undefined>, options: { ready?: boolean } = {}) {
  const log = { sent: 0, pauses: [] as number[], over: false };
  const call: ReofferingCall = {
    session: {} as RTCSession,
    direction: 'outgoing',
    isOver: () => log.over,
  };
  const run = () =>
    reofferWithGlareRetry(
      call,
      {
        ready: async () => options.ready ?? true,
        send: async () => answers[log.sent++],
      },
      async (ms) => {
        log.pauses.push(ms);
      },
    );
  return { log, run };
}

describe('re-INVITE with glare retry (RFC 3261 §14.1)', () => {
  it('taken at once: one offer, no pause', async () => {
    const { log, run } = scenario([{ ok: true }]);
    expect(await run()).to.deep.equal({ ok: true });
    expect(log).to.deep.include({ sent: 1, pauses: [] });
  });

  it('a 491, then taken: offered again after the caller’s glare delay', async () => {
    const { log, run } = scenario([{ ok: false, status: 491 }, { ok: true }]);
    expect(await run()).to.deep.equal({ ok: true });
    expect(log.sent).to.equal(2);
    expect(log.pauses).to.have.length(1);
    expect(log.pauses[0]).to.be.within(2100, 4000);
  });

  it('491 every time: gives up after the retries, with the last answer', async () => {
    const glare = { ok: false, status: 491, reason: 'Request Pending' };
    const { log, run } = scenario([glare, glare, glare, { ok: true }]);
    expect(await run()).to.deep.equal(glare);
    expect(log.sent).to.equal(GLARE_RETRIES + 1);
    expect(log.pauses).to.have.length(GLARE_RETRIES);
  });

  it('any other refusal ends it at once', async () => {
    const refused = { ok: false, status: 488, reason: 'Not Acceptable Here' };
    const { log, run } = scenario([refused, { ok: true }]);
    expect(await run()).to.deep.equal(refused);
    expect(log.sent).to.equal(1);
  });

  it('no answer in time: a failure without a status, not retried', async () => {
    const { log, run } = scenario([undefined, { ok: true }]);
    expect(await run()).to.deep.equal({ ok: false });
    expect(log.sent).to.equal(1);
  });

  it('never ready to offer: a failure without a status, nothing sent', async () => {
    const { log, run } = scenario([{ ok: true }], { ready: false });
    expect(await run()).to.deep.equal({ ok: false });
    expect(log.sent).to.equal(0);
  });

  it('the call ended while the offer was out: undefined, whatever the answer', async () => {
    const { log, run } = scenario([{ ok: true }]);
    const answers = run();
    log.over = true;
    expect(await answers).to.equal(undefined);
  });
});
