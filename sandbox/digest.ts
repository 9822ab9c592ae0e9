// HTTP Digest authentication for SIP (RFC 3261 §22, RFC 2617; MD5, qop=auth or no qop).
//
// Nonces are stateless: `<timestamp>.<hmac>` signed with a per-process secret, so memory use does
// not grow with the number of challenges. A nonce is valid for NONCE_TTL_MS.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const NONCE_TTL_MS = 5 * 60 * 1000;

export function md5(s: string): string {
  return createHash('md5').update(s, 'latin1').digest('hex');
}

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  algorithm?: string;
  qop?: string;
  nc?: string;
  cnonce?: string;
  opaque?: string;
}

/** Parse `Digest k=v, k="v", ...`; undefined for another scheme or a malformed header. */
export function parseDigest(header: string): DigestCredentials | undefined {
  const m = /^\s*Digest\s+(.*)$/is.exec(header);
  if (!m) return undefined;
  const params = new Map<string, string>();
  const re = /\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  const s = m[1]!;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while (consumed < s.length && (match = re.exec(s)) !== null) {
    const value = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : (match[3] ?? '');
    params.set(match[1]!.toLowerCase(), value);
    consumed = re.lastIndex;
    if (match[0].length === 0) break;
  }
  if (s.slice(consumed).trim().length > 0) return undefined;
  const username = params.get('username');
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  const uri = params.get('uri');
  const response = params.get('response');
  if (
    username === undefined ||
    realm === undefined ||
    nonce === undefined ||
    uri === undefined ||
    response === undefined
  ) {
    return undefined;
  }
  const creds: DigestCredentials = { username, realm, nonce, uri, response };
  for (const key of ['algorithm', 'qop', 'nc', 'cnonce', 'opaque'] as const) {
    const v = params.get(key);
    if (v !== undefined) creds[key] = v;
  }
  return creds;
}

/** The expected `response` value for the given credentials, password and method. */
export function digestResponse(
  creds: Pick<DigestCredentials, 'username' | 'realm' | 'nonce' | 'uri' | 'qop' | 'nc' | 'cnonce'>,
  password: string,
  method: string,
): string {
  const ha1 = md5(`${creds.username}:${creds.realm}:${password}`);
  const ha2 = md5(`${method}:${creds.uri}`);
  if (creds.qop !== undefined && creds.qop.length > 0) {
    return md5(`${ha1}:${creds.nonce}:${creds.nc ?? ''}:${creds.cnonce ?? ''}:${creds.qop}:${ha2}`);
  }
  return md5(`${ha1}:${creds.nonce}:${ha2}`);
}

export type DigestVerdict = 'ok' | 'stale' | 'bad';

export class DigestAuthenticator {
  private readonly secret = randomBytes(32);

  constructor(
    readonly realm: string,
    private readonly now: () => number = Date.now,
  ) {}

  newNonce(): string {
    const ts = this.now().toString(36);
    const salt = randomBytes(6).toString('hex');
    return `${ts}.${salt}.${this.sign(`${ts}.${salt}`)}`;
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url').slice(0, 22);
  }

  /** 'fresh' | 'expired' | 'forged' */
  private nonceState(nonce: string): 'fresh' | 'expired' | 'forged' {
    const parts = nonce.split('.');
    if (parts.length !== 3) return 'forged';
    const [ts, salt, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${ts}.${salt}`));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'forged';
    const issued = parseInt(ts, 36);
    if (!Number.isFinite(issued)) return 'forged';
    const age = this.now() - issued;
    return age >= 0 && age <= NONCE_TTL_MS ? 'fresh' : 'expired';
  }

  /** Header value for WWW-Authenticate / Proxy-Authenticate. */
  challenge(stale = false): string {
    const staleParam = stale ? ', stale=true' : '';
    return `Digest realm="${this.realm}", nonce="${this.newNonce()}", qop="auth", algorithm=MD5${staleParam}`;
  }

  verify(creds: DigestCredentials, password: string, method: string): DigestVerdict {
    if (creds.realm !== this.realm) return 'bad';
    if (creds.algorithm !== undefined && creds.algorithm.toUpperCase() !== 'MD5') return 'bad';
    if (creds.qop !== undefined && creds.qop !== 'auth') return 'bad';
    if (creds.qop === 'auth' && (creds.nc === undefined || creds.cnonce === undefined)) {
      return 'bad';
    }
    const state = this.nonceState(creds.nonce);
    if (state === 'forged') return 'bad';
    const expected = Buffer.from(digestResponse(creds, password, method));
    const given = Buffer.from(creds.response.toLowerCase());
    const match = expected.length === given.length && timingSafeEqual(expected, given);
    if (!match) return 'bad';
    return state === 'fresh' ? 'ok' : 'stale';
  }
}
