/**
 * The dialer's settings: validated field by field with the core's own rules, kept in localStorage
 * except the password. The password stays in memory unless the user ticks "remember"; then it goes
 * to the browser's password manager (Credential Management API) where there is one. Where there is
 * none it stays in memory, unless the user also confirms storing it in localStorage.
 */
// The modules themselves, not the core's entry (src/index.ts), which brings every language and
// the self-test with it: the dialer fetches those only when they are needed.
import { isConfigError } from '../src/errors.js';
import { parseIceServers, resolveConfig, type DtmfMode, type PhoneConfig } from '../src/config.js';
import { stripUrlSecrets } from '../src/log-redaction.js';
import { parseDialString } from '../src/dial-string.js';

/** What the dialer keeps between visits. No password here, by construction. */
export interface DialerSettings {
  server: string;
  uri: string;
  authUser: string;
  displayName: string;
  /** ICE servers, one per line (see `parseIceServers`). */
  iceServers: string;
  dtmfMode: DtmfMode;
  microphone: string;
  speaker: string;
  ringer: string;
  /** Busy lamps: addresses separated by spaces or commas (`<sip-phone watch>`). */
  watch: string;
  /** The voicemail number (`<sip-phone voicemail>`). */
  voicemail: string;
}

export type SettingsField = keyof DialerSettings | 'password';

export const EMPTY_SETTINGS: DialerSettings = {
  server: '',
  uri: '',
  authUser: '',
  displayName: '',
  iceServers: '',
  dtmfMode: 'auto',
  microphone: '',
  speaker: '',
  ringer: '',
  watch: '',
  voicemail: '',
};

/** Addresses one dialer watches at most (as `<sip-phone watch>`). */
const MAX_WATCHED = 100;

/** The busy-lamp addresses of the setting, in order, without repeats. */
export function watchList(value: string): string[] {
  return [...new Set(value.split(/[\s,]+/).filter((item) => item.length > 0))];
}

const SETTINGS_KEY = 'sip-phone.dialer.settings';
const PASSWORD_KEY = 'sip-phone.dialer.password';

export function loadSettings(storage: Storage = localStorage): DialerSettings {
  try {
    const saved = JSON.parse(storage.getItem(SETTINGS_KEY) ?? '{}') as Partial<DialerSettings>;
    const settings = { ...EMPTY_SETTINGS };
    for (const key of Object.keys(EMPTY_SETTINGS) as Array<keyof DialerSettings>) {
      if (typeof saved[key] === 'string') (settings as Record<string, string>)[key] = saved[key]!;
    }
    return settings;
  } catch {
    return { ...EMPTY_SETTINGS };
  }
}

export function saveSettings(settings: DialerSettings, storage: Storage = localStorage): void {
  const copy: Record<string, string> = {};
  for (const key of Object.keys(EMPTY_SETTINGS) as Array<keyof DialerSettings>)
    copy[key] = settings[key];
  // A token in the server address (its query) is a credential: like the password, not kept.
  copy.server = stripUrlSecrets(settings.server);
  storage.setItem(SETTINGS_KEY, JSON.stringify(copy));
}

/** True when the browser has a password manager the page can use. */
export const hasPasswordManager = (): boolean =>
  typeof window !== 'undefined' && 'PasswordCredential' in window && 'credentials' in navigator;

interface PasswordCredentialLike extends Credential {
  password?: string;
}
declare const PasswordCredential: {
  new (data: { id: string; password: string; name?: string }): PasswordCredentialLike;
};

/** Where a password was kept: `memory` means nowhere but this page. */
export type PasswordPlace = 'password-manager' | 'local-storage' | 'memory';

/**
 * Stores the password the way the checkboxes promised: in the password manager where there is one;
 * else in localStorage only with `allowLocalStorage` (the user's explicit, second tick), else nowhere.
 */
export async function rememberPassword(
  uri: string,
  password: string,
  { allowLocalStorage = false }: { allowLocalStorage?: boolean } = {},
  storage: Storage = localStorage,
): Promise<PasswordPlace> {
  if (hasPasswordManager()) {
    await navigator.credentials.store(new PasswordCredential({ id: uri, password }));
    storage.removeItem(PASSWORD_KEY);
    return 'password-manager';
  }
  if (!allowLocalStorage) {
    storage.removeItem(PASSWORD_KEY);
    return 'memory';
  }
  storage.setItem(PASSWORD_KEY, JSON.stringify({ uri, password }));
  return 'local-storage';
}

/** The remembered password for `uri` and where it was, if the user chose to remember one. */
export async function rememberedPassword(
  uri: string,
  storage: Storage = localStorage,
): Promise<{ password: string; place: Exclude<PasswordPlace, 'memory'> } | undefined> {
  try {
    const stored = JSON.parse(storage.getItem(PASSWORD_KEY) ?? 'null') as {
      uri: string;
      password: string;
    } | null;
    if (stored?.uri === uri) return { password: stored.password, place: 'local-storage' };
  } catch {
    // Ignore a damaged entry.
  }
  if (!hasPasswordManager()) return undefined;
  try {
    const credential = (await navigator.credentials.get({
      password: true,
      mediation: 'silent',
    } as CredentialRequestOptions)) as PasswordCredentialLike | null;
    return credential?.id === uri && credential.password
      ? { password: credential.password, place: 'password-manager' }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Forgets the password: removes a copy in localStorage, and tells the browser not to hand the
 * password manager's copy over silently again (the next visit asks instead of signing in).
 */
export async function forgetPassword(storage: Storage = localStorage): Promise<void> {
  storage.removeItem(PASSWORD_KEY);
  if (typeof navigator === 'undefined' || !navigator.credentials?.preventSilentAccess) return;
  try {
    await navigator.credentials.preventSilentAccess();
  } catch {
    // Not allowed here (a cross-origin frame): nothing was handed over silently either.
  }
}

/** Field-by-field validation; `errors` is empty when `config` can be used. */
export function validateSettings(
  settings: DialerSettings,
  password: string,
): { config?: PhoneConfig; errors: Partial<Record<SettingsField, string>> } {
  const errors: Partial<Record<SettingsField, string>> = {};
  // Check each field against a known-good base so every field gets its own message.
  const base: PhoneConfig = { server: 'wss://example.invalid', uri: 'sip:user@example.invalid' };
  const check = (field: SettingsField, patch: Partial<PhoneConfig>) => {
    try {
      resolveConfig({ ...base, ...patch });
    } catch (error) {
      if (!isConfigError(error)) throw error;
      errors[field] = error.message;
    }
  };
  if (!settings.server.trim()) errors.server = 'Enter the server address (wss://…).';
  else check('server', { server: settings.server.trim() });
  if (!settings.uri.trim()) errors.uri = 'Enter your SIP address (sip:user@domain).';
  else check('uri', { uri: settings.uri.trim() });
  if (settings.authUser) check('authUser', { authUser: settings.authUser.trim() });
  if (settings.displayName) check('displayName', { displayName: settings.displayName });
  check('password', { password });
  check('dtmfMode', { dtmfMode: settings.dtmfMode });
  // Busy lamps and voicemail: dial strings, checked as the phone will read them.
  const domain = /@([^;>?]+)/.exec(settings.uri)?.[1] ?? 'example.invalid';
  const dial = (field: 'watch' | 'voicemail', value: string) => {
    try {
      parseDialString(value, { domain, allowOtherDomains: true });
      return true;
    } catch (error) {
      errors[field] = `"${value.slice(0, 40)}": ${(error as Error).message}`;
      return false;
    }
  };
  const watched = watchList(settings.watch);
  if (watched.length > MAX_WATCHED) errors.watch = `At most ${MAX_WATCHED} addresses.`;
  else watched.every((address) => dial('watch', address));
  if (settings.voicemail.trim()) dial('voicemail', settings.voicemail.trim());
  let iceServers: RTCIceServer[] = [];
  try {
    iceServers = parseIceServers(settings.iceServers);
  } catch (error) {
    if (!isConfigError(error)) throw error;
    errors.iceServers = error.message;
  }
  if (Object.keys(errors).length) return { errors };
  return {
    errors,
    config: {
      server: settings.server.trim(),
      uri: settings.uri.trim(),
      ...(settings.authUser.trim() ? { authUser: settings.authUser.trim() } : {}),
      ...(settings.displayName ? { displayName: settings.displayName } : {}),
      password,
      iceServers,
      dtmfMode: settings.dtmfMode,
    },
  };
}
