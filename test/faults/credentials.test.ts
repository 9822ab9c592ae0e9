// Short-lived credentials (issue 13, item 7): the page's `credentials` callback instead of a
// long-lived password. The sandbox issues one-off passwords and bearer tokens that expire, as a
// page's own server would; each case counts the callback's calls and what crossed the wire.
import { expect } from '@open-wc/testing';
import type { Credentials } from '../../src/index.js';
import { part, textOf, waitForCall } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  faultPhone,
  registered,
  sandboxCredentials,
  scenario,
} from './fault-helpers.js';

const registrationText = (el: Parameters<typeof part>[0]) => textOf(part(el, 'registration'));

describe('faults: short-lived credentials', () => {
  afterEach(closeScenarios);

  it('one-off passwords: fetched for every REGISTER (no fixed password in the page), registered throughout', async () => {
    // The registrar grants 4 s: a refresh every 2 s, each with a fresh password.
    const peer = await scenario({ grantExpires: 4 });
    const issued: string[] = [];
    const credentials = async (): Promise<Credentials> => {
      const fresh = await sandboxCredentials('alice', 'password', 20_000);
      issued.push(fresh.password!);
      return { password: fresh.password!, expiresAt: fresh.expiresAt };
    };
    const phone = await faultPhone(peer, 'alice', { password: '', config: { credentials } });
    await registered(phone);
    await sleep(5000);
    expect(issued.length, 'the first REGISTER and each refresh').to.be.at.least(3);
    expect(new Set(issued).size).to.equal(issued.length);
    expect(phone.el.registrationState).to.equal('registered');
    expect(phone.registrations.map((r) => r.state)).to.deep.equal(['registering', 'registered']);
    const registers = await peer.registers();
    expect(registers, 'a challenge and one answer per REGISTER').to.equal(2 * issued.length);
  });

  it('a credential that runs out between fetching and use: refused once, fetched again, registered', async () => {
    const peer = await scenario();
    let calls = 0;
    const credentials = async (): Promise<Credentials> => {
      calls++;
      // The first one lives 1 ms: it is dead by the time the challenge is answered.
      const fresh = await sandboxCredentials('alice', 'password', calls === 1 ? 1 : 20_000);
      return { password: fresh.password! };
    };
    const phone = await faultPhone(peer, 'alice', { password: '', config: { credentials } });
    await registered(phone);
    expect(calls).to.equal(2);
    expect(
      (await peer.frames({ to: 'phone', method: 'REGISTER' })).map((f) => f.status),
      'challenge, refusal, challenge, success',
    ).to.deep.equal([401, 401, 401, 200]);
    expect(phone.registrations.map((r) => r.state)).to.deep.equal(['registering', 'registered']);
  });

  it('bearer tokens: Authorization: Bearer on REGISTER and INVITE, no digest round trip; a call connects', async () => {
    const peer = await scenario();
    const tokens: string[] = [];
    const credentials = async (): Promise<Credentials> => {
      const fresh = await sandboxCredentials('alice', 'token', 60_000);
      tokens.push(fresh.token!);
      return { token: fresh.token!, expiresAt: fresh.expiresAt };
    };
    const phone = await faultPhone(peer, 'alice', { password: '', config: { credentials } });
    await registered(phone);
    expect(await peer.registers(), 'accepted at once: no challenge').to.equal(1);
    const [register] = await peer.frames({ from: 'phone', method: 'REGISTER', request: true });
    expect(register!.headerNames).to.include('authorization');
    phone.el.call('echo');
    await waitForCall(phone, 'connected', 200);
    const invites = await peer.frames({ from: 'phone', method: 'INVITE', request: true });
    expect(invites, 'no 407 round trip').to.have.length(1);
    expect(invites[0]!.headerNames).to.include('authorization');
    // The token is a secret like a password: it never reaches the diagnostics.
    const report = JSON.stringify(await phone.el.diagnostics());
    expect(report).to.contain('REGISTER sip:');
    for (const token of tokens) expect(report).not.to.contain(token.split('.')[2]!);
    phone.el.hangup();
    await waitForCall(phone, 'ended');
  });

  it('a forged token: refused, fetched once more, then the registration stops with the reason', async () => {
    const peer = await scenario();
    let calls = 0;
    const credentials = async (): Promise<Credentials> => {
      calls++;
      return { token: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.forged-signature' };
    };
    const phone = await faultPhone(peer, 'alice', { password: '', config: { credentials } });
    await waitFor(() => phone.el.registrationState === 'failed', 'refused');
    expect(calls).to.equal(2);
    expect(phone.el.phone!.registration.status).to.equal(401);
    expect(await peer.registers()).to.equal(2);
    expect(registrationText(phone.el)).to.match(/^Wrong user name or password\. /);
  });

  it('a callback that fails: "No sign-in credentials", retried with the backoff, registered once it works', async () => {
    const peer = await scenario();
    let down = true;
    const credentials = async (): Promise<Credentials> => {
      if (down) throw new Error('the credentials service is down');
      const fresh = await sandboxCredentials('alice', 'password', 20_000);
      return { password: fresh.password! };
    };
    const phone = await faultPhone(peer, 'alice', { password: '', config: { credentials } });
    await waitFor(() => phone.el.registrationState === 'failed', 'failed');
    expect(phone.el.phone!.registration.cause).to.equal('credentials-unavailable');
    expect(registrationText(phone.el)).to.match(
      /^No sign-in credentials\. The page could not get credentials for the SIP server .*Retrying in [12] s\./,
    );
    expect(await peer.registers(), 'nothing sent without credentials').to.equal(0);
    down = false;
    await registered(phone, 5000);
  });
});
