import { expect, fixture, html } from '@open-wc/testing';
import type { WireMessage } from '../../src/index.js';
import type { SipPhone } from '../../components/index.js';
import { part, phoneFor, textOf } from '../helpers/phone-fixture.js';
import { sandbox, sleep, waitFor } from '../helpers/sandbox.js';

describe('<sip-phone> registration against the sandbox', () => {
  it('registers over WebSocket: 401 challenge, then 200', async () => {
    const { el, registrations } = await phoneFor('alice');
    const wire: WireMessage[] = [];
    el.phone!.on('wire', (m) => wire.push(m));
    await waitFor(() => el.registrationState === 'registered', 'registered');

    const registerResponses = wire
      .filter((m) => m.method === 'REGISTER' && m.status)
      .map((m) => m.status);
    expect(registerResponses).to.deep.equal([401, 200]);
    expect(registrations.map((r) => r.state)).to.deep.equal(['registering', 'registered']);
    expect(registrations[1]!.status).to.equal(200);

    const region = part(el, 'registration');
    expect(region.dataset.state).to.equal('registered');
    expect(region.getAttribute('role')).to.equal('status');
    expect(textOf(region)).to.equal(`Registered as alice@${(await sandbox()).domain}`);
    expect(el.getAttribute('registration-state')).to.equal('registered');
  });

  it('shows a clear banner for a wrong password and does not loop REGISTERs', async () => {
    const { el, registrations } = await phoneFor('alice', { password: 'wrong-password' });
    const wire: WireMessage[] = [];
    el.phone!.on('wire', (m) => wire.push(m));
    await waitFor(() => el.registrationState === 'failed', 'registration failed');
    const failure = registrations.at(-1)!;
    expect(failure.state).to.equal('failed');
    expect(failure.status).to.equal(401);

    const region = part(el, 'registration');
    expect(region.dataset.status).to.equal('401');
    expect(region.getAttribute('role')).to.equal('alert');
    expect(textOf(region)).to.match(/Wrong user name or password/);
    expect(textOf(region)).to.match(/Check the auth user and password/);

    await sleep(1500);
    const registers = wire.filter(
      (m) => m.direction === 'out' && m.method === 'REGISTER' && m.status === undefined,
    );
    expect(registers.length, 'REGISTERs sent').to.be.at.most(2);
    expect(el.registrationState).to.equal('failed');
  });

  it('reports an unknown account as the server answers it', async () => {
    const { el } = await phoneFor('mallory', { password: 'x' });
    await waitFor(() => el.registrationState === 'failed', 'registration failed');
    const region = part(el, 'registration');
    expect(Number(region.dataset.status)).to.be.oneOf([403, 404]);
    expect(textOf(region)).to.match(/Unknown account|Registration refused/);
  });

  it('refuses an insecure or malformed configuration with a readable message', async () => {
    const el = await fixture<SipPhone>(
      html`<sip-phone server="ws://pbx.example.com" uri="sip:alice@example.com"></sip-phone>`,
    );
    const region = part(el, 'registration');
    expect(el.registrationState).to.equal('failed');
    expect(region.dataset.state).to.equal('failed');
    expect(textOf(region)).to.match(
      /Settings problem: Plain ws:\/\/ is only allowed for localhost/,
    );
    expect(el.phone).to.equal(undefined);

    el.server = 'wss://pbx.example.com';
    el.displayName = 'Eve\r\nX-Injected: yes';
    await el.updateComplete;
    expect(textOf(part(el, 'registration'))).to.match(/display name must not contain line breaks/);
  });

  it('un-registers when removed from the page', async () => {
    const { el } = await phoneFor('bob');
    await waitFor(() => el.registrationState === 'registered', 'registered');
    const phone = el.phone!;
    el.remove();
    await waitFor(() => phone.registration.state === 'unregistered', 'unregistered after removal');
  });
});
