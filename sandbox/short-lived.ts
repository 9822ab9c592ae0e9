// Short-lived credentials, as a page's own server would issue them to a phone: one-off digest
// passwords that expire, and bearer tokens (JWT, HS256) for `Authorization: Bearer`. The sandbox
// accepts them beside each user's fixed password, so the phone's `credentials` callback can be
// tested end to end: fetched before each REGISTER, replaced when it runs out, refused when forged.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface IssuedCredentials {
  password?: string;
  token?: string;
  /** Epoch ms. */
  expiresAt: number;
}

/** At most this many live one-off passwords per user (the oldest go first). */
const MAX_PASSWORDS_PER_USER = 32;
export const MAX_TTL_MS = 24 * 60 * 60 * 1000;

const base64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

export class ShortLivedCredentials {
  private readonly secret = randomBytes(32);
  private readonly passwords = new Map<string, Array<{ password: string; expiresAt: number }>>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A one-off digest password for `user`, valid for `ttlMs`. */
  issuePassword(user: string, ttlMs: number): IssuedCredentials {
    const expiresAt = this.now() + ttlMs;
    const password = randomBytes(12).toString('base64url');
    const live = this.livePasswords(user);
    live.push({ password, expiresAt });
    this.passwords.set(user, live.slice(-MAX_PASSWORDS_PER_USER));
    return { password, expiresAt };
  }

  /** A bearer token (JWT, HS256) naming `user`, valid for `ttlMs`. */
  issueToken(user: string, ttlMs: number): IssuedCredentials {
    const expiresAt = this.now() + ttlMs;
    const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = base64url(
      JSON.stringify({ sub: user, iat: Math.floor(this.now() / 1000), exp: expiresAt / 1000 }),
    );
    return { token: `${header}.${payload}.${this.sign(`${header}.${payload}`)}`, expiresAt };
  }

  /** The one-off passwords of `user` that have not run out. */
  livePasswords(user: string): Array<{ password: string; expiresAt: number }> {
    const now = this.now();
    const live = (this.passwords.get(user) ?? []).filter((p) => p.expiresAt > now);
    if (live.length) this.passwords.set(user, live);
    else this.passwords.delete(user);
    return live;
  }

  /** The user a bearer token names; `expired`; or undefined when it is not one of ours. */
  verifyToken(token: string): { user: string } | 'expired' | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, mac] = parts as [string, string, string];
    const expected = Buffer.from(this.sign(`${header}.${payload}`));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: { sub?: unknown; exp?: unknown };
    try {
      claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof claims;
    } catch {
      return undefined;
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number') return undefined;
    if (claims.exp * 1000 <= this.now()) return 'expired';
    return { user: claims.sub };
  }

  private sign(data: string): string {
    return createHmac('sha256', this.secret).update(data).digest('base64url');
  }
}
