// Issue 16: <sip-phone> paints its idle card from the first-paint files alone; what the phone does
// (its body: controllers, methods, the card in every state) is a chunk fetched at once beside the
// core. A plain static server (test/helpers/static-server.mjs) serves a copy of the CDN files and
// holds the body's chunk back until the test releases it, so the card before the body is seen for
// certain, not by luck of timing; another one answers 404 for it, as a CDN that lost the file.
// The script is cross-origin (CORS), the page is this origin's, so the test reads the element.
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { passwordOf, sandbox, waitFor } from '../helpers/sandbox.js';

interface Started {
  id: string;
  origin: string;
  mounts: { prefix: string; files: string[]; missing: string[] }[];
}
interface Log {
  requests: { method: string; path: string; status: number }[];
}

const command = <T>(action: string, payload: object = {}) =>
  executeServerCommand<T, object>('static-server', { action, ...payload });

const PREFIX = '/cdn/sip-phone/';
const BODY = 'sip-phone-body-[^/]*\\.js$';

type PhoneElement = HTMLElement & {
  password: string;
  number: string;
  registrationState: string;
};

describe('<sip-phone> before its code arrives (dist/sip-phone.js)', () => {
  let server: Started | undefined;
  let frame: HTMLIFrameElement | undefined;

  afterEach(async () => {
    frame?.remove();
    frame = undefined;
    if (server) await command('stop', { id: server.id });
    server = undefined;
  });

  /** A page of this origin with one configured <sip-phone>, its script from the static server. */
  async function pageWith(options: { hold?: string; fail?: string }, lang = 'en') {
    server = await command<Started>('start', {
      mounts: [{ prefix: PREFIX, from: 'dist', files: ['sip-phone.js', 'chunks'] }],
      headers: { 'access-control-allow-origin': '*' },
      ...options,
    });
    expect(server.mounts[0]!.missing, 'the copy is whole').to.deep.equal([]);
    const info = await sandbox();
    frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><html lang="${lang}"><body>
      <sip-phone server="${info.wsUrl}" uri="sip:alice@${info.domain}"></sip-phone>
      <sip-call-banner></sip-call-banner>
      <script type="module" crossorigin src="${server.origin}${PREFIX}sip-phone.js"></script></body></html>`;
    document.body.append(frame);
    await new Promise((resolve) => frame!.addEventListener('load', resolve, { once: true }));
    const win = frame.contentWindow! as Window & typeof globalThis;
    await waitFor(() => win.customElements.get('sip-phone'), '<sip-phone> defined');
    const el = win.document.querySelector('sip-phone') as PhoneElement;
    el.password = await passwordOf('alice');
    const root = () => el.shadowRoot!;
    const line = () => root().querySelector('[part~="registration"]')!;
    await waitFor(() => el.shadowRoot?.querySelector('[part~="registration"]'), 'the card painted');
    const log = async () => (await command<Log>('log', { id: server!.id })).requests;
    return { win, el, root, line, log };
  }

  it('paints the idle card saying "Connecting…" while its code is on its way, fetched beside the core; what was typed stays when the code takes over', async () => {
    const { win, el, root, line, log } = await pageWith({ hold: BODY });
    // The idle card, from the first-paint files alone.
    await waitFor(() => line().textContent?.includes('Connecting…'), '"Connecting…" said');
    expect(line().textContent, 'no "Not configured" for a configured phone').not.to.include('Not configured');
    expect(line().getAttribute('data-state')).to.equal('unregistered');
    expect(line().getAttribute('role')).to.equal('status');
    expect(el.registrationState).to.equal('unregistered');
    const registrationLine = line();
    const banner = root().querySelector('[part~="banner"]')!;
    expect(banner.getAttribute('aria-live'), 'the banner is a live region from the first frame').to.equal('polite');
    expect(banner.getAttribute('data-state')).to.equal('idle');
    const call = root().querySelector<HTMLButtonElement>('[part~="call-button"]')!;
    expect(call.disabled, 'Call waits for the phone').to.equal(true);
    expect(root().querySelector('sip-dialpad'), 'the keypad').to.not.equal(null);

    // The body is asked for at once, beside the core: both requests are out, the body held.
    await waitFor(async () => (await log()).some((r) => /\/chunks\/phone-[^/]*\.js$/.test(r.path)), 'the core requested');
    const body = (await log()).filter((r) => new RegExp(BODY).test(r.path));
    expect(body.length, 'the body requested once, at once').to.equal(1);
    expect(body[0]!.status, 'and held back').to.equal(0);

    // Typing fills the number before the phone can call.
    const field = root().querySelector('input')!;
    field.focus();
    field.value = '12';
    field.dispatchEvent(new win.InputEvent('input', { bubbles: true, composed: true }));
    expect(el.number).to.equal('12');

    await command('release', { id: server!.id });
    await waitFor(() => el.registrationState === 'registered', 'registered once the code is here');
    await waitFor(() => line().textContent?.includes('Registered'), 'the line says so');
    // The same card, taken over in place: the same live regions, the same field, its text and
    // its focus kept.
    expect(root().querySelector('[part~="banner"]'), 'the same banner').to.equal(banner);
    expect(line(), 'the same registration line').to.equal(registrationLine);
    expect(root().querySelector('input'), 'the same field').to.equal(field);
    expect(field.value).to.equal('12');
    expect(el.number).to.equal('12');
    expect(root().activeElement, 'focus kept').to.equal(field);
    await waitFor(() => !root().querySelector<HTMLButtonElement>('[part~="call-button"]')!.disabled, 'Call enabled');
  });

  it('paints the idle card in the page\'s language before its code (and that language\'s chunk) is here', async () => {
    const { el, root, line, log } = await pageWith({ hold: `${BODY}|/chunks/de-[^/]*\\.js$` }, 'de-AT');
    await waitFor(() => line().textContent?.includes('Verbindung wird hergestellt…'), 'German "Connecting…"');
    const text = (selector: string) => root().querySelector(selector)!.textContent!.trim();
    expect(text('[part~="call-button"]')).to.equal('Anrufen');
    expect(text('label[for="number"]')).to.equal('Nummer oder SIP-Adresse');
    expect(text('[part~="banner-title"]')).to.equal('Bereit');
    // Neither the body nor the German catalogue has arrived: the words came with the first paint.
    const held = (await log()).filter((r) => /sip-phone-body-|\/de-/.test(r.path));
    expect(held.every((r) => r.status === 0), 'body and German held').to.equal(true);
    await command('release', { id: server!.id });
    await waitFor(() => el.registrationState === 'registered', 'registered once the code is here');
    await waitFor(() => line().textContent?.includes('Angemeldet als'), 'the body speaks German too');
  });

  it('<sip-call-banner> says a failed call in the core\'s words before its own arrive, never blank', async () => {
    const { win, log } = await pageWith({ hold: BODY });
    const banner = win.document.querySelector('sip-call-banner') as HTMLElement & {
      snapshot: unknown;
    };
    await waitFor(() => banner.shadowRoot?.querySelector('[part~="banner"]'), 'the banner painted');
    // The words of calls come with <sip-phone>'s body, held back: the core's outcome is said.
    const outcome = { status: 486, title: 'Busy, as the core put it', explanation: 'The person you called is on another call.', severity: 'error' };
    banner.snapshot = { id: 'c1', direction: 'outgoing', state: 'failed', status: 486, outcome, remote: { uri: 'sip:bob@localhost', user: 'bob', displayName: '' }, muted: false };
    const part = () => banner.shadowRoot!.querySelector<HTMLElement>('[part~="banner"]')!;
    await waitFor(() => part().dataset.state === 'failed', 'the failure shown');
    expect((await log()).filter((r) => new RegExp(BODY).test(r.path)).every((r) => r.status === 0), 'its words held back').to.equal(true);
    expect(part().getAttribute('role')).to.equal('alert');
    expect(part().dataset.status).to.equal('486');
    expect(part().querySelector('[part~="banner-title"]')!.textContent!.trim()).to.equal('Busy, as the core put it');
    expect(part().querySelector('[part~="banner-text"]')!.textContent!.trim()).to.equal(outcome.explanation);
    await command('release', { id: server!.id });
    // Then in its own words, from the catalogue.
    await waitFor(
      () => part().querySelector('[part~="banner-title"]')!.textContent!.trim() === 'Busy',
      "the catalogue's words",
    );
    expect(part().querySelector('[part~="banner-action"]')!.textContent!.trim()).to.equal('Try again later.');
  });

  it('says so, as a failed registration, when its code cannot be fetched', async () => {
    const { el, line, log } = await pageWith({ fail: BODY });
    await waitFor(() => el.registrationState === 'failed', 'failed');
    expect(line().getAttribute('role')).to.equal('alert');
    expect(line().getAttribute('data-state')).to.equal('failed');
    expect(line().textContent).to.include("The phone's code could not be loaded");
    expect((await log()).some((r) => new RegExp(BODY).test(r.path) && r.status === 404)).to.equal(true);
    let refused: unknown;
    try {
      (el as PhoneElement & { call(target: string): void }).call('echo');
    } catch (error) {
      refused = error;
    }
    expect((refused as Error | undefined)?.message).to.include('could not be loaded');
  });
});
