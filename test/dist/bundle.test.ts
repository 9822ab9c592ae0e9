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

  it('the kiosk first paint leaves the outcome texts, the UI tables and the tones to the lazy chunks', async () => {
    // The build's module graph: static imports (the first paint) and import() (loaded later). The
    // test server reformats JavaScript (and escapes non-ASCII), so the markers are ASCII and the
    // sizes are left to bench/bundle-size.ts.
    const files = new Map<string, { text: string; statics: string[]; lazy: string[] }>();
    const visit = async (url: string): Promise<void> => {
      if (files.has(url)) return;
      const text = await (await fetch(url)).text();
      const targets = (pattern: RegExp) =>
        [...text.matchAll(pattern)].map((match) => new URL(match[1]!, url).href);
      const file = {
        text,
        statics: targets(/\b(?:import|export)\s*(?:[^"'`();]*?\bfrom\s*)?["'`](\.[^"'`]+)["'`]/g),
        lazy: targets(/\bimport\(\s*["'`](\.[^"'`]+)["'`]\s*\)/g),
      };
      files.set(url, file);
      for (const target of [...file.statics, ...file.lazy]) await visit(target);
    };
    const entry = `${location.origin}/dist/kiosk/sip-call-button.js`;
    await visit(entry);
    const firstPaint = new Set<string>();
    const addStatic = (url: string) => {
      if (firstPaint.has(url)) return;
      firstPaint.add(url);
      files.get(url)!.statics.forEach(addStatic);
    };
    addStatic(entry);
    const textOf = (urls: Iterable<string>) =>
      [...urls].map((url) => files.get(url)!.text).join('\n');
    const painted = textOf(firstPaint);
    const everything = textOf(files.keys());
    expect(files.size, 'lazy chunks').to.be.greaterThan(firstPaint.size);

    const callTime = {
      'the outcome catalogue (486)': 'is on another call',
      'its German texts (486)': 'Die angerufene Person',
      'the UI tables (history heading)': 'Call history',
      'the tone player': 'createOscillator',
    };
    for (const [what, marker] of Object.entries(callTime)) {
      expect(everything, `${what} in the kiosk build`).to.include(marker);
      expect(painted, `${what} in the first paint`).not.to.include(marker);
    }
    expect(painted, 'the German label').to.include('Anrufen');
  });
});
