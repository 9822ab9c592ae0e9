// `<sip-phone dial-links>` (issue 17, part 4): tel: and sip: links in the page fill the number and
// put focus on Call, never dial; against the sandbox, in Chromium.
import { expect, oneEvent } from '@open-wc/testing';
import type { SipCallRequestEvent } from '../../components/index.js';
import {
  part,
  registeredPhone,
  waitForCall,
  type PhoneUnderTest,
} from '../helpers/phone-fixture.js';
import { sandbox, waitFor } from '../helpers/sandbox.js';

const added: Element[] = [];

/** A link in the page (or in `root`), as an embedder's page has them. */
function link(href: string, root: ParentNode & Node = document.body): HTMLAnchorElement {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = `Call ${href}`;
  root.appendChild(a);
  if (root === document.body) added.push(a);
  return a;
}

/**
 * Clicks `target` as a user would (`init` for modifiers and buttons) and says whether the click's
 * default was prevented. A click nobody took is stopped at the window, after the phone's listener,
 * so that the test page never follows a tel: or sip: link.
 */
function click(target: Element, init: MouseEventInit = {}): boolean {
  let prevented = false;
  const last = (event: Event) => {
    prevented = event.defaultPrevented;
    event.preventDefault();
  };
  window.addEventListener('click', last, { once: true });
  target.dispatchEvent(
    new MouseEvent('click', { bubbles: true, cancelable: true, composed: true, ...init }),
  );
  window.removeEventListener('click', last);
  return prevented;
}

/** The targets of the call requests the element fires from now on. */
function announced(phone: PhoneUnderTest): { requests: string[] } {
  const record = { requests: [] as string[] };
  phone.el.addEventListener('sip-call-request', (e) => record.requests.push(e.detail.target));
  return record;
}

async function dialLinksPhone(): Promise<PhoneUnderTest> {
  const phone = await registeredPhone('alice');
  phone.el.dialLinks = true;
  await phone.el.updateComplete;
  return phone;
}

/** The part that has focus in the element (a name: chai would print a whole element). */
const focused = (phone: PhoneUnderTest) =>
  phone.el.shadowRoot!.activeElement?.getAttribute('part') ?? null;

describe('<sip-phone dial-links>', () => {
  afterEach(() => {
    for (const el of added.splice(0)) el.remove();
  });

  it('a sip: link fills the number and puts focus on Call, without dialling; Call then asks the page and calls', async () => {
    const { domain } = await sandbox();
    const alice = await dialLinksPhone();
    const seen = announced(alice);
    const echo = link(`sip:echo@${domain}`);

    expect(click(echo), 'the link is the phone’s').to.equal(true);
    await alice.el.updateComplete;
    expect(alice.el.number).to.equal(`sip:echo@${domain}`);
    expect((part(alice.el, 'number') as HTMLInputElement).value).to.equal(`sip:echo@${domain}`);
    await waitFor(() => focused(alice) === 'call-button', 'focus on Call');
    expect(alice.el.callState).to.equal('idle');
    expect(alice.el.lines).to.have.length(0);
    expect(seen.requests, 'no call asked for by a link').to.deep.equal([]);
    expect(alice.calls, 'no call').to.deep.equal([]);
    await expect(alice.el).to.be.accessible();

    // The person presses Call: the page is asked first, as for any call.
    setTimeout(() => part(alice.el, 'call-button').click());
    const request = (await oneEvent(alice.el, 'sip-call-request')) as SipCallRequestEvent;
    expect(request.detail.target).to.equal(`sip:echo@${domain}`);
    await waitForCall(alice, 'connected');
    alice.el.hangup();
    await waitForCall(alice, 'ended');
  });

  it('a tel: link fills the number without "tel:"; a call the page vetoes is not made', async () => {
    const alice = await dialLinksPhone();
    expect(click(link('tel:+1%20(555)%20010-0000'))).to.equal(true);
    await alice.el.updateComplete;
    expect(alice.el.number).to.equal('+1 (555) 010-0000');
    alice.el.addEventListener('sip-call-request', (e) => e.preventDefault(), { once: true });
    part(alice.el, 'call-button').click();
    await alice.el.updateComplete;
    expect(alice.el.callState).to.equal('idle');
    expect(alice.calls).to.deep.equal([]);
  });

  it('reads links inside other shadow roots (the composed path), and a link with markup inside', async () => {
    const alice = await dialLinksPhone();
    const host = document.createElement('div');
    added.push(host);
    document.body.append(host);
    const inner = link('sip:bob', host.attachShadow({ mode: 'open' }));
    const icon = document.createElement('span');
    icon.textContent = '☎';
    inner.prepend(icon);
    expect(click(icon)).to.equal(true);
    await alice.el.updateComplete;
    expect(alice.el.number).to.equal('sip:bob');
  });

  it('with two phones taking links, one takes the click', async () => {
    const alice = await dialLinksPhone();
    const bob = await registeredPhone('bob');
    bob.el.dialLinks = true;
    await bob.el.updateComplete;
    expect(click(link('sip:carol'))).to.equal(true);
    await Promise.all([alice.el.updateComplete, bob.el.updateComplete]);
    expect([alice.el.number, bob.el.number]).to.deep.equal(['sip:carol', '']);
  });

  it('only a plain click: modifier keys, other buttons and a click the page took are left alone', async () => {
    const alice = await dialLinksPhone();
    const bob = link('sip:bob');
    for (const init of [
      { ctrlKey: true },
      { metaKey: true },
      { shiftKey: true },
      { altKey: true },
      { button: 1 },
    ]) {
      expect(click(bob, init), JSON.stringify(init)).to.equal(false);
    }
    bob.addEventListener('click', (e) => e.preventDefault(), { once: true });
    expect(click(bob), 'the page took it').to.equal(true);
    await alice.el.updateComplete;
    expect(alice.el.number).to.equal('');
  });

  it('leaves malformed and hostile links, and other links, to the browser', async () => {
    const alice = await dialLinksPhone();
    for (const href of [
      'sip:bob@localhost;transport=tcp',
      'sip:bob@localhost?X-Evil=1',
      'tel:+1555%0D%0AVia:%20evil',
      'tel:call-me',
      'sip:%3Cimg%20src=x%20onerror=alert(1)%3E',
      'https://example.com/',
      '#top',
    ]) {
      expect(click(link(href)), href).to.equal(false);
    }
    await alice.el.updateComplete;
    expect(alice.el.number).to.equal('');
    expect(alice.el.shadowRoot!.querySelector('img')).to.equal(null);
  });

  it('is off by default; the document listener follows the attribute and the element', async () => {
    const alice = await registeredPhone('alice');
    const bob = link('sip:bob');
    expect(alice.el.dialLinks).to.equal(false);
    expect(click(bob), 'off by default').to.equal(false);

    alice.el.setAttribute('dial-links', '');
    await alice.el.updateComplete;
    expect(click(bob), 'on').to.equal(true);

    alice.el.dialLinks = false;
    await alice.el.updateComplete;
    expect(click(bob), 'off again').to.equal(false);

    alice.el.dialLinks = true;
    await alice.el.updateComplete;
    const parent = alice.el.parentNode!;
    alice.el.remove();
    expect(click(bob), 'disconnected').to.equal(false);
    parent.appendChild(alice.el);
    await waitFor(() => alice.el.registrationState === 'registered', 'registered again');
    expect(click(bob), 'connected again').to.equal(true);
  });
});
