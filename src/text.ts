/** Text helpers for values that cross the SIP boundary in either direction. */

// C0 controls, DEL and C1 controls: never valid inside a SIP header value we build.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Bidirectional overrides/isolates and zero-width joiners can disguise a caller's name.
const BIDI_AND_INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_GLOBAL = /[\u0000-\u001f\u007f-\u009f]/g;

/** True when the value holds CR, LF or any other control character. */
export const hasControlCharacters = (value: string): boolean => CONTROL.test(value);

/**
 * Makes remote text (a display name, a reason phrase) inert for display: removes control, bidi and
 * zero-width characters, collapses whitespace and caps the length. Rendering must still be as text.
 */
export function sanitizeRemoteText(value: unknown, maxLength = 120): string {
  if (typeof value !== 'string') return '';
  const cleaned = value
    .replace(CONTROL_GLOBAL, ' ')
    .replace(BIDI_AND_INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim();
  return cleaned.length > maxLength ? `${cleaned.slice(0, maxLength - 1)}…` : cleaned;
}

// What a terminal or a viewer could obey: C0 controls but LF and TAB, DEL, C1 controls.
// eslint-disable-next-line no-control-regex
const SHOWN_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/**
 * Makes control characters visible instead of obeyed, for text a person reads in a terminal or a
 * ticket (remote text can carry ANSI escapes): CRLF becomes LF, other C0 controls their Control
 * Pictures symbol (ESC → ␛), DEL ␡, C1 controls U+FFFD. LF and TAB stay.
 */
export function showControlCharacters(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(SHOWN_CONTROL, (control) => {
    const code = control.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    return code === 0x7f ? '\u2421' : '\ufffd';
  });
}
