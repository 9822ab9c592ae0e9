import { expect } from '@open-wc/testing';
import { sandbox, passwordOf, waitFor } from '../helpers/sandbox.js';

/**
 * A built module graph, read over HTTP from its entry: each file's text, the specifiers it imports
 * as written, and their URLs split into static imports and `import()`; `firstPaint` is the entry's
 * static graph (what a page fetches before the module runs). The test server reformats JavaScript
 * (and escapes non-ASCII), so callers look for ASCII markers and leave sizes to the bench.
 */
async function moduleGraph(entry: string) {
  type File = { text: string; specifiers: string[]; statics: string[]; lazy: string[] };
  const files = new Map<string, File>();
  const visit = async (url: string): Promise<void> => {
    if (files.has(url)) return;
    const text = await (await fetch(url)).text();
    const found = (pattern: RegExp) => [...text.matchAll(pattern)].map((match) => match[1]!);
    const statics = found(/\b(?:import|export)\s*(?:[^"'`();]*?\bfrom\s*)?["'`]([^"'`]+)["'`]/g);
    const lazy = found(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g);
    const resolve = (specifier: string) => new URL(specifier, url).href;
    const file = { text, specifiers: [...statics, ...lazy], statics: statics.map(resolve), lazy: lazy.map(resolve) };
    files.set(url, file);
    for (const target of [...file.statics, ...file.lazy]) await visit(target);
  };
  await visit(entry);
  const firstPaint = new Set<string>();
  const addStatic = (url: string) => {
    if (firstPaint.has(url)) return;
    firstPaint.add(url);
    files.get(url)!.statics.forEach(addStatic);
  };
  addStatic(entry);
  return { files, firstPaint };
}

// The public CDN entry: `npm run build` must produce one ES module that defines the elements, and
// imports nothing but its own chunks beside it (dist/chunks/, relative URLs), so that any host
// serving the folder serves it all. `npm test` builds it before the browser tests run.
describe('dist/sip-phone.js', () => {
  it('defines the elements and imports only its own chunks, by relative URL', async () => {
    const { files } = await moduleGraph(`${location.origin}/dist/sip-phone.js`);
    for (const [url, file] of files) {
      for (const specifier of file.specifiers) {
        expect(specifier, `${url} imports ${specifier}`).to.match(/^\.\.?\/(?:chunks\/)?[\w.-]+\.js$/);
      }
    }
    expect([...files.keys()].some((url) => url.includes('/dist/chunks/')), 'chunks beside it').to.equal(true);
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

describe('what dist/sip-phone.js fetches, read from a real page\'s network log', () => {
  // A fresh document per test (modules are fetched once per document), loading the CDN file the way
  // an embedder does; its resource timing entries are the network log.
  const pageWith = async (body: string, lang = 'en') => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><html lang="${lang}"><body>${body}<script type="module" src="${location.origin}/dist/sip-phone.js"></script></body></html>`;
    document.body.append(frame);
    await new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    const win = frame.contentWindow! as Window & typeof globalThis;
    await waitFor(() => win.customElements.get('sip-phone'), '<sip-phone> defined');
    const fetched = (pattern: RegExp) =>
      win.performance
        .getEntriesByType('resource')
        .map((entry) => entry.name)
        .filter((name) => pattern.test(name.split('/').pop()!));
    return { frame, win, fetched };
  };

  it('paints without waiting for the core, which it fetches at once, in parallel; the in-call code comes with dialling', async () => {
    // The first paint is the entry's static import graph: the core is not in it.
    const { files, firstPaint } = await moduleGraph(`${location.origin}/dist/sip-phone.js`);
    const textOf = (urls: Iterable<string>) => [...urls].map((url) => files.get(url)!.text).join('\n');
    // JsSIP's debug namespaces: in its chunk, not in what the page fetches first.
    expect(textOf(files.keys()), 'JsSIP in the build').to.include('JsSIP:');
    expect(textOf(firstPaint), 'JsSIP in the first paint').not.to.include('JsSIP:');
    const names = [...firstPaint].map((url) => url.split('/').pop()!);
    expect(names.filter((name) => /^phone-/.test(name)), 'the core in the first paint').to.deep.equal([]);
    expect(names.filter((name) => /^sip-phone-body-/.test(name)), 'the phone body in the first paint').to.deep.equal([]);
    // Fetched with the core, or when used: the outcome catalogue (486's explanation), the history's
    // IndexedDB code; at once beside the core: what the phone does (its session's warning).
    for (const [what, marker] of [
      ['the outcome catalogue', 'is on another call'],
      ['the history database', 'indexedDB'],
      ['the phone body', 'the phone core did not load'],
      ['the kiosk session', 'the target is fixed once the phone has loaded'],
      ['the self-test panel', 'Sign-in (REGISTER)'],
    ]) {
      expect(textOf(files.keys()), `${what} in the build`).to.include(marker);
      expect(textOf(firstPaint), `${what} in the first paint`).not.to.include(marker);
    }

    const { frame, win, fetched } = await pageWith('<sip-phone></sip-phone>');
    try {
      const el = win.document.querySelector('sip-phone')!;
      await waitFor(() => el.shadowRoot?.querySelector('[part~="banner"]'), 'the banner painted');
      // Fetched with no configuration yet: a page that sets it later does not wait for the core.
      await waitFor(() => fetched(/^phone-/).length === 1, 'the core fetched at once');
      await waitFor(() => fetched(/^sip-phone-body-/).length === 1, 'the phone body fetched at once');
      expect(fetched(/^self-test-|^diagnostics-download-/), 'tools').to.deep.equal([]);
      expect(fetched(/^de-/), 'German on an English page').to.deep.equal([]);
      expect(fetched(/^history-/), 'the history database').to.deep.equal([]);
      // Not registered (no configuration): the in-call code waits for dialling.
      expect(fetched(/^in-call-/), 'the in-call code, before dialling').to.deep.equal([]);
      const field = el.shadowRoot!.querySelector('input')!;
      field.value = '1';
      field.dispatchEvent(new win.InputEvent('input', { bubbles: true, composed: true }));
      await waitFor(() => fetched(/^in-call-/).length === 1, 'the in-call code fetched on dialling');
    } finally {
      frame.remove();
    }
  });

  it('says a refused configuration once the core, which checks it, is there', async () => {
    const { frame, win } = await pageWith(
      '<sip-phone server="http://sip.example.com" uri="sip:alice@example.com"></sip-phone>',
    );
    try {
      const el = win.document.querySelector('sip-phone') as HTMLElement & { registrationState: string };
      const line = () => el.shadowRoot?.querySelector('[part~="registration"]')?.textContent ?? '';
      await waitFor(() => line().includes('Settings problem'), 'the settings problem said');
      expect(line()).to.match(/ws/i);
      expect(el.registrationState).to.equal('failed');
    } finally {
      frame.remove();
    }
  });

  it('fetches the history database code for <sip-call-history>, which lists calls with their outcomes', async () => {
    const { frame, win, fetched } = await pageWith('<sip-call-history></sip-call-history>');
    try {
      const list = win.document.querySelector('sip-call-history')!;
      await waitFor(() => list.shadowRoot?.querySelector('[part~="empty"]'), 'the empty list');
      expect(fetched(/^history-/), 'the history database').to.have.length(1);
      expect(fetched(/^outcomes-/), 'the outcome titles').to.have.length(1);
      // Its body, and no other element's: those are fetched when their element is in the page.
      expect(fetched(/^sip-call-history-body-/), 'the list\'s body').to.have.length(1);
      expect(
        fetched(/^sip-(?:device-settings|self-test|call-button)-body-/),
        'the bodies of elements not in the page',
      ).to.deep.equal([]);
    } finally {
      frame.remove();
    }
  });

  it('fetches the page\'s language only: German for a German page, in its first frame', async () => {
    const { files, firstPaint } = await moduleGraph(`${location.origin}/dist/sip-phone.js`);
    const textOf = (urls: Iterable<string>) => [...urls].map((url) => files.get(url)!.text).join('\n');
    const german486 = 'Die angerufene Person';
    expect(textOf(files.keys()), 'German in the build').to.include(german486);
    expect(textOf(firstPaint), 'German in the first paint').not.to.include(german486);

    const { frame, win, fetched } = await pageWith('<sip-phone></sip-phone>', 'de-AT');
    try {
      const el = win.document.querySelector('sip-phone')!;
      const line = () => el.shadowRoot?.querySelector('[part~="registration"]')?.textContent ?? '';
      await waitFor(() => line().trim(), 'the registration line painted');
      expect(line(), 'the first frame in German').to.include('Nicht eingerichtet');
      // The idle card's words came with the first paint; the rest of German follows, once.
      await waitFor(() => fetched(/^de-/).length > 0, 'the German chunk fetched');
      expect(fetched(/^de-/), 'the German chunk').to.have.length(1);
    } finally {
      frame.remove();
    }
  });

  it('registers; the in-call code follows the registration, the self-test and the diagnostics file come when used', async () => {
    const info = await sandbox();
    const { frame, win, fetched } = await pageWith(
      `<sip-phone server="${info.wsUrl}" uri="sip:bob@${info.domain}"></sip-phone>`,
    );
    try {
      const el = win.document.querySelector('sip-phone') as HTMLElement & {
        password: string;
        registrationState: string;
        saveDiagnostics(format: 'text'): Promise<string>;
      };
      el.password = await passwordOf('bob');
      await waitFor(() => el.registrationState === 'registered', 'registered');
      expect(fetched(/^phone-/), 'the core chunk').to.have.length(1);
      // Once registered, the in-call code follows: after the core, not with the first paint.
      await waitFor(() => fetched(/^in-call-/).length === 1, 'the in-call code fetched once registered');
      const started = (pattern: RegExp) =>
        (win.performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find(
          (entry) => pattern.test(entry.name.split('/').pop()!),
        )!;
      expect(started(/^in-call-/).startTime).to.be.greaterThan(started(/^phone-/).responseEnd);
      expect(fetched(/^self-test-/), 'the self-test').to.deep.equal([]);
      expect(fetched(/^diagnostics-download-/), 'the diagnostics file').to.deep.equal([]);
      const name = await el.saveDiagnostics('text');
      expect(name).to.match(/^sip-phone-diagnostics-.*\.txt$/);
      expect(fetched(/^diagnostics-download-/), 'fetched for the save').to.have.length(1);
      expect(fetched(/^self-test-/), 'the self-test, still').to.deep.equal([]);
    } finally {
      frame.remove();
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
    const entry = `${location.origin}/dist/kiosk/sip-call-button.js`;
    const { files, firstPaint } = await moduleGraph(entry);
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
      'the kiosk session (fetched on approach)': 'the target is fixed once the phone has loaded',
    };
    for (const [what, marker] of Object.entries(callTime)) {
      expect(everything, `${what} in the kiosk build`).to.include(marker);
      expect(painted, `${what} in the first paint`).not.to.include(marker);
    }
    expect(painted, 'the German label').to.include('Anrufen');
  });
});
