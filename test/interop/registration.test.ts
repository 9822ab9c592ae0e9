import { expect } from '@open-wc/testing';
import { part, textOf } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import { bed, bedPhone, printLogsIfFailed, timing } from './bed.js';

describe('interop: <sip-phone> registers with Kamailio', function () {
  this.timeout(30_000);
  afterEach(printLogsIfFailed);

  before(async function () {
    this.timeout(60_000);
    const info = await bed();
    console.log(`[interop] test bed up in ${info.startupMs} ms`);
  });

  it('registers over WSS (self-signed certificate): 401 challenge, then 200', async () => {
    const started = performance.now();
    const phone = await bedPhone('1000');
    await waitFor(() => phone.el.registrationState === 'registered', 'registered over WSS');
    await timing('register over WSS (401 → 200)', started);

    const register = phone.wire.filter((m) => m.method === 'REGISTER');
    expect(register.map((m) => `${m.direction} ${m.status ?? 'REGISTER'}`)).to.deep.equal([
      'out REGISTER',
      'in 401',
      'out REGISTER',
      'in 200',
    ]);
    expect(phone.el.phone!.config.server).to.equal((await bed()).wssUrl);
    expect(phone.registrations.map((r) => r.state)).to.deep.equal(['registering', 'registered']);
    const region = part(phone.el, 'registration');
    expect(region.dataset.state).to.equal('registered');
    expect(region.dataset.status).to.equal('200');
    expect(textOf(region)).to.equal('Registered as 1000@127.0.0.1');
  });

  it('registers over plain WS on loopback too', async () => {
    const started = performance.now();
    const phone = await bedPhone('1001', { transport: 'ws' });
    await waitFor(() => phone.el.registrationState === 'registered', 'registered over WS');
    await timing('register over WS (401 → 200)', started);
    expect(phone.wire.filter((m) => m.status).map((m) => m.status)).to.deep.equal([401, 200]);
  });

  it('wrong password: a clear banner, and no REGISTER loop', async () => {
    const started = performance.now();
    const phone = await bedPhone('1000', { password: 'not-the-password' });
    await waitFor(() => phone.el.registrationState === 'failed', 'registration failed');
    await timing('wrong password → failed', started);
    const failure = phone.registrations.at(-1)!;
    expect(failure.status).to.equal(401);

    const region = part(phone.el, 'registration');
    expect(region.dataset.state).to.equal('failed');
    expect(region.dataset.status).to.equal('401');
    expect(region.getAttribute('role')).to.equal('alert');
    expect(textOf(region)).to.match(/Wrong user name or password/);
    expect(textOf(region)).to.match(/Check the auth user and password/);

    // Kamailio challenges every REGISTER again; the phone must not answer forever.
    await sleep(3000);
    const sent = phone.wire.filter(
      (m) => m.direction === 'out' && m.method === 'REGISTER' && m.status === undefined,
    );
    expect(sent.length, 'REGISTERs sent in 3 s').to.be.at.most(2);
    expect(phone.el.registrationState).to.equal('failed');
  });
});
