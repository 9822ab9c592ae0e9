// The registrar: the sandbox's accounts, digest (and bearer-token) authentication, the
// registration table (REGISTER, expiry, the most recent binding of a user) and the flow table
// that remembers which WebSocket connection a Contact URI was seen on.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { badRequest, type Connection, type CoreApi, type InviteServerTxn } from './core.js';
import { DigestAuthenticator, parseDigest, type DigestCredentials } from './digest.js';
import { OUTCOMES, isTestNumber } from './numbers.js';
import { ShortLivedCredentials } from './short-lived.js';
import { type ResponseOptions, type SipMessage } from './sip-message.js';
import { parseNameAddr, parseUri, splitList, userOf, type Params } from './sip-grammar.js';

export interface SandboxUser {
  user: string;
  password: string;
}

export interface RegistrationInfo {
  user: string;
  /** The registered Contact as the client sent it (without its expires parameter). */
  contact: string;
  /** Seconds left. */
  expires: number;
  registeredAt: string;
}

export interface Binding {
  user: string;
  key: string;
  uri: string;
  /** The Contact value without its expires parameter. */
  value: string;
  conn: Connection;
  expiresAt: number;
  registeredAt: string;
}

export const DEFAULT_USERS_FILE = fileURLToPath(new URL('./users.json', import.meta.url));
export const USER_RE = /^[A-Za-z0-9._~-]{1,64}$/;
const MAX_EXPIRES = 3600;
const DEFAULT_EXPIRES = 600;
const MAX_CONTACTS_PER_CONNECTION = 16;

/** Read and validate a users file: `[{ "user": "alice", "password": "..." }, ...]`. */
export function loadUsers(file: string = DEFAULT_USERS_FILE): SandboxUser[] {
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  return validateUsers(data, file);
}

export function validateUsers(data: unknown, where: string): SandboxUser[] {
  if (!Array.isArray(data)) throw new Error(`${where}: expected an array of { user, password }`);
  const seen = new Set<string>();
  return data.map((entry: unknown, i) => {
    const e = entry as Partial<Record<'user' | 'password', unknown>> | null;
    if (typeof e?.user !== 'string' || typeof e.password !== 'string' || e.password === '') {
      throw new Error(`${where}: entry ${i} needs a string "user" and a non-empty "password"`);
    }
    if (!USER_RE.test(e.user)) throw new Error(`${where}: "${e.user}" is not a usable SIP user`);
    if (isTestNumber(e.user)) throw new Error(`${where}: "${e.user}" is a test number`);
    if (seen.has(e.user)) throw new Error(`${where}: "${e.user}" appears twice`);
    seen.add(e.user);
    return { user: e.user, password: e.password };
  });
}

function formatParams(params: Params, skip: string[] = []): string {
  let out = '';
  for (const [k, v] of params) {
    if (skip.includes(k)) continue;
    if (v === null) out += `;${k}`;
    else if (/^[A-Za-z0-9\-.!%*_+`'~]+$/.test(v)) out += `;${k}=${v}`;
    else out += `;${k}="${v.replace(/["\\]/g, '\\$&')}"`;
  }
  return out;
}

function uriKey(uri: string): string | undefined {
  try {
    const u = parseUri(uri);
    if (u.scheme !== 'sip' && u.scheme !== 'sips') return undefined;
    return `${u.user}@${u.host}${u.port !== undefined ? `:${u.port}` : ''}`;
  } catch {
    return undefined;
  }
}

export class Registrar {
  /** One-off passwords and bearer tokens issued through POST /api/credentials. */
  readonly shortLived = new ShortLivedCredentials();
  private readonly users: Map<string, SandboxUser>;
  private readonly digest: DigestAuthenticator;
  private readonly bindings = new Map<string, Binding>();
  private readonly flows = new Map<string, Connection>();

  constructor(
    private readonly core: CoreApi,
    users: readonly SandboxUser[],
  ) {
    this.users = new Map(users.map((u) => [u.user, u]));
    this.digest = new DigestAuthenticator(core.domain);
  }

  get userList(): SandboxUser[] {
    return [...this.users.values()].map((u) => ({ ...u }));
  }

  hasUser(user: string): boolean {
    return this.users.has(user);
  }

  // ---------------------------------------------------------------------------------------------
  // Flows: where a Contact URI is reachable

  learnContact(conn: Connection, contactValue: string | undefined): void {
    if (contactValue === undefined) return;
    for (const v of splitList(contactValue)) {
      let key: string | undefined;
      try {
        key = uriKey(parseNameAddr(v).uri);
      } catch {
        key = undefined;
      }
      if (key === undefined) continue;
      if (!conn.contacts.has(key) && conn.contacts.size >= MAX_CONTACTS_PER_CONNECTION) continue;
      conn.contacts.add(key);
      this.flows.set(key, conn);
    }
  }

  connectionFor(uri: string): Connection | undefined {
    const key = uriKey(uri);
    if (key === undefined) return undefined;
    const conn = this.flows.get(key);
    return conn && !conn.closed ? conn : undefined;
  }

  /** A connection closed: its registrations and flows go. */
  connectionClosed(conn: Connection): void {
    for (const [key, b] of this.bindings) {
      if (b.conn === conn) {
        this.bindings.delete(key);
        this.core.log(`registration of ${b.user} removed (connection closed)`);
      }
    }
    for (const key of conn.contacts) {
      if (this.flows.get(key) === conn) this.flows.delete(key);
    }
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, b] of this.bindings) {
      if (b.expiresAt <= now) {
        this.bindings.delete(key);
        this.core.log(`registration of ${b.user} expired`);
      }
    }
  }

  clear(): void {
    this.bindings.clear();
    this.flows.clear();
  }

  // ---------------------------------------------------------------------------------------------
  // Authentication

  /**
   * Check the request's digest credentials. Returns the authenticated user, or undefined after
   * answering (challenge, or 403 for an unknown account).
   */
  authenticate(
    conn: Connection,
    req: SipMessage,
    kind: 'www' | 'proxy',
    txn?: InviteServerTxn,
  ): string | undefined {
    const respond = (status: number, reason: string, opts: ResponseOptions = {}) => {
      if (txn) txn.respond(status, reason, opts);
      else this.core.reply(conn, req, status, reason, opts);
    };
    const challenge = (stale: boolean) => {
      const header = kind === 'www' ? 'WWW-Authenticate' : 'Proxy-Authenticate';
      const status = kind === 'www' ? 401 : 407;
      const reason = kind === 'www' ? 'Unauthorized' : 'Proxy Authentication Required';
      respond(status, reason, { headers: [[header, this.digest.challenge(stale)]] });
    };
    // A bearer token (JsSIP's authorization_jwt puts it in Authorization on every request).
    const bearer = req
      .getAll('Authorization')
      .map((value) => /^\s*Bearer\s+(\S+)\s*$/i.exec(value)?.[1])
      .find((token) => token !== undefined);
    if (bearer !== undefined) {
      const verdict = this.shortLived.verifyToken(bearer);
      const claimed = userOf(req.get('From'));
      if (typeof verdict === 'object' && verdict.user === claimed) return verdict.user;
      this.core.log(`auth: ${verdict === 'expired' ? 'expired' : 'invalid'} bearer token`);
      const header = kind === 'www' ? 'WWW-Authenticate' : 'Proxy-Authenticate';
      respond(kind === 'www' ? 401 : 407, 'Invalid Token', {
        headers: [[header, `Bearer realm="${this.core.domain}", error="invalid_token"`]],
      });
      return undefined;
    }
    const headerName = kind === 'www' ? 'Authorization' : 'Proxy-Authorization';
    const creds = req
      .getAll(headerName)
      .map(parseDigest)
      .find((c): c is DigestCredentials => c !== undefined && c.realm === this.core.domain);
    if (!creds) {
      challenge(false);
      return undefined;
    }
    const user = this.users.get(creds.username);
    if (!user) {
      this.core.log(`auth: unknown account "${creds.username}"`);
      respond(403, 'Forbidden');
      return undefined;
    }
    // The fixed password, or a one-off one issued through the API that has not run out.
    const passwords = [
      user.password,
      ...this.shortLived.livePasswords(user.user).map((p) => p.password),
    ];
    const verdicts = passwords.map((password) => this.digest.verify(creds, password, req.method));
    const verdict = verdicts.includes('ok') ? 'ok' : verdicts.includes('stale') ? 'stale' : 'bad';
    if (verdict === 'ok') return user.user;
    if (verdict === 'stale') {
      challenge(true);
      return undefined;
    }
    this.core.log(`auth: wrong credentials for ${user.user}`);
    challenge(false);
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------
  // Registrations

  onRegister(conn: Connection, req: SipMessage): void {
    let aor;
    try {
      aor = parseUri(parseNameAddr(req.get('To')!).uri);
    } catch {
      badRequest(this.core, conn, req, 'bad To');
      return;
    }
    if (aor.scheme !== 'sip' && aor.scheme !== 'sips') {
      badRequest(this.core, conn, req, 'To must be a SIP URI');
      return;
    }
    if (!this.users.has(aor.user)) {
      this.core.reply(conn, req, 404, 'Not Found');
      return;
    }
    const username = this.authenticate(conn, req, 'www');
    if (username === undefined) return;
    if (username !== aor.user) {
      this.core.reply(conn, req, 403, OUTCOMES['403']!.reason);
      return;
    }
    const expiresHeader = req.get('Expires');
    const defaultExpires =
      expiresHeader !== undefined && /^\d+$/.test(expiresHeader)
        ? Math.min(Number(expiresHeader), MAX_EXPIRES)
        : DEFAULT_EXPIRES;
    const contacts = req.values('Contact');
    if (contacts.length === 1 && contacts[0] === '*') {
      if (defaultExpires !== 0) {
        badRequest(this.core, conn, req, 'Contact * requires Expires: 0');
        return;
      }
      for (const [key, b] of this.bindings) if (b.user === aor.user) this.bindings.delete(key);
      this.core.log(`registrar: all registrations of ${aor.user} removed`);
      this.core.reply(conn, req, 200, 'OK');
      return;
    }
    const now = Date.now();
    for (const c of contacts) {
      let na;
      let key: string | undefined;
      try {
        na = parseNameAddr(c);
        key = uriKey(na.uri);
      } catch {
        key = undefined;
      }
      if (!na || key === undefined) {
        badRequest(this.core, conn, req, 'unusable Contact');
        return;
      }
      const e = na.params.get('expires');
      const expires =
        e !== undefined && e !== null && /^\d+$/.test(e)
          ? Math.min(Number(e), MAX_EXPIRES)
          : defaultExpires;
      if (expires === 0) {
        if (this.bindings.delete(key))
          this.core.log(`registrar: ${aor.user} unregistered ${na.uri}`);
        continue;
      }
      const display = na.displayName ? `"${na.displayName.replace(/["\\]/g, '\\$&')}" ` : '';
      const previous = this.bindings.get(key);
      this.bindings.set(key, {
        user: aor.user,
        key,
        uri: na.uri,
        value: `${display}<${na.uri}>${formatParams(na.params, ['expires'])}`,
        conn,
        expiresAt: now + expires * 1000,
        registeredAt: previous?.registeredAt ?? new Date(now).toISOString(),
      });
      this.learnContact(conn, c);
      if (!previous) this.core.log(`registrar: ${aor.user} registered ${na.uri} for ${expires} s`);
    }
    const headers: Array<[string, string]> = this.bindingsOf(aor.user).map((b) => [
      'Contact',
      `${b.value};expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`,
    ]);
    this.core.reply(conn, req, 200, 'OK', { headers });
  }

  /** The user's live registrations, oldest first. */
  bindingsOf(user: string): Binding[] {
    const now = Date.now();
    return [...this.bindings.values()].filter(
      (b) => b.user === user && b.expiresAt > now && !b.conn.closed,
    );
  }

  /** The most recently refreshed registration of a user. */
  latestBinding(user: string): Binding | undefined {
    const list = this.bindingsOf(user);
    return list[list.length - 1];
  }

  registrations(): RegistrationInfo[] {
    const now = Date.now();
    return [...this.bindings.values()]
      .filter((b) => b.expiresAt > now && !b.conn.closed)
      .map((b) => ({
        user: b.user,
        contact: b.value,
        expires: Math.max(0, Math.round((b.expiresAt - now) / 1000)),
        registeredAt: b.registeredAt,
      }));
  }
}
