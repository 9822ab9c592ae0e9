// Secrets and injection: the debug log hides credentials, header injection is refused before
// anything reaches the wire, and plain ws:// to another host is refused.
import { expect, fixture, html } from '@open-wc/testing';
import type { SipPhone } from '../../components/index.js';
import {
  disableDebugLog,
  formatDiagnosticsText,
  isConfigError,
  isDialStringError,
  type DiagnosticsReport,
} from '../../src/index.js';
import { part, textOf } from '../helpers/phone-fixture.js';
import { sleep, waitFor } from '../helpers/sandbox.js';
import {
  closeScenarios,
  consoleStart,
  consoleStop,
  faultPhone,
  registered,
  scenario,
  type FaultPhone,
  type Scenario,
} from './fault-helpers.js';
import { CONFIGURED_SECRETS, SECRET_HEADERS, storageText } from '../helpers/secrets.js';

const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJhbGljZSIsImV4cCI6NDEwMjQ0NDgwMH0.dGhpcy1pcy1ub3QtYS1yZWFsLXNpZ25hdHVyZQ';

// What the phone is configured with and what the far end sends, each secret once and unlike the
// others, so a leak names the rule that missed it.
const SECRET = {
  ...CONFIGURED_SECRETS,
  folded: 'FoldedS3cret3c8e',
  userInfo: 'UserInfoS3cret4f02',
  remoteQuery: 'RemoteQueryS3cret71aa',
};
const EXTRA_HEADERS = SECRET_HEADERS;
// Terminal escapes and other C0 controls a far end can put in a reason phrase or a display name.
const ANSI_REASON = 'OK \x1b[31mred\x1b[0m \x07bell\x08';
const ANSI_NAME = '\x1b[2J\x1b]0;pwned\x07Eve\x00\u009b31m';
// C0 controls (but LF and TAB), DEL and C1 controls: none may reach the text export.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

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

  it('configured headers, URL tokens, folded credentials: in no debug line, diagnostics export or storage; no terminal escapes in the text', async () => {
    const peer = await scenario({
      rules: [
        {
          from: 'server',
          method: 'REGISTER',
          status: 200,
          action: { type: 'reason', reason: ANSI_REASON },
        },
      ],
    });
    const server = `${peer.wsUrl}?token=${SECRET.urlToken}`;
    await consoleStart();
    let lines: string[];
    let json = '';
    let text = '';
    let stored = '';
    let report: DiagnosticsReport;
    let phone: FaultPhone;
    try {
      // The fault peer ignores the query: it only has to reach the phone's configuration.
      phone = await faultPhone({ wsUrl: server } as Scenario, 'alice', {
        config: { debug: true, extraHeaders: EXTRA_HEADERS },
      });
      await registered(phone);
      // The far end: a folded Authorization (the secret on the continuation line), a URL with
      // user-info and a token in its query, and a display name full of terminal escapes.
      await peer.inject(
        [
          'OPTIONS {contact} SIP/2.0',
          'Via: SIP/2.0/WS peer.invalid;branch=z9hG4bKredact1',
          'Max-Forwards: 70',
          `From: "${ANSI_NAME}" <sip:eve@localhost>;tag=r1`,
          'To: <sip:alice@localhost>',
          'Call-ID: redact-1',
          'CSeq: 1 OPTIONS',
          'Authorization: Bearer',
          ` ${SECRET.folded}`,
          `Call-Info: <https://support:${SECRET.userInfo}@help.example.com/t?access_token=${SECRET.remoteQuery}>;purpose=info`,
          'Content-Length: 0',
          '',
          '',
        ].join('\r\n'),
      );
      // JsSIP drops it (its grammar has no room for those escapes); the recorder keeps it.
      await waitFor(
        async () => (await phone.el.diagnostics()).otherLadder.some((m) => m.callId === 'redact-1'),
        'the OPTIONS in the diagnostics',
      );
      await sleep(200);
      report = await phone.el.diagnostics();
      json = JSON.stringify(report);
      text = formatDiagnosticsText(report);
      stored = storageText();
    } finally {
      lines = await consoleStop();
      disableDebugLog();
    }
    const log = lines.join('\n');
    // Everything did happen: the phone connected with the token, sent the headers, logged the
    // messages and recorded the far end's.
    expect(phone.el.phone!.config.server).to.equal(server);
    const register = (await peer.frames({ from: 'phone', method: 'REGISTER' }))[0]!;
    for (const name of ['x-api-key', 'x-authorization', 'cookie', 'x-request', 'x-upstream'])
      expect(register.headerNames, 'sent on the wire').to.include(name);
    expect(log, 'the log shows the messages').to.contain('REGISTER sip:');
    expect(log, 'the log shows what came in').to.contain('Call-ID: redact-1');
    expect(report.otherLadder.map((m) => m.callId)).to.include('redact-1');

    const outputs = { json, text, log, localStorage: stored };
    const leaks = Object.entries(SECRET).flatMap(([secret, value]) =>
      Object.entries(outputs)
        .filter(([, output]) => output.includes(value))
        .map(([where]) => `${secret} in ${where}`),
    );
    expect(leaks).to.deep.equal([]);
    // What support still sees: where the phone connected, which headers went out, and that a
    // credential was there.
    expect(report.config.server).to.equal(`${peer.wsUrl}?[redacted]`);
    expect(text).to.contain('X-Api-Key: [redacted]');
    expect(text).to.contain('X-Authorization: Bearer [redacted]');
    expect(log).to.contain('X-Api-Key: [redacted]');
    // The text is safe to cat in a terminal: escapes are shown, not obeyed.
    expect(text, 'control characters in the text').not.to.match(CONTROL);
    expect(text).to.contain('␛[31mred');
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
