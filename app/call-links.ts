/**
 * Call links in the dialer (issue 17, part 4): `?call=` (what a protocol handler opens, and any
 * link to the dialer) fills the phone's number — never dials — after the dial-string parser has
 * checked it; and "Open phone links here" asks the browser to open `web+sip:`, `sip:` and `tel:`
 * links in this dialer (`registerProtocolHandler`, a user action: browsers ask the person first).
 * Plain DOM; a refused link is said in words set as text, never put in the page as markup.
 */
import type { SipPhone } from '../components/index.js';
import { PROTOCOL_HANDLER_SCHEMES, callLinkHandlerUrl, parseCallLink } from '../src/call-link.js';

/** The account's domain, from the phone's SIP URI, once it has one. */
const domainOf = (uri: string): string | undefined =>
  /^sips?:[^@]+@([^;?:>]+)/i.exec(uri)?.[1]?.toLowerCase();

/** Focus on Call when it can take it (the phone is configured), else on the number field. */
async function focusCall(phone: SipPhone): Promise<void> {
  // Call is enabled once the phone's core is here and configured.
  await phone.phoneReady.catch(() => undefined);
  await phone.updateComplete;
  const root = phone.shadowRoot;
  const call = root?.querySelector<HTMLButtonElement>('[part~="call-button"]');
  (call && !call.disabled ? call : root?.querySelector<HTMLElement>('[part~="number"]'))?.focus();
}

/**
 * Reads `?call=` once (and takes it out of the address, so a reload does not fill it again): a
 * number or address that passes fills the phone's number and puts focus on Call; one that does not
 * is said in `status` and fills nothing. Checked against the phone's account when it has one.
 */
export function fillFromCallParameter(phone: SipPhone, status: HTMLElement): void {
  const url = new URL(window.location.href);
  const value = url.searchParams.get('call');
  if (value === null) return;
  url.searchParams.delete('call');
  window.history.replaceState(window.history.state, '', url.href);
  const link = parseCallLink(value, {
    bare: true,
    domain: domainOf(phone.uri),
    allowOtherDomains: phone.allowOtherDomains,
  });
  if (!link.ok) {
    status.textContent = `This call link cannot be dialled: ${link.message}`;
    return;
  }
  status.textContent = '';
  phone.number = link.number;
  void focusCall(phone);
}

/**
 * "Open phone links here": on the press, asks the browser to open each scheme's links in this
 * page's `?call=%s`, and says which it asked for (the browser then asks the person, or keeps the
 * choice in its site settings; it does not tell the page what they answered).
 */
export function offerProtocolHandlers(button: HTMLButtonElement, status: HTMLElement): void {
  if (typeof navigator.registerProtocolHandler !== 'function') {
    button.hidden = true;
    status.textContent =
      'This browser cannot open phone links in a web page; open them here by pasting the number.';
    return;
  }
  button.addEventListener('click', () => {
    const url = callLinkHandlerUrl(window.location.href);
    const asked: string[] = [];
    const refused: string[] = [];
    for (const scheme of PROTOCOL_HANDLER_SCHEMES) {
      try {
        navigator.registerProtocolHandler(scheme, url);
        asked.push(`${scheme}:`);
      } catch {
        refused.push(`${scheme}:`);
      }
    }
    const words: string[] = [];
    if (asked.length) {
      words.push(
        `Asked your browser to open ${asked.join(', ')} links here. Confirm if it asks; you can change this in its site settings.`,
      );
    }
    if (refused.length) words.push(`It does not let this page open ${refused.join(', ')} links.`);
    status.textContent = words.join(' ');
  });
}
