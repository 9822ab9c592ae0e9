// The phone in whole pages: the built bundle under a strict Content-Security-Policy with Trusted
// Types enforced, and a page that goes away mid-call (pagehide).
import { expect } from '@open-wc/testing';
import type { SipPhone } from '../../components/index.js';
import { waitFor } from '../helpers/sandbox.js';
import {
  TEST_TIMING,
  closeScenarios,
  passwordOf,
  sandbox,
  sandboxCalls,
  scenario,
} from './fault-helpers.js';

async function frame(src: string): Promise<HTMLIFrameElement> {
  const iframe = document.createElement('iframe');
  iframe.allow = 'microphone; autoplay';
  const loaded = new Promise((resolve) => iframe.addEventListener('load', resolve, { once: true }));
  iframe.src = src;
  document.body.append(iframe);
  await loaded;
  return iframe;
}

interface PageMessage {
  source: string;
  type: string;
  state?: string;
  status?: number;
  violations?: string[];
  trustedTypesEnforced?: boolean;
  banner?: string;
}

describe('faults: pages', () => {
  afterEach(async () => {
    for (const iframe of document.querySelectorAll('iframe')) iframe.remove();
    await closeScenarios();
  });

  it('the built dist/sip-phone.js registers and calls under a strict CSP with Trusted Types: 0 violations', async () => {
    const peer = await scenario();
    const messages: PageMessage[] = [];
    const onMessage = (event: MessageEvent<PageMessage>) => {
      if (event.data?.source === 'csp-page') messages.push(event.data);
    };
    window.addEventListener('message', onMessage);
    try {
      const check = await fetch(`${peer.origin}/dist/sip-phone.js`, { method: 'HEAD' });
      expect(check.status, 'dist/sip-phone.js is built (npm run build)').to.equal(200);
      const csp = check.headers.get('content-security-policy') ?? '';
      expect(csp).to.contain("script-src 'self'").and.contain("require-trusted-types-for 'script'");
      expect(csp).not.to.contain('unsafe-');

      const iframe = await frame(`${peer.origin}/csp/page.html`);
      await waitFor(() => messages.some((m) => m.type === 'ready'), 'the page script ran');
      const info = await sandbox();
      const send = (data: object) => iframe.contentWindow!.postMessage(data, peer.origin);
      send({
        command: 'configure',
        server: peer.wsUrl,
        uri: `sip:bob@${info.domain}`,
        password: await passwordOf('bob'),
        config: TEST_TIMING,
      });
      await waitFor(
        () => messages.some((m) => m.type === 'registration' && m.state === 'registered'),
        'registered',
      );
      send({ command: 'call', target: 'echo' });
      await waitFor(
        () => messages.some((m) => m.type === 'call' && m.state === 'connected'),
        'connected',
        15_000,
      );
      send({ command: 'hangup' });
      await waitFor(() => messages.some((m) => m.type === 'call' && m.state === 'ended'), 'ended');
      send({ command: 'report' });
      const report = await waitFor(() => messages.find((m) => m.type === 'report'), 'the report');
      expect(report.violations, 'CSP violations').to.deep.equal([]);
      expect(report.trustedTypesEnforced).to.equal(true);
      expect(report.banner).to.match(/^Call ended You hung up\./);
      expect(await peer.count({ from: 'phone', method: 'INVITE', request: true })).to.equal(2);
      expect(await peer.count({ from: 'phone', method: 'BYE' })).to.equal(1);
    } finally {
      window.removeEventListener('message', onMessage);
    }
  });

  it('pagehide: the live call gets its BYE and the registration its un-REGISTER as the page goes', async () => {
    const peer = await scenario();
    const iframe = await frame('/test/faults/pages/unload.html');
    const doc = iframe.contentDocument!;
    await iframe.contentWindow!.customElements.whenDefined('sip-phone');
    const el = doc.querySelector('sip-phone') as SipPhone;
    const info = await sandbox();
    el.config = TEST_TIMING;
    el.password = await passwordOf('carol');
    el.uri = `sip:carol@${info.domain}`;
    el.server = peer.wsUrl;
    await waitFor(() => el.registrationState === 'registered', 'registered');
    el.call('echo');
    await waitFor(() => el.callState === 'connected', 'connected', 15_000);
    const callId = el.currentCall!.callId!;

    const removedAt = Date.now();
    iframe.remove();
    const bye = await waitFor(
      async () => (await peer.frames({ from: 'phone', method: 'BYE' }))[0],
      'BYE',
    );
    const unregister = await waitFor(
      async () =>
        (await peer.frames({ from: 'phone', method: 'REGISTER', request: true })).find(
          (f) => f.expires === '0',
        ),
      'un-REGISTER',
    );
    expect(bye.at - removedAt).to.be.below(2000);
    expect(unregister.at - removedAt).to.be.below(2000);
    await waitFor(
      async () =>
        (await sandboxCalls('echo'))
          .find((c) => c.callId === callId)
          ?.receivedMethods.includes('BYE'),
      'the sandbox ended the call',
    );
  });
});
