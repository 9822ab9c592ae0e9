// The built pages (dist/app/: the dialer, the embedding and kiosk examples) as they ship: served by
// the fault peer (app-server.mjs) on its own origin, under the Content-Security-Policy in their meta
// tag, each opened as a window of its own, with a probe (app/probe.js) that does what a user or the
// embedding page does and reports. `npm test` builds dist/ before the browser tests.
import { expect } from '@open-wc/testing';
import { waitFor } from '../helpers/sandbox.js';
import { closeScenarios, passwordOf, sandbox, scenario, type Scenario } from './fault-helpers.js';

/** The policy issue 13 asks for; `frame-ancestors` belongs to headers, never to the meta. */
const SHIPPED_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self' wss:",
  "img-src 'self' data:",
  "media-src 'self' blob:",
  "require-trusted-types-for 'script'",
  // Lit's policy, and the dialer's for its service worker's URL (app/service-worker.ts).
  'trusted-types lit-html sip-phone-sw',
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

interface Target {
  selector: string;
  part?: string;
}
interface ElementState {
  text: string;
  visible: boolean;
  checked?: boolean;
  disabled?: boolean;
  value?: string;
  open?: boolean;
}
interface PageState {
  violations: string[];
  errors: string[];
  calls: { preventSilentAccess: number };
  policy: string;
  storage: Record<string, string>;
  registration?: string;
  call?: string;
  elements: Record<string, ElementState | null>;
}

/** The probe's next message from `win` that `accept` takes. */
function fromProbe<T>(win: Window, accept: (data: T) => boolean): Promise<T> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.source !== win || event.data?.source !== 'app-probe' || !accept(event.data)) return;
      window.removeEventListener('message', onMessage);
      resolve(event.data as T);
    };
    window.addEventListener('message', onMessage);
  });
}

/** A built page in a window of its own, and the probe in it. */
class BuiltPage {
  #next = 1;
  constructor(
    readonly win: Window,
    readonly url: string,
  ) {}

  get origin(): string {
    return new URL(this.url).origin;
  }

  async send<T>(command: string, payload: object = {}): Promise<T> {
    const id = this.#next++;
    const reply = fromProbe<{ id: number; result?: T; error?: string }>(
      this.win,
      (data) => data.id === id,
    );
    this.win.postMessage({ source: 'app-test', id, command, payload }, this.origin);
    const { result, error } = await reply;
    if (error) throw new Error(error);
    return result as T;
  }

  /** Loads the page again (a later visit), with other query flags. */
  async reload(flags = ''): Promise<void> {
    const ready = fromProbe(this.win, (data: { ready?: boolean }) => Boolean(data.ready));
    this.win.location.href = this.url.replace(/\?.*$/, flags ? `?${flags}` : '');
    await ready;
  }

  state(...selectors: Target[]): Promise<PageState> {
    return this.send('state', { selectors });
  }
  fill(...fields: Array<Target & { value: string }>): Promise<void> {
    return this.send('fill', { fields });
  }
  click(selector: string, part?: string): Promise<void> {
    return this.send('click', { selector, part });
  }
  set(selector: string, props: object): Promise<void> {
    return this.send('set', { selector, props });
  }
  /** Checks Trusted Types and connect-src are enforced (each check adds one violation). */
  enforcement(): Promise<{ trustedTypes: boolean; reported: boolean }> {
    return this.send('enforcement');
  }
}

const opened: Window[] = [];

async function open(peer: Scenario, page: string, flags = 'fresh'): Promise<BuiltPage> {
  const url = `${peer.origin}/app/${page}${flags ? `?${flags}` : ''}`;
  const win = window.open(url, '_blank');
  if (!win) throw new Error('the test page may not open windows');
  opened.push(win);
  // Listening after open() is in time: the page loads in tasks that come later.
  await fromProbe(win, (data: { ready?: boolean }) => Boolean(data.ready));
  return new BuiltPage(win, url);
}

const requests = async (peer: Scenario): Promise<Record<string, number>> =>
  (await fetch(`${peer.origin}/app-requests`)).json();

/** The shipped policy is the page's, the page broke none of it, and it is really enforced. */
async function expectCleanUnderPolicy(page: BuiltPage): Promise<void> {
  const state = await page.state();
  expect(state.policy, 'the meta policy (npm run build)').to.equal(SHIPPED_POLICY);
  expect(state.violations, 'CSP / Trusted Types violations').to.deep.equal([]);
  expect(state.errors, 'uncaught errors').to.deep.equal([]);
  const checks = await page.enforcement();
  expect(checks.trustedTypes, 'a string into innerHTML throws').to.equal(true);
  expect(checks.reported, 'the innerHTML and the ws:// to another port reported').to.equal(true);
}

/** Fills the dialer's Account form as a user does, once the dialer has opened it (nothing stored). */
async function signIn(page: BuiltPage, peer: Scenario, user: string): Promise<void> {
  const info = await sandbox();
  const details = { selector: '#settings-details' };
  await waitFor(
    async () => (await page.state(details)).elements['#settings-details']?.open,
    'the Account form open',
  );
  await page.fill(
    { selector: '#server', value: peer.wsUrl },
    { selector: '#uri', value: `sip:${user}@${info.domain}` },
    { selector: '#password', value: await passwordOf(user) },
  );
}

const settled = (
  page: BuiltPage,
  what: string,
  check: (s: PageState) => boolean,
  timeout?: number,
) => waitFor(async () => check(await page.state()), what, timeout);

const submit = (page: BuiltPage) => page.click('#settings button[type="submit"]');
const status = async (page: BuiltPage) =>
  (await page.state({ selector: '#settings-status' })).elements['#settings-status']!.text;
const storedText = (state: PageState) => JSON.stringify(state.storage);

describe('faults: the built pages (dist/app) under their own CSP', () => {
  afterEach(async () => {
    for (const win of opened.splice(0)) win.close();
    await closeScenarios();
  });

  it('index.html: signed in through the Account form, registers and calls echo with 0 violations', async function () {
    this.timeout(60_000);
    const peer = await scenario();
    const page = await open(peer, 'index.html');
    await signIn(page, peer, 'alice');
    await submit(page);
    await settled(page, 'registered', (s) => s.registration === 'registered');
    await page.fill({ selector: 'sip-phone', part: 'number', value: 'echo' });
    await page.click('sip-phone', 'call-button');
    await settled(page, 'connected', (s) => s.call === 'connected', 20_000);
    await page.click('sip-phone', 'hangup-button');
    await settled(page, 'ended', (s) => s.call === 'ended' || s.call === 'idle');
    expect(await peer.count({ from: 'phone', method: 'INVITE', request: true })).to.equal(2);
    expect(await peer.count({ from: 'phone', method: 'BYE' })).to.equal(1);
    await expectCleanUnderPolicy(page);
  });

  it('embed.html: the element set up by the page, registers and calls echo with 0 violations', async function () {
    this.timeout(60_000);
    const peer = await scenario();
    const page = await open(peer, 'embed.html');
    await page.set('sip-phone', {
      server: peer.wsUrl,
      uri: `sip:bob@${(await sandbox()).domain}`,
      password: await passwordOf('bob'),
    });
    await settled(page, 'registered', (s) => s.registration === 'registered');
    await page.click('sip-phone', 'call-button');
    await settled(page, 'connected', (s) => s.call === 'connected', 20_000);
    await page.click('sip-phone', 'hangup-button');
    await settled(page, 'ended', (s) => s.call === 'ended' || s.call === 'idle');
    expect(await peer.count({ from: 'phone', method: 'BYE' })).to.equal(1);
    await expectCleanUnderPolicy(page);
  });

  it('kiosk.html: the button (and the phone core it loads on the press) calls echo with 0 violations', async function () {
    this.timeout(60_000);
    const peer = await scenario();
    const page = await open(peer, 'kiosk.html');
    await page.set('sip-call-button', {
      server: peer.wsUrl,
      uri: `sip:carol@${(await sandbox()).domain}`,
      password: await passwordOf('carol'),
    });
    await page.click('sip-call-button', 'button');
    await settled(page, 'connected', (s) => s.call === 'connected', 20_000);
    await page.click('sip-call-button', 'hangup-button');
    await settled(page, 'ended', (s) => s.call === 'ended' || s.call === 'idle');
    expect(await peer.count({ from: 'phone', method: 'BYE' })).to.equal(1);
    await expectCleanUnderPolicy(page);
  });

  it('the built dialer never asks for a sandbox-config.json planted beside it, nor uses it', async () => {
    const peer = await scenario();
    const before = (await requests(peer))['sandbox-config.json'] ?? 0;
    const page = await open(peer, 'index.html');
    const details = { selector: '#settings-details' };
    const numbers = { selector: '#numbers-section' };
    // Settled: the dialer either took a sandbox account (test numbers shown) or, with nothing
    // stored, opened its Account form for the user to fill.
    const state = await waitFor(async () => {
      const s = await page.state(details, numbers, { selector: '#server' });
      return s.elements['#settings-details']?.open || s.elements['#numbers-section']?.visible
        ? s
        : undefined;
    }, 'the dialer settled');
    expect(state.elements['#numbers-section']!.visible, 'the planted test numbers').to.equal(false);
    expect(state.elements['#settings-details']!.open, 'the Account form').to.equal(true);
    expect(state.elements['#server']!.value, 'the planted server').to.equal('');
    expect(state.registration).to.equal('unregistered');
    expect((await requests(peer))['sandbox-config.json'] ?? 0, 'requests for it').to.equal(before);
    expect(state.violations).to.deep.equal([]);
  });

  it('without a password manager, the password reaches localStorage only when the user ticks the second box', async function () {
    this.timeout(30_000);
    const peer = await scenario();
    const page = await open(peer, 'index.html', 'fresh&no-password-credential');
    const password = await passwordOf('alice');
    const remember = { selector: '#remember' };
    const local = { selector: '#rememberLocal' };
    const label = { selector: '#remember-label' };
    const boxes = async () => (await page.state(remember, local, label)).elements;
    await waitFor(
      async () => (await boxes())['#remember-label']?.text === 'Remember the password',
      'the page script ran',
    );
    expect((await boxes())['#rememberLocal'], 'the second box is offered').to.include({
      visible: true,
      disabled: true,
    });

    // "Remember" alone: kept for this visit, nowhere in storage.
    await signIn(page, peer, 'alice');
    await page.click('#remember');
    expect((await boxes())['#rememberLocal']!.disabled).to.equal(false);
    await submit(page);
    await waitFor(async () => /^Saved/.test(await status(page)), 'saved');
    await settled(page, 'registered', (s) => s.registration === 'registered');
    let state = await page.state();
    expect(storedText(state), 'the settings are saved').to.contain(peer.wsUrl);
    expect(storedText(state), 'the password is not').not.to.contain(password);
    expect(await status(page)).to.match(
      /no password manager, so the password is kept for this visit only/,
    );

    // The user confirms: now, and only now, it is stored, and the next visit signs in with it.
    await page.click('#rememberLocal');
    await submit(page);
    await waitFor(async () => /stored unencrypted/.test(await status(page)), 'saved');
    expect(storedText(await page.state()), 'the password stored').to.contain(password);
    await page.reload('no-password-credential');
    await settled(
      page,
      'registered with the stored password',
      (s) => s.registration === 'registered',
    );
    expect((await boxes())['#remember']!.checked, 'shown as remembered').to.equal(true);
    expect((await boxes())['#rememberLocal']).to.include({ checked: true, disabled: false });

    // Unticking "remember" removes it again.
    await page.click('#remember');
    expect((await boxes())['#rememberLocal']).to.include({ checked: false, disabled: true });
    await submit(page);
    await waitFor(async () => /memory only/.test(await status(page)), 'saved');
    state = await page.state();
    expect(storedText(state), 'the password forgotten').not.to.contain(password);
    expect(state.violations).to.deep.equal([]);
  });

  it('unticking "remember" makes the browser stop handing the password over silently (preventSilentAccess)', async function () {
    this.timeout(30_000);
    const peer = await scenario();
    const page = await open(peer, 'index.html');
    const label = { selector: '#remember-label' };
    const localField = { selector: '#remember-local-field' };
    await waitFor(
      async () =>
        /password manager/.test((await page.state(label)).elements['#remember-label']?.text ?? ''),
      'the page script ran',
    );
    expect(
      (await page.state(localField)).elements['#remember-local-field']!.visible,
      'no localStorage box',
    ).to.equal(false);

    await signIn(page, peer, 'alice');
    await page.click('#remember');
    await submit(page);
    await waitFor(async () => /password manager/.test(await status(page)), 'saved');
    await settled(page, 'registered', (s) => s.registration === 'registered');
    expect((await page.state()).calls.preventSilentAccess, 'while remembered').to.equal(0);

    await page.click('#remember');
    await submit(page);
    await waitFor(async () => /memory only/.test(await status(page)), 'saved');
    const state = await page.state();
    expect(state.calls.preventSilentAccess).to.equal(1);
    expect(storedText(state)).not.to.contain(await passwordOf('alice'));
  });
});
