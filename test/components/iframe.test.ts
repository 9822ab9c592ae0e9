import { expect, fixture, html } from '@open-wc/testing';
import { passwordOf, sandbox, waitFor } from '../helpers/sandbox.js';

/** Embeds the phone from another origin and returns what it reports. */
async function embed(
  allow: string | undefined,
): Promise<Array<{ state: string; cause?: string; banner: string }>> {
  const info = await sandbox();
  // The test page is on localhost; 127.0.0.1 is another origin.
  const origin = `${location.protocol}//127.0.0.1:${location.port}`;
  const frame = await fixture<HTMLIFrameElement>(
    html`<iframe
      title="phone"
      allow=${allow ?? ''}
      src=${`${origin}/test/fixtures/embed-frame.html`}
    ></iframe>`,
  );
  await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
  const reports: Array<{ state: string; cause?: string; banner: string }> = [];
  window.addEventListener('message', (event) => {
    if (event.origin === origin) reports.push(event.data);
  });
  frame.contentWindow!.postMessage(
    {
      server: info.wsUrl,
      uri: `sip:alice@${info.domain}`,
      password: await passwordOf('alice'),
      target: 'echo',
    },
    origin,
  );
  await waitFor(
    () => reports.some((r) => ['connected', 'failed'].includes(r.state)),
    'the framed call settled',
    15_000,
  );
  return reports;
}

describe('<sip-phone> in a cross-origin iframe', () => {
  it('works when the embedding page allows the microphone', async () => {
    const reports = await embed('microphone');
    expect(reports.map((r) => r.state)).to.include('connected');
  });

  it('explains the missing permission when the embedding page does not allow the microphone', async () => {
    const reports = await embed(undefined);
    const failed = reports.find((r) => r.state === 'failed')!;
    expect(failed.cause).to.equal('microphone-not-allowed-here');
    expect(failed.banner).to.match(/allow="microphone"/);
  });
});
