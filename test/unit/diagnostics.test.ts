import { expect } from '@open-wc/testing';
import {
  DiagnosticsRecorder,
  VERSION,
  formatDiagnosticsText,
  redactSipMessage,
} from '../../src/index.js';
import type { WireMessage } from '../../src/index.js';

const REGISTER = [
  'REGISTER sip:example.com SIP/2.0',
  'Via: SIP/2.0/WSS abc.invalid;branch=z9hG4bK1',
  'Call-ID: reg-1',
  'CSeq: 2 REGISTER',
  'Authorization: Digest username="alice", realm="example.com", nonce="n", uri="sip:example.com", response="0123456789abcdef0123456789abcdef"',
  'X-Token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');

const INVITE_SDP = [
  'INVITE sip:echo@example.com SIP/2.0',
  'Call-ID: call-1',
  'CSeq: 1 INVITE',
  'Content-Type: application/sdp',
  '',
  'v=0',
  'a=ice-ufrag:abcd',
  'a=ice-pwd:SuperSecretIcePassword123',
  'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:KEYKEYKEYKEYKEYKEYKEYKEYKEYKEYKEYKEYKEY',
  'a=fingerprint:sha-256 AA:BB',
  '',
].join('\r\n');

const wire = (over: Partial<WireMessage>): WireMessage => ({
  direction: 'out',
  method: 'INVITE',
  callId: 'call-1',
  cseq: 1,
  hasBody: false,
  size: 100,
  at: Date.parse('2026-01-01T00:00:00Z'),
  ...over,
});

describe('diagnostics', () => {
  it('redacts digest credentials, tokens, ICE passwords and SDES keys, and keeps the rest', () => {
    const register = redactSipMessage(REGISTER);
    expect(register).to.contain('Authorization: Digest [redacted]');
    expect(register).not.to.contain('0123456789abcdef0123456789abcdef');
    expect(register).not.to.contain('eyJzdWIiOiJhIn0');
    expect(register).to.contain('CSeq: 2 REGISTER');
    const invite = redactSipMessage(INVITE_SDP);
    expect(invite).to.contain('a=ice-pwd:[redacted]');
    expect(invite).to.contain('a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[redacted]');
    expect(invite).to.contain('a=ice-ufrag:abcd');
    expect(invite).to.contain('a=fingerprint:sha-256 AA:BB');
  });

  it('cuts long messages and says how much was left out', () => {
    expect(redactSipMessage('x'.repeat(50), 10)).to.equal(`${'x'.repeat(10)}\n[… 40 more]`);
  });

  it('keeps ladders per call, the registration apart, and only the newest calls', async () => {
    const recorder = new DiagnosticsRecorder({ calls: 2, messagesPerDialog: 3 });
    recorder.recordWire(wire({ method: 'REGISTER', callId: 'reg-1' }), REGISTER);
    for (const id of ['a', 'b', 'c']) {
      recorder.recordWire(wire({ callId: id }), `INVITE sip:${id}@x SIP/2.0\r\n`);
      recorder.recordWire(
        wire({ callId: id, direction: 'in', status: 200, reason: 'OK' }),
        'SIP/2.0 200 OK\r\n',
      );
    }
    for (let i = 1; i <= 5; i++) {
      recorder.recordWire(
        wire({ method: 'OPTIONS', callId: 'ka', cseq: i }),
        'OPTIONS sip:x SIP/2.0\r\n',
      );
    }
    for (let i = 0; i < 5; i++) recorder.recordTransition({ kind: 'registration', state: `s${i}` });
    const report = await recorder.report({
      config: { server: 'wss://x' },
      connection: 'open',
      registration: { state: 'registered', status: 200 },
    });
    expect(report.versions.sipPhone).to.equal(VERSION);
    expect(report.registrationLadder.map((m) => m.summary)).to.deep.equal(['REGISTER']);
    expect(report.registrationLadder[0]!.text).to.contain('Digest [redacted]');
    // Bounded: the newest three.
    expect(report.otherLadder.map((m) => m.cseq)).to.deep.equal([3, 4, 5]);
    // No call was watched: the report lists none.
    expect(report.calls).to.deep.equal([]);
    expect(report.transitions.map((t) => t.state)).to.deep.equal(['s0', 's1', 's2', 's3', 's4']);
    const text = formatDiagnosticsText(report);
    expect(text).to.contain('Registration: registered (200)');
    expect(text).to.contain('→ REGISTER  (CSeq 1, 100 B)');
    expect(text).not.to.contain('0123456789abcdef0123456789abcdef');
  });
});

describe('version', () => {
  it('matches package.json', async () => {
    const pkg = (await (await fetch('/package.json')).json()) as { version: string };
    expect(VERSION).to.equal(pkg.version);
  });
});
