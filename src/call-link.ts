/**
 * Call links (issue 17, part 4): what a `tel:`, `sip:` or `web+sip:` link, or the dialer's
 * `?call=` parameter, asks to dial, checked by the dial-string parser and turned into the text for
 * the number field. Nothing here dials: the caller fills the field and the person presses Call.
 *
 * A link's address is percent-encoded (a protocol handler's `%s` encodes the whole link once more;
 * `URLSearchParams` takes that layer off): it is decoded once here, and what comes out must pass
 * {@link parseDialString} as if typed — no URI parameters, no headers, no escapes, no control
 * characters. Anything else is refused with a code and a sentence to show, never passed on.
 */
import { isSipPhoneError } from './errors.js';
import { parseDialString, type DialOptions, type DialTarget } from './dial-string.js';

/** The schemes a call link may have; `web+sip:` is `sip:` for pages that may not claim `sip:`. */
export const CALL_LINK_SCHEMES = ['tel', 'sip', 'sips', 'web+sip'] as const;

/** The schemes the dialer asks the browser to open in it (`registerProtocolHandler`, manifest). */
export const PROTOCOL_HANDLER_SCHEMES = ['web+sip', 'sip', 'tel'] as const;

/** Longer than any number or SIP address a person dials, even percent-encoded. */
const MAX_LINK_LENGTH = 1024;

export type CallLink =
  | {
      ok: true;
      /**
       * For the number field: the address as the link gave it, decoded; a `tel:` number without
       * `tel:`, `web+sip:` as `sip:`.
       */
      number: string;
      /** What the phone will call when Call is pressed (checked against `options`). */
      target: DialTarget;
    }
  | { ok: false; code: string; message: string };

export interface CallLinkOptions extends Partial<DialOptions> {
  /** Accept a dial string without a scheme (`?call=+15550100`); links always have one. */
  bare?: boolean;
}

const refuse = (code: string, message: string): CallLink => ({ ok: false, code, message });

/**
 * Reads a call link: `tel:+1-555-0100`, `sip:bob@example.com`, `web+sip:bob@example.com`,
 * percent-encoded or not, or (with `bare`) a plain number or name. With `options.domain` (the
 * account's), the target is checked as `call()` will check it (other domains refused unless
 * `allowOtherDomains`); without one, its form only.
 */
export function parseCallLink(raw: unknown, options: CallLinkOptions = {}): CallLink {
  if (typeof raw !== 'string' || !raw.trim()) return refuse('empty', 'The link has no number.');
  if (raw.length > MAX_LINK_LENGTH) return refuse('too-long', 'The link is too long.');
  const scheme = /^\s*([A-Za-z][A-Za-z0-9+.-]*):/.exec(raw)?.[1]?.toLowerCase();
  if (scheme === undefined && !options.bare) {
    return refuse('not-a-call-link', 'Only tel:, sip: and web+sip: links can be dialled.');
  }
  if (scheme !== undefined && !(CALL_LINK_SCHEMES as readonly string[]).includes(scheme)) {
    return refuse('unsupported-scheme', `"${scheme}:" links cannot be dialled.`);
  }
  let text: string;
  try {
    text = decodeURIComponent(raw).trim();
  } catch {
    return refuse('malformed', 'The link is not correctly encoded.');
  }
  if (scheme === 'web+sip') text = `sip:${text.slice('web+sip:'.length)}`;
  const domain = options.domain || undefined;
  const dial: DialOptions = {
    // Without the account's domain, only the form is checked; call() checks the rest.
    domain: domain ?? 'call-link.invalid',
    allowOtherDomains: domain === undefined || Boolean(options.allowOtherDomains),
  };
  try {
    // The link as a link (a tel: number must be a number), then what the field will hold, which
    // is what Call dials: a telephone number without its `tel:`.
    parseDialString(text, dial);
    const number = scheme === 'tel' ? text.slice('tel:'.length).trim() : text;
    return { ok: true, number, target: parseDialString(number, dial) };
  } catch (error) {
    if (isSipPhoneError(error)) return refuse(error.code, error.message);
    throw error;
  }
}

/** The address a protocol handler opens: the dialer's page (`base`) with `?call=%s`. */
export function callLinkHandlerUrl(base: string): string {
  const url = new URL(base);
  url.hash = '';
  url.search = '';
  return `${url.href}?call=%s`;
}

/** A click the phone may take as a call link: the main button, no modifier key, not taken. */
export function isPlainClick(event: {
  button: number;
  defaultPrevented: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}): boolean {
  return (
    event.button === 0 &&
    !event.defaultPrevented &&
    !event.ctrlKey &&
    !event.metaKey &&
    !event.shiftKey &&
    !event.altKey
  );
}
