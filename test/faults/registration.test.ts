// Registration faults: each case drives the real <sip-phone> through the fault peer and asserts what
// crossed the wire, the registration state and what the registration line says.
import { expect } from '@open-wc/testing';
import { part, textOf } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  faultPhone,
  registered,
  scenario,
  type FaultPhone,
  type FaultRule,
} from './fault-helpers.js';

const registrationText = (phone: FaultPhone) => textOf(part(phone.el, 'registration'));
const failedWith = (phone: FaultPhone, status: number) =>
  waitFor(
    () => phone.el.registrationState === 'failed' && phone.el.phone?.registration.status === status,
    `registration failed with ${status} (now ${phone.el.registrationState} ${phone.el.phone?.registration.status})`,
  );

/**
 * The fault peer answers the phone's `method` requests itself (instead of the server) with `status`
 * and `reason`, with `headers`, as often as `times` says (default: every one).
 */
function answers(
  method: 'REGISTER' | 'OPTIONS',
  status: number,
  reason: string,
  options: {
    headers?: Array<[string, string]>;
    times?: number;
    withHeader?: string;
    repeat?: number;
  } = {},
): FaultRule {
  const { headers, repeat, ...match } = options;
  return {
    from: 'phone',
    method,
    ...match,
    action: {
      type: 'respond',
      status,
      reason,
      ...(headers && { headers }),
      ...(repeat && { repeat }),
    },
  };
}
const MIN_EXPIRES_3600: Array<[string, string]> = [['Min-Expires', '3600']];
const retryAfterHeader = (seconds: number): Array<[string, string]> => [
  ['Retry-After', String(seconds)],
];

describe('faults: registration', () => {
  afterEach(closeScenarios);

  it('423 on every REGISTER: one retry with Min-Expires, then backoff (JsSIP alone: ~600/s)', async () => {
    const peer = await scenario({
      rules: [answers('REGISTER', 423, 'Interval Too Brief', { headers: MIN_EXPIRES_3600 })],
    });
    const phone = await faultPhone(peer, 'alice', { config: { retryBaseDelay: 1000 } });
    await failedWith(phone, 423);
    const failedAt = Date.now();
    const first = await peer.frames({ from: 'phone', method: 'REGISTER', request: true });
    expect(
      first.map((f) => f.expires),
      'the retry asks for Min-Expires',
    ).to.deep.equal(['600', '3600']);
    const snapshot = phone.el.phone!.registration;
    expect(snapshot.retryAt! - failedAt).to.be.within(900, 2100);
    expect(registrationText(phone)).to.match(
      /^Registration interval too short\. .*Retrying in [12] s\.The phone tries again at \d{1,2}:\d\d:\d\d( [AP]M)?\. Retry now$/,
    );
    expect(part(phone.el, 'registration').dataset.status).to.equal('423');

    await sleep(4000);
    // Backoff 1–2 s, then 2–4 s: at most two more cycles of one REGISTER each.
    const total = await peer.registers();
    expect(total, 'REGISTERs in ~4 s').to.be.within(3, 4);
    expect(phone.el.registrationState).to.equal('failed');
  });

  it('401 with a wrong password: two REGISTERs, stop, and no REGISTER on later reconnects', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer, 'alice', { password: 'wrong-password' });
    await failedWith(phone, 401);
    await sleep(300);
    expect(await peer.registers()).to.equal(2);
    expect(phone.el.phone!.registration.retryAt).to.equal(undefined);
    expect(registrationText(phone)).to.equal(
      'Wrong user name or password. The server rejected the credentials. Check the auth user and password.',
    );

    await peer.drop();
    await waitFor(async () => (await peer.connections()) === 2, 'reconnected');
    await sleep(1500);
    expect(await peer.registers(), 'JsSIP alone re-REGISTERs on every reconnect').to.equal(2);
    expect(phone.el.registrationState).to.equal('failed');
    expect(phone.registrations.map((r) => r.state)).to.deep.equal(['registering', 'failed']);
  });

  it('403 on REGISTER: one REGISTER, the reason shown, nothing more until the settings change', async () => {
    const peer = await scenario({
      rules: [answers('REGISTER', 403, 'Forbidden - account blocked')],
    });
    const phone = await faultPhone(peer);
    await failedWith(phone, 403);
    expect(phone.registrations.at(-1)!.reason).to.equal('Forbidden - account blocked');
    expect(registrationText(phone)).to.match(/^Registration refused\. /);
    await peer.drop();
    await waitFor(async () => (await peer.connections()) === 2, 'reconnected');
    await sleep(1500);
    expect(await peer.registers()).to.equal(1);

    // New settings (here the display name): a new phone, which registers.
    await peer.update({ rules: [] });
    phone.el.displayName = 'Alice';
    await registered(phone);
    expect(await peer.registers()).to.equal(3);
  });

  it('503 with Retry-After: 120 — the retry is scheduled no earlier, and said so', async () => {
    const peer = await scenario({
      rules: [
        answers('REGISTER', 503, 'Service Unavailable', {
          headers: retryAfterHeader(120),
          times: 1,
        }),
      ],
    });
    const phone = await faultPhone(peer);
    await failedWith(phone, 503);
    const wait = phone.el.phone!.registration.retryAt! - Date.now();
    expect(wait, 'never before Retry-After, at most 20 % after').to.be.within(119_000, 144_100);
    expect(registrationText(phone)).to.match(
      /^Service unavailable\. The server is overloaded or under maintenance\. Try again later\. Retrying in 2 min\.The phone tries again at \d{1,2}:\d\d:\d\d( [AP]M)?\. Retry now$/,
    );
    await sleep(3000);
    expect(await peer.registers()).to.equal(1);
  });

  it('503 with Retry-After: 2 — no REGISTER before 2 s, then one, and registered', async () => {
    const peer = await scenario({
      rules: [
        answers('REGISTER', 503, 'Service Unavailable', { headers: retryAfterHeader(2), times: 1 }),
      ],
    });
    const phone = await faultPhone(peer);
    await failedWith(phone, 503);
    const [rejected] = await peer.frames({ to: 'phone', method: 'REGISTER', status: 503 });
    await registered(phone, 6000);
    const registers = await peer.frames({ from: 'phone', method: 'REGISTER', request: true });
    expect(registers).to.have.length(3); // 503'd, then 401 challenge and the authenticated one
    const retryAfter = registers[1]!.at - rejected!.at;
    expect(retryAfter).to.be.within(2000, 3000);
    expect(phone.registrations.map((r) => r.state)).to.deep.equal([
      'registering',
      'failed',
      'registering',
      'registered',
    ]);
  });

  it('503 with Retry-After: 0 to every authenticated REGISTER: the backoff still holds (JsSIP alone: hundreds a second)', async () => {
    const peer = await scenario({
      rules: [
        answers('REGISTER', 503, 'Service Unavailable', {
          headers: retryAfterHeader(0),
          withHeader: 'Authorization',
        }),
      ],
    });
    const phone = await faultPhone(peer);
    await failedWith(phone, 503);
    const failedAt = Date.now();
    expect(phone.el.phone!.registration.retryAt! - failedAt, 'the backoff, not 0 s').to.be.within(
      900,
      2100,
    );
    await sleep(6000);
    // Backoff 1–2 s, 2–4 s, 4–8 s: at most three cycles of two REGISTERs (challenge, then 503).
    expect(await peer.registers(), 'REGISTERs in ~6 s').to.be.within(4, 6);
    expect(phone.el.registrationState).to.equal('failed');
  });

  it('a non-registering phone whose OPTIONS keep-alive gets 503 Retry-After: 0 and loses its connection: reconnections back off', async () => {
    const peer = await scenario({
      acceptThenDropMs: 300,
      rules: [answers('OPTIONS', 503, 'Service Unavailable', { headers: retryAfterHeader(0) })],
    });
    await faultPhone(peer, 'alice', { config: { register: false } });
    await waitFor(async () => (await peer.connections()) >= 1, 'connected');
    await sleep(6000);
    // Each drop is one more failure: waits of 1–2 s, 2–4 s, 4–8 s.
    expect(await peer.connections(), 'connections in ~6 s').to.be.within(2, 4);
    expect(
      await peer.count({ from: 'phone', method: 'OPTIONS', request: true }),
      'one keep-alive per connection, not a storm',
    ).to.be.at.most(4);
  });

  it('a 423 answered twice (a duplicating proxy): the duplicate is not a new failure; registered soon after', async () => {
    const peer = await scenario({
      rules: [
        answers('REGISTER', 423, 'Interval Too Brief', {
          headers: MIN_EXPIRES_3600,
          times: 2,
          repeat: 2,
        }),
      ],
    });
    const phone = await faultPhone(peer, 'alice', { config: { retryBaseDelay: 500 } });
    await failedWith(phone, 423);
    const [, , , last] = await waitFor(async () => {
      const found = await peer.frames({ to: 'phone', method: 'REGISTER', status: 423 });
      return found.length === 4 ? found : undefined;
    }, 'both 423s, each twice');
    await registered(phone, 4000);
    expect(Date.now() - last!.at, 'registered within 2 s of the last 423').to.be.below(2000);
    // 600, its retry with Min-Expires (both 423), then one challenge and the authenticated one.
    expect(await peer.registers()).to.equal(4);
  });

  it('REGISTER without an answer: fails at Timer F (32 s), then retries with backoff', async function () {
    this.timeout(60_000);
    const peer = await scenario({
      rules: [{ from: 'phone', method: 'REGISTER', times: 1, action: { type: 'drop' } }],
    });
    const phone = await faultPhone(peer);
    const started = Date.now();
    await waitFor(() => phone.el.registrationState === 'failed', 'timed out', 40_000);
    expect(Date.now() - started).to.be.within(31_000, 34_000);
    expect(phone.el.phone!.registration.cause).to.equal('request-timeout');
    expect(registrationText(phone)).to.match(
      /^No answer from the server\. .*Retrying in [12] s\.The phone tries again at \d{1,2}:\d\d:\d\d( [AP]M)?\. Retry now$/,
    );
    expect(await peer.registers()).to.equal(1);
    await registered(phone, 5000);
    expect(await peer.registers()).to.equal(3);
    expect(await peer.connections(), 'the same connection throughout').to.equal(1);
  });
});
