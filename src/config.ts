/**
 * Phone configuration: the options an embedder passes, their defaults, and the validation that turns
 * unsafe or malformed values into a {@link ConfigError} before anything reaches JsSIP or the wire.
 */
import { ConfigError, isConfigError } from './errors.js';
import { parseDialString, type DialTarget } from './dial-string.js';
import { hasControlCharacters } from './text.js';
import { DTMF_LIMITS } from './dtmf.js';
import { browserInstanceId, isUuid } from './instance-id.js';
import { TRANSFER_POLICIES, type TransferPolicy } from './transfer-policy.js';
import type { CredentialsProvider } from './credentials.js';
import {
  resolveReliabilityConfig,
  type ReliabilityConfig,
  type ResolvedReliabilityConfig,
} from './reliability-config.js';

/** Audio codecs the phone offers (telephone-event/8000 is always added for RFC 4733 DTMF). */
export type AudioCodec = 'PCMU' | 'PCMA';

export type DtmfMode = 'auto' | 'rfc4733' | 'info';

/** One server of a list, with JsSIP's socket weight: higher weights are tried first. */
export interface ServerEntry {
  url: string;
  weight?: number;
}

export interface PhoneConfig extends ReliabilityConfig {
  /**
   * SIP over WebSocket server: `wss://…`; plain `ws://` only for localhost, 127.0.0.1 and ::1.
   * Several servers: a list (or one string, space-separated), tried in order (by weight, highest
   * first, when entries have one); a lost connection moves to the next.
   */
  server: string | readonly (string | ServerEntry)[];
  /** The account's SIP URI, e.g. `sip:alice@example.com`. */
  uri: string;
  /** Digest user name when it differs from the URI's user. */
  authUser?: string;
  password?: string;
  /**
   * Short-lived credentials instead of `password`: called before each (re-)registration, before
   * the credentials expire, and once more after the server refuses them. Resolve with
   * `{ password }` (digest) or `{ token }` (sent as `Authorization: Bearer …`, JsSIP's
   * `authorization_jwt`), each with an optional `expiresAt` (ms since the epoch).
   */
  credentials?: CredentialsProvider;
  /** Shown to the people you call. */
  displayName?: string;
  /** Extra headers for REGISTER and INVITE, each `Name: value`. */
  extraHeaders?: readonly string[];
  /** STUN/TURN servers. Default: none (host candidates only). */
  iceServers?: RTCIceServer[];
  /** Longest wait for ICE candidates before the INVITE (or 200) is sent anyway, in ms. */
  iceGatheringTimeout?: number;
  /** Offered codecs in order of preference. */
  codecs?: readonly AudioCodec[];
  /** RFC 4733 tone length in ms (40–6000). Default 80. */
  dtmfDuration?: number;
  /** Gap between RFC 4733 tones in ms (≥ 30). Default 40. */
  dtmfGap?: number;
  /**
   * How digits travel: `auto` (RFC 4733 when telephone-event was negotiated, else SIP INFO),
   * `rfc4733` or `info`. Default `auto`.
   */
  dtmfMode?: DtmfMode;
  /** Allow calls to domains other than the account's. Off by default. */
  allowOtherDomains?: boolean;
  /** Registration lifetime asked of the registrar, in seconds. */
  registerExpires?: number;
  /** Register on start (default true). A phone that only makes calls may skip it. */
  register?: boolean;
  /**
   * The RFC 5626 instance id (a UUID) sent as `+sip.instance` with `reg-id=1`. Default: one per
   * browser profile, kept in `localStorage`, so a reloaded page replaces its own registration.
   */
  instanceId?: string;
  /** Calls at once (a second one waits or is held), 1–4. Default 2. */
  maxLines?: number;
  /**
   * What to do when the far end asks to transfer the call (REFER): `ask` the user (default; the
   * request is declined when nobody answers within `transferAskTimeout`), `accept` at once, or
   * `refuse` (a kiosk: nobody can redirect its calls). Targets must pass the dial-string rules
   * and, when given, `transferAllowList`.
   */
  transfers?: TransferPolicy;
  /**
   * Transfer targets the far end may send the phone to: numbers or names in the account's domain
   * (`1000`), addresses (`1000@example.com`), or prefixes ending in `*` (`2*`). Empty: any target
   * the dial rules allow.
   */
  transferAllowList?: readonly string[];
  /** How long a transfer request waits for the user's answer before it is declined, in ms. */
  transferAskTimeout?: number;
  /**
   * @deprecated Use `transfers`. `false` is `transfers: 'refuse'`, `true` is `'accept'`; only read
   * when `transfers` is not set.
   */
  acceptTransfers?: boolean;
  /** User-Agent header value. */
  userAgent?: string;
}

/** A validated configuration with every default filled in. */
export interface ResolvedPhoneConfig extends ResolvedReliabilityConfig {
  /** The first server tried. */
  server: string;
  /** Every server, in the order they are tried. */
  servers: readonly string[];
  uri: string;
  account: DialTarget;
  authUser: string;
  password: string;
  credentials: CredentialsProvider | undefined;
  displayName: string;
  extraHeaders: string[];
  iceServers: RTCIceServer[];
  iceGatheringTimeout: number;
  codecs: AudioCodec[];
  dtmfDuration: number;
  dtmfGap: number;
  dtmfMode: DtmfMode;
  allowOtherDomains: boolean;
  registerExpires: number;
  register: boolean;
  instanceId: string;
  maxLines: number;
  transfers: TransferPolicy;
  transferAllowList: string[];
  transferAskTimeout: number;
  userAgent: string;
}

export const DEFAULTS = {
  iceGatheringTimeout: 500,
  codecs: ['PCMU', 'PCMA'] as AudioCodec[],
  // 80 ms tones, 40 ms gaps: well above the 40 ms every detector needs (ITU-T Q.24), and short
  // enough that Chromium's RTP spacing (tone + about 100 ms) sends ten digits in under 2 s.
  dtmfDuration: 80,
  dtmfGap: 40,
  registerExpires: 600,
  maxLines: 2,
  transferAskTimeout: 30_000,
  userAgent: 'sip-phone',
} as const;

// Kept with the DTMF rules (dtmf.ts), so that the elements' first paint checks digits without this
// module.
export { DTMF_LIMITS };

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
// Headers JsSIP builds itself; an embedder overriding them would break the dialog or routing.
const RESERVED_HEADERS = new Set([
  'via',
  'v',
  'from',
  'f',
  'to',
  't',
  'call-id',
  'i',
  'cseq',
  'contact',
  'm',
  'max-forwards',
  'content-length',
  'l',
  'content-type',
  'c',
  'route',
  'record-route',
  'authorization',
  'proxy-authorization',
  'expires',
  'allow',
  'supported',
  'k',
]);

const fail = (field: string, code: string, message: string): never => {
  throw new ConfigError(field, code, message);
};

function checkText(field: string, value: unknown, maxLength: number, label: string): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') return fail(field, 'type', `${label} must be text.`);
  if (hasControlCharacters(value)) {
    return fail(
      field,
      'control-characters',
      `${label} must not contain line breaks or control characters.`,
    );
  }
  if (value.length > maxLength)
    return fail(field, 'too-long', `${label} is longer than ${maxLength} characters.`);
  return value;
}

function checkNumber(
  field: string,
  value: unknown,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return fail(field, 'type', `${field} must be a number.`);
  }
  if (value < min || value > max)
    return fail(field, 'range', `${field} must be between ${min} and ${max}.`);
  return value;
}

function checkDtmfMode(value: unknown): DtmfMode {
  if (value === undefined || value === null || value === '') return 'auto';
  if (value === 'auto' || value === 'rfc4733' || value === 'info') return value;
  return fail('dtmfMode', 'invalid', 'DTMF mode must be auto, rfc4733 or info.');
}

function checkTransfers(value: unknown, legacy: unknown): TransferPolicy {
  if (value === undefined || value === null || value === '') {
    if (legacy === false) return 'refuse';
    return legacy === true ? 'accept' : 'ask';
  }
  if (TRANSFER_POLICIES.includes(value as TransferPolicy)) return value as TransferPolicy;
  return fail('transfers', 'invalid', 'transfers must be ask, accept or refuse.');
}

function checkTransferAllowList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    return fail('transferAllowList', 'type', 'The transfer allow-list must be a list.');
  }
  return value.map((entry) => {
    const text = checkText('transferAllowList', entry, 256, 'A transfer allow-list entry').trim();
    if (!/^(sips?:)?[A-Za-z0-9\-_.!~*'()+#]+(@[A-Za-z0-9.\-[\]:]+)?$/i.test(text)) {
      return fail(
        'transferAllowList',
        'invalid',
        `"${text}" is not a number, name or address for the transfer allow-list.`,
      );
    }
    return text;
  });
}

/** Checks ICE servers: `stun:`, `turn:` or `turns:` URLs; TURN needs a username and credential. */
export function validateIceServers(value: unknown): RTCIceServer[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return fail('iceServers', 'type', 'ICE servers must be a list.');
  return value.map((server: RTCIceServer, index) => {
    const urls = Array.isArray(server?.urls) ? server.urls : [server?.urls];
    for (const url of urls) {
      if (
        typeof url !== 'string' ||
        !/^(stun|turns?):[^\s]+$/i.test(url) ||
        hasControlCharacters(url)
      ) {
        return fail(
          'iceServers',
          'invalid',
          `ICE server ${index + 1}: "${String(url)}" is not a stun:, turn: or turns: URL.`,
        );
      }
      if (/^turns?:/i.test(url) && (!server.username || !server.credential)) {
        return fail(
          'iceServers',
          'credentials',
          `ICE server ${index + 1}: a TURN server needs a username and a password.`,
        );
      }
    }
    return server;
  });
}

/**
 * Reads ICE servers typed one per line: `stun:host[:port]`, or
 * `turn:host[:port][?transport=udp|tcp] username password`. Throws {@link ConfigError}.
 */
export function parseIceServers(text: string): RTCIceServer[] {
  const servers = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line): RTCIceServer => {
      const [urls, username, credential, ...rest] = line.split(/\s+/);
      if (rest.length)
        fail('iceServers', 'invalid', `"${line}": expected "URL [username password]".`);
      return {
        urls: urls!,
        ...(username ? { username } : {}),
        ...(credential ? { credential } : {}),
      };
    });
  return validateIceServers(servers);
}

/** Checks the WebSocket server URL: `wss://`, or `ws://` on the local machine only. */
export function validateServer(server: unknown): string {
  const text = checkText('server', server, 2048, 'The server address');
  if (!text) return fail('server', 'missing', 'Set the server address (wss://…).');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(
      'server',
      'invalid',
      `"${text}" is not a valid address; expected wss://host[:port][/path].`,
    );
  }
  if (url.username || url.password) {
    return fail(
      'server',
      'credentials-in-url',
      'Do not put a user name or password in the server address.',
    );
  }
  if (url.protocol === 'ws:') {
    if (!LOCAL_HOSTS.has(url.hostname)) {
      return fail(
        'server',
        'insecure',
        'Plain ws:// is only allowed for localhost; use wss:// (SIP over secure WebSocket).',
      );
    }
  } else if (url.protocol !== 'wss:') {
    return fail('server', 'scheme', `The server must be a wss:// address, not ${url.protocol}//.`);
  }
  return text;
}

/** Checks `instanceId`: a UUID; absent, this browser profile's own. */
function checkInstanceId(value: unknown): string {
  if (value === undefined || value === null || value === '') return browserInstanceId();
  const text = typeof value === 'string' ? value.replace(/^urn:uuid:/i, '') : value;
  if (!isUuid(text)) return fail('instanceId', 'invalid', 'instanceId must be a UUID.');
  return text.toLowerCase();
}

// A list longer than this is a mistake (or a page stuffing the attribute), not a deployment.
const MAX_SERVERS = 8;

/**
 * Checks a server list: one URL, several space-separated in one string, or a list of URLs and
 * `{ url, weight }` entries. Returns the URLs in the order they are tried: by weight (highest
 * first, like JsSIP's sockets), else as listed.
 */
export function validateServers(input: unknown): string[] {
  let entries: unknown[];
  if (typeof input === 'string') entries = input.trim().split(/\s+/).filter(Boolean);
  else if (Array.isArray(input)) entries = input;
  else return [validateServer(input)];
  if (entries.length === 0) return [validateServer('')];
  if (entries.length > MAX_SERVERS) {
    return fail('server', 'too-many', `List at most ${MAX_SERVERS} servers.`);
  }
  const weighted = entries.map((entry, index) => {
    const label = entries.length > 1 ? `Server ${index + 1}: ` : '';
    const url = typeof entry === 'object' && entry !== null ? (entry as ServerEntry).url : entry;
    const weight =
      typeof entry === 'object' && entry !== null ? ((entry as ServerEntry).weight ?? 0) : 0;
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      return fail('server', 'invalid', `${label}the weight must be a number.`);
    }
    try {
      return { url: validateServer(url), weight, index };
    } catch (error) {
      if (isConfigError(error) && label) {
        throw new ConfigError('server', error.code, `${label}${error.message}`);
      }
      throw error;
    }
  });
  const urls = weighted.sort((a, b) => b.weight - a.weight || a.index - b.index).map((e) => e.url);
  if (new Set(urls).size !== urls.length) {
    return fail('server', 'duplicate', 'A server is listed twice.');
  }
  return urls;
}

/** Checks one extra header line (`Name: value`). */
export function validateExtraHeader(header: unknown): string {
  const line = checkText('extraHeaders', header, 1024, 'An extra header');
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon).trim() : '';
  if (!name || !HEADER_NAME.test(name)) {
    return fail('extraHeaders', 'invalid', `"${line}" is not a header line ("Name: value").`);
  }
  if (RESERVED_HEADERS.has(name.toLowerCase())) {
    return fail(
      'extraHeaders',
      'reserved',
      `The ${name} header is managed by the phone and cannot be set.`,
    );
  }
  return `${name}: ${line.slice(colon + 1).trim()}`;
}

/** Validates a configuration and fills in defaults. Throws {@link ConfigError}. */
export function resolveConfig(input: PhoneConfig): ResolvedPhoneConfig {
  if (!input || typeof input !== 'object')
    return fail('config', 'missing', 'No configuration given.');
  const servers = validateServers(input.server);

  const uriText = checkText('uri', input.uri, 512, 'The SIP address');
  if (!uriText)
    return fail('uri', 'missing', 'Set the SIP address of the account (sip:user@domain).');
  if (!/^sips?:[^@]+@/i.test(uriText)) {
    return fail('uri', 'invalid', `"${uriText}" is not a SIP address; expected sip:user@domain.`);
  }
  let account: DialTarget;
  try {
    account = parseDialString(uriText, { domain: 'invalid', allowOtherDomains: true });
  } catch (error) {
    return fail('uri', 'invalid', `The SIP address is not valid: ${(error as Error).message}`);
  }

  const authUser = checkText('authUser', input.authUser, 128, 'The auth user');
  if (/[\s"\\]/.test(authUser)) {
    return fail(
      'authUser',
      'invalid',
      'The auth user must not contain spaces, quotes or backslashes.',
    );
  }
  if (
    input.password !== undefined &&
    input.password !== null &&
    typeof input.password !== 'string'
  ) {
    return fail('password', 'type', 'The password must be text.');
  }
  const password = input.password ?? '';
  if (password.length > 1024) return fail('password', 'too-long', 'The password is too long.');

  if (input.credentials !== undefined && typeof input.credentials !== 'function') {
    return fail('credentials', 'type', 'credentials must be a function that returns a promise.');
  }

  const displayName = checkText('displayName', input.displayName, 100, 'The display name');
  const extraHeaders = (input.extraHeaders ?? []).map(validateExtraHeader);

  const codecs = [...(input.codecs ?? DEFAULTS.codecs)];
  if (
    !codecs.length ||
    codecs.some((c) => c !== 'PCMU' && c !== 'PCMA') ||
    new Set(codecs).size !== codecs.length
  ) {
    return fail('codecs', 'invalid', 'codecs must list PCMU and/or PCMA, each once.');
  }

  return {
    ...resolveReliabilityConfig(input),
    server: servers[0]!,
    servers,
    uri: account.uri,
    account,
    authUser: authUser || account.user,
    password,
    credentials: input.credentials,
    displayName,
    extraHeaders,
    iceServers: validateIceServers(input.iceServers),
    iceGatheringTimeout: checkNumber(
      'iceGatheringTimeout',
      input.iceGatheringTimeout,
      DEFAULTS.iceGatheringTimeout,
      0,
      30000,
    ),
    codecs,
    dtmfDuration: checkNumber(
      'dtmfDuration',
      input.dtmfDuration,
      DEFAULTS.dtmfDuration,
      DTMF_LIMITS.minDuration,
      DTMF_LIMITS.maxDuration,
    ),
    dtmfGap: checkNumber(
      'dtmfGap',
      input.dtmfGap,
      DEFAULTS.dtmfGap,
      DTMF_LIMITS.minGap,
      DTMF_LIMITS.maxGap,
    ),
    dtmfMode: checkDtmfMode(input.dtmfMode),
    allowOtherDomains: input.allowOtherDomains === true,
    registerExpires: checkNumber(
      'registerExpires',
      input.registerExpires,
      DEFAULTS.registerExpires,
      60,
      86400,
    ),
    register: input.register !== false,
    instanceId: checkInstanceId(input.instanceId),
    maxLines: checkNumber('maxLines', input.maxLines, DEFAULTS.maxLines, 1, 4),
    transfers: checkTransfers(input.transfers, input.acceptTransfers),
    transferAllowList: checkTransferAllowList(input.transferAllowList),
    transferAskTimeout: checkNumber(
      'transferAskTimeout',
      input.transferAskTimeout,
      DEFAULTS.transferAskTimeout,
      1000,
      300_000,
    ),
    userAgent: checkText('userAgent', input.userAgent, 200, 'The user agent') || DEFAULTS.userAgent,
  };
}
