import { expect } from '@open-wc/testing';
import { sandbox, passwordOf, waitFor } from '../helpers/sandbox.js';

// The public CDN entry: `npm run build` must produce one self-contained ES module that defines the
// elements. `npm test` builds it before the browser tests run.
describe('dist/sip-phone.js', () => {
  it('is one self-contained module (no imports) that defines the elements', async () => {
    const source = await (await fetch('/dist/sip-phone.js')).text();
    expect(source.length).to.be.greaterThan(10_000);
    expect(source).not.to.match(/^\s*import\s|\bimport\s*\(|\bfrom\s*["'][^"']+["']/m);
    await import(/* @vite-ignore */ `${location.origin}/dist/sip-phone.js`);
    for (const tag of ['sip-phone', 'sip-dialpad', 'sip-call-banner']) {
      expect(customElements.get(tag), tag).to.be.a('function');
    }
  });

  it('registers against the sandbox from plain HTML', async () => {
    const info = await sandbox();
    const host = document.createElement('div');
    // How an embedder writes it: attributes only, the password as a property.
    host.innerHTML = `<sip-phone server="${info.wsUrl}" uri="sip:bob@${info.domain}"></sip-phone>`;
    const phone = host.firstElementChild as HTMLElement & { password: string; registrationState: string };
    phone.password = await passwordOf('bob');
    document.body.append(host);
    try {
      await waitFor(() => phone.registrationState === 'registered', 'registered through the bundle');
      const banner = phone.shadowRoot!.querySelector('[part~="banner"]')!;
      expect(banner.getAttribute('data-state')).to.equal('idle');
    } finally {
      host.remove();
    }
  });
});

describe('the built pages (dist/app) and the kiosk build (dist/kiosk)', () => {
  const frameOf = async (path: string) => {
    const frame = document.createElement('iframe');
    frame.src = path;
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    return frame;
  };

  for (const [page, tag] of [
    ['index.html', 'sip-phone'],
    ['embed.html', 'sip-phone'],
    ['kiosk.html', 'sip-call-button'],
  ] as const) {
    it(`${page} defines and renders <${tag}>`, async () => {
      const frame = await frameOf(`/dist/app/${page}`);
      try {
        const win = frame.contentWindow!;
        await waitFor(() => win.customElements.get(tag), `<${tag}> defined in the built ${page}`);
        const el = win.document.querySelector(tag)!;
        await waitFor(() => el.shadowRoot?.querySelector('[part~="base"]'), `<${tag}> rendered`);
      } finally {
        frame.remove();
      }
    });
  }

  it('the kiosk build paints the button first and defines its keypad', async () => {
    await import(/* @vite-ignore */ `${location.origin}/dist/kiosk/sip-call-button.js`);
    expect(customElements.get('sip-call-button')).to.be.a('function');
    expect(customElements.get('sip-dialpad')).to.be.a('function');
  });
});
