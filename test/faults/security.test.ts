// Secrets and injection: the debug log hides credentials, header injection is refused before
// anything reaches the wire, and plain ws:// to another host is refused.
import { expect, fixture, html } from '@open-wc/testing';
import type { SipPhone } from '../../components/index.js';
import { disableDebugLog, isConfigError, isDialStringError } from '../../src/index.js';
import { part, textOf } from '../helpers/phone-fixture.js';
import { sleep } from '../helpers/sandbox.js';
import {
  closeScenarios,
  consoleStart,
  consoleStop,
  faultPhone,
  registered,
  scenario,
} from './fault-helpers.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6NDEwMjQ0NDgwMH0.dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZQ';

const thrown = (run: () => unknown): unknown => {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
};

describe('faults: secrets and injection', () => {
  afterEach(closeScenarios);

  it('debug log: whole SIP messages, but Authorization digests and tokens redacted', async () => {
    const peer = await scenario();
    await consoleStart();
    let lines: string[];
    let stored: string | null = 'unread';
    try {
      const phone = await faultPhone(peer, 'alice', {
        config: { debug: 'JsSIP:Transport', extraHeaders: [`X-Api-Token: ${JWT}`] },
      });
      await registered(phone);
      await sleep(200);
      stored = localStorage.getItem('debug');
    } finally {
      lines = await consoleStop();
      disableDebugLog();
    }
    const log = lines.join('\n');
    expect(log, 'the log shows the messages').to.contain('REGISTER sip:');
    expect(log).to.match(/Authorization: Digest \[redacted\]/);
    expect(log).to.contain('X-Api-Token: [redacted]');
    expect(log, 'no digest response').not.to.match(/response="[0-9a-f]{32}"/);
    expect(log, 'no JWT').not.to.contain(JWT.slice(0, 40));
    expect(log, 'no password').not.to.contain('alice-sandbox');
    // The wire itself carried the real header (the server needs it).
    expect(await peer.registers()).to.equal(2);
    expect(stored, 'the debug option is not written to localStorage').to.equal(null);
  });

  it('CR/LF in the display name or an extra header: refused, nothing on the wire', async () => {
    const peer = await scenario();
    const named = await faultPhone(peer, 'alice', { displayName: 'Eve\r\nX-Injected: yes' });
    expect(textOf(part(named.el, 'registration'))).to.equal(
      'Settings problem: The display name must not contain line breaks or control characters.',
    );
    expect(named.el.phone).to.equal(undefined);
    const headed = await faultPhone(peer, 'bob', {
      config: { extraHeaders: ['X-Note: a\r\nX-Smuggled: 1'] },
    });
    expect(textOf(part(headed.el, 'registration'))).to.match(
      /^Settings problem: An extra header must not contain line breaks/,
    );
    await sleep(500);
    expect(await peer.connections(), 'no connection at all').to.equal(0);
  });

  it('dial strings with URI parameters, headers, other domains or CR/LF headers: refused, no INVITE', async () => {
    const peer = await scenario();
    const phone = await faultPhone(peer);
    await registered(phone);
    for (const target of [
      '100?Route=<sip:evil.example.net>',
      '100;maddr=203.0.113.9',
      '100@evil.example.net',
      '500&SIP/itsp/0044123',
      'sip:100@localhost>;x=<',
    ]) {
      expect(isDialStringError(thrown(() => phone.el.call(target))), target).to.equal(true);
    }
    const error = thrown(() =>
      phone.el.phone!.call('echo', { extraHeaders: ['X-A: 1\r\nX-B: 2'] }),
    );
    expect(isConfigError(error)).to.equal(true);
    await phone.el.updateComplete;
    expect(textOf(part(phone.el, 'error')), 'the reason, under the number field').not.to.equal('');
    await sleep(300);
    expect(await peer.count({ from: 'phone', method: 'INVITE' })).to.equal(0);
    expect(phone.el.registrationState).to.equal('registered');
  });

  it('ws:// to a host other than this machine: refused before any connection', async () => {
    const el = await fixture<SipPhone>(
      html`<sip-phone server="ws://203.0.113.9/ws" uri="sip:alice@example.com"></sip-phone>`,
    );
    expect(el.phone).to.equal(undefined);
    expect(el.registrationState).to.equal('failed');
    expect(textOf(part(el, 'registration'))).to.equal(
      'Settings problem: Plain ws:// is only allowed for localhost; use wss:// (SIP over secure WebSocket).',
    );
    // The same server over wss:// is accepted (and fails to connect, as it should: it does not exist).
    el.server = 'wss://203.0.113.9/ws';
    await el.updateComplete;
    expect(el.phone).not.to.equal(undefined);
  });
});
