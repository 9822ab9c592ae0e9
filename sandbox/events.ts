// SIP events (RFC 6665) the sandbox serves: the state of its users' and numbers' calls (`dialog`,
// RFC 4235, the busy lamps), whether a user is registered (`presence`, RFC 3856, PIDF) and the
// voicemail of each user (`message-summary`, RFC 3842), by SUBSCRIBE and NOTIFY, plus the
// unsolicited message-summary NOTIFY many servers send to a registered phone that did not
// subscribe. Mailboxes fill through the `voicemail-<user>` numbers (see numbers.ts).
import type { Connection, CoreApi } from './core.js';
import type { Registrar } from './registrar.js';
import { SipMessage, newBranch, randomToken } from './sip-message.js';
import { parseNameAddr, parseUri, tagOf } from './sip-grammar.js';
import { isTestNumber } from './numbers.js';
import type { CallRecord } from './records.js';

export type EventPackage = 'dialog' | 'presence' | 'message-summary';

const PACKAGES: Readonly<Record<EventPackage, string>> = {
  dialog: 'application/dialog-info+xml',
  presence: 'application/pidf+xml',
  'message-summary': 'application/simple-message-summary',
};
export const ALLOW_EVENTS = Object.keys(PACKAGES).join(', ');

const DEFAULT_EXPIRES = 3600;
const MAX_EXPIRES = 3600;
/** Subscriptions the sandbox keeps in all (the oldest go first). */
const MAX_SUBSCRIPTIONS = 2000;
/** Subscriptions one connection may hold. */
const MAX_SUBSCRIPTIONS_PER_CONNECTION = 200;
/**
 * How often the state behind the subscriptions is compared with what was last sent. Call records
 * change in many places (relayed responses, the numbers' scripts, outbound calls); reading them a
 * few times a second is simpler and safer than hooking each of those places.
 */
const POLL_MS = 100;
const MAX_MESSAGES = 9999;

export interface Mailbox {
  newMessages: number;
  oldMessages: number;
}

/** What GET /api/subscriptions shows of one subscription. */
export interface SubscriptionInfo {
  subscriber: string;
  event: EventPackage;
  target: string;
  /** Seconds left. */
  expires: number;
  /** SUBSCRIBE requests received for this subscription (the first and every refresh). */
  subscribes: number;
  /** NOTIFY requests sent. */
  notifies: number;
}

interface Subscription {
  callId: string;
  conn: Connection;
  subscriber: string;
  event: EventPackage;
  target: string;
  localTag: string;
  /** The subscriber's From (with its tag): our NOTIFY's To. */
  remoteParty: string;
  /** The subscriber's Contact URI: our NOTIFY's Request-URI. */
  remoteTarget: string;
  expiresAt: number;
  cseq: number;
  version: number;
  lastBody: string | undefined;
  subscribes: number;
  notifies: number;
}

export interface EventHost extends CoreApi {
  readonly registrar: Registrar;
}

export class EventServer {
  private readonly subs = new Map<string, Subscription>();
  private readonly mailboxes = new Map<string, Mailbox>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly core: EventHost) {}

  /** True when `callId` is one of our subscriptions (its in-dialog requests and responses). */
  owns(callId: string): boolean {
    return this.subs.has(callId);
  }

  /** An initial SUBSCRIBE (no To tag). */
  onSubscribe(conn: Connection, req: SipMessage): void {
    const event = eventPackageOf(req.get('Event'));
    if (!event) {
      this.core.reply(conn, req, 489, 'Bad Event', { headers: [['Allow-Events', ALLOW_EVENTS]] });
      return;
    }
    const username = this.core.registrar.authenticate(conn, req, 'proxy');
    if (username === undefined) return;
    let target: string;
    let local: boolean;
    try {
      const uri = parseUri(req.uri);
      target = uri.user;
      local = uri.scheme === 'tel' || this.core.isLocalUri(req.uri);
    } catch {
      this.core.reply(conn, req, 400, 'Bad Request');
      return;
    }
    if (!local || !this.knows(target)) {
      this.core.reply(conn, req, 404, 'Not Found');
      return;
    }
    if (event === 'message-summary' && target !== username) {
      // A mailbox is its owner's business.
      this.core.reply(conn, req, 403, 'Forbidden');
      return;
    }
    const accept = req.values('Accept').map((a) => a.split(';')[0]!.trim().toLowerCase());
    if (accept.length > 0 && !accept.includes(PACKAGES[event]) && !accept.includes('*/*')) {
      this.core.reply(conn, req, 406, 'Not Acceptable', {
        headers: [['Accept', PACKAGES[event]]],
      });
      return;
    }
    let remoteTarget: string;
    try {
      const contact = req.values('Contact')[0];
      if (contact === undefined) throw new Error('no Contact');
      remoteTarget = parseNameAddr(contact).uri;
    } catch {
      this.core.reply(conn, req, 400, 'Bad Request', { headers: [['Warning', '399 - "Contact"']] });
      return;
    }
    const expires = requestedExpires(req);
    const callId = req.get('Call-ID')!;
    const sub: Subscription = {
      callId,
      conn,
      subscriber: username,
      event,
      target,
      localTag: randomToken(5),
      remoteParty: req.get('From')!,
      remoteTarget,
      expiresAt: Date.now() + expires * 1000,
      cseq: 1,
      version: 0,
      lastBody: undefined,
      subscribes: 1,
      notifies: 0,
    };
    const held = [...this.subs.values()].filter((s) => s.conn === conn).length;
    if (held >= MAX_SUBSCRIPTIONS_PER_CONNECTION) {
      this.core.reply(conn, req, 503, 'Service Unavailable', { headers: [['Retry-After', '60']] });
      return;
    }
    this.accept(conn, req, sub, expires);
    if (expires === 0) {
      // A fetch: one NOTIFY with the state, and the subscription is over.
      this.notify(sub, 'terminated;reason=timeout');
      return;
    }
    this.subs.set(callId, sub);
    while (this.subs.size > MAX_SUBSCRIPTIONS) {
      this.subs.delete(this.subs.keys().next().value!);
    }
    this.core.log(`${conn.label} ${username} subscribed to ${event} of ${target} for ${expires} s`);
    this.notify(sub);
    this.startPolling();
  }

  /** A request in one of our subscriptions' dialogs: a refresh or an un-SUBSCRIBE. */
  onInDialog(conn: Connection, req: SipMessage): void {
    const sub = this.subs.get(req.get('Call-ID')!);
    if (
      !sub ||
      sub.conn !== conn ||
      tagOf(req.get('To')) !== sub.localTag ||
      tagOf(req.get('From')) !== tagOf(sub.remoteParty)
    ) {
      this.core.reply(conn, req, 481, 'Subscription Does Not Exist');
      return;
    }
    if (req.method !== 'SUBSCRIBE') {
      this.core.reply(conn, req, 405, 'Method Not Allowed', { headers: [['Allow', 'SUBSCRIBE']] });
      return;
    }
    const expires = requestedExpires(req);
    sub.subscribes += 1;
    sub.expiresAt = Date.now() + expires * 1000;
    this.accept(conn, req, sub, expires);
    if (expires === 0) {
      this.subs.delete(sub.callId);
      this.core.log(
        `${conn.label} ${sub.subscriber} unsubscribed from ${sub.event} of ${sub.target}`,
      );
      this.notify(sub, 'terminated;reason=timeout');
      return;
    }
    // RFC 6665 4.2.1.2: a refresh gets a NOTIFY with the current state.
    sub.lastBody = undefined;
    this.notify(sub);
  }

  /** A response to one of our NOTIFYs: a subscriber that no longer knows it ends it. */
  onResponse(res: SipMessage): void {
    const sub = this.subs.get(res.get('Call-ID') ?? '');
    if (!sub) return;
    if (res.status === 481 || res.status === 408 || (res.status >= 400 && res.status !== 491)) {
      this.subs.delete(sub.callId);
      this.core.log(`${sub.subscriber}'s ${sub.event} subscription ended by a ${res.status}`);
    }
  }

  connectionClosed(conn: Connection): void {
    for (const [callId, sub] of this.subs) if (sub.conn === conn) this.subs.delete(callId);
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.subs.clear();
  }

  subscriptions(): SubscriptionInfo[] {
    const now = Date.now();
    return [...this.subs.values()].map((s) => ({
      subscriber: s.subscriber,
      event: s.event,
      target: s.target,
      expires: Math.max(0, Math.round((s.expiresAt - now) / 1000)),
      subscribes: s.subscribes,
      notifies: s.notifies,
    }));
  }

  // ---------------------------------------------------------------------------------------------
  // Voicemail

  /** The user whose mailbox a number records into: `voicemail-<user>`. */
  mailboxOwner(number: string): string | undefined {
    const user = /^voicemail-(.+)$/.exec(number)?.[1];
    return user !== undefined && this.core.registrar.hasUser(user) ? user : undefined;
  }

  mailbox(user: string): Mailbox {
    return { ...(this.mailboxes.get(user) ?? { newMessages: 0, oldMessages: 0 }) };
  }

  /** Set a user's counts (the HTTP API; a recorded or heard message). Tells the user's phones. */
  setMailbox(user: string, mailbox: Mailbox): void {
    const clamp = (n: number) => Math.max(0, Math.min(MAX_MESSAGES, Math.floor(n)));
    this.mailboxes.set(user, {
      newMessages: clamp(mailbox.newMessages),
      oldMessages: clamp(mailbox.oldMessages),
    });
    this.core.log(`voicemail: ${user} has ${summaryLine(this.mailbox(user))}`);
    const subscribed = [...this.subs.values()].some(
      (s) => s.event === 'message-summary' && s.target === user,
    );
    if (subscribed) this.poll();
    else this.notifyUnsolicited(user);
  }

  /** A message was left in `user`'s mailbox. */
  messageLeft(user: string): void {
    const box = this.mailbox(user);
    this.setMailbox(user, { ...box, newMessages: box.newMessages + 1 });
  }

  /** The owner listened to the mailbox: every new message is now old. */
  messagesHeard(user: string): void {
    const box = this.mailbox(user);
    this.setMailbox(user, { newMessages: 0, oldMessages: box.oldMessages + box.newMessages });
  }

  // ---------------------------------------------------------------------------------------------

  private knows(target: string): boolean {
    return (
      this.core.registrar.hasUser(target) ||
      isTestNumber(target) ||
      this.mailboxOwner(target) !== undefined
    );
  }

  private accept(conn: Connection, req: SipMessage, sub: Subscription, expires: number): void {
    this.core.reply(conn, req, 200, 'OK', {
      toTag: sub.localTag,
      headers: [
        ['Contact', this.contact(sub)],
        ['Expires', String(expires)],
        ['Allow-Events', ALLOW_EVENTS],
      ],
    });
  }

  private contact(sub: Subscription): string {
    return `<sip:${sub.target}@${this.core.sentBy};transport=ws>`;
  }

  private startPolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.timer.unref();
  }

  /** Send a NOTIFY to every subscription whose state changed; end the expired ones. */
  private poll(): void {
    const now = Date.now();
    for (const sub of [...this.subs.values()]) {
      if (sub.conn.closed) {
        this.subs.delete(sub.callId);
      } else if (sub.expiresAt <= now) {
        this.subs.delete(sub.callId);
        this.notify(sub, 'terminated;reason=timeout');
      } else {
        this.notify(sub);
      }
    }
    if (this.subs.size === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** NOTIFY the subscriber when the state differs from the last one sent (or the end). */
  private notify(sub: Subscription, terminated?: string): void {
    const state = this.body(sub, 0);
    if (terminated === undefined && state === sub.lastBody) return;
    sub.lastBody = state;
    // RFC 4235: the version counts the documents sent in this subscription, from 0.
    const body = sub.event === 'dialog' ? this.body(sub, sub.version++) : state;
    const m = new SipMessage();
    m.method = 'NOTIFY';
    m.uri = sub.remoteTarget;
    m.append('Via', `SIP/2.0/WS ${this.core.sentBy};branch=${newBranch()}`);
    m.append('Max-Forwards', '70');
    m.append('From', `<sip:${sub.target}@${this.core.domain}>;tag=${sub.localTag}`);
    m.append('To', sub.remoteParty);
    m.append('Call-ID', sub.callId);
    m.append('CSeq', `${sub.cseq++} NOTIFY`);
    m.append('Contact', this.contact(sub));
    m.append('Event', sub.event);
    const left = Math.max(0, Math.round((sub.expiresAt - Date.now()) / 1000));
    m.append('Subscription-State', terminated ?? `active;expires=${left}`);
    m.append('Content-Type', PACKAGES[sub.event]);
    m.body = body;
    sub.notifies += 1;
    this.core.send(sub.conn, m);
  }

  /** An out-of-dialog message-summary NOTIFY to each of the user's registrations. */
  private notifyUnsolicited(user: string): void {
    for (const binding of this.core.registrar.bindingsOf(user)) {
      const m = new SipMessage();
      m.method = 'NOTIFY';
      m.uri = binding.uri;
      m.append('Via', `SIP/2.0/WS ${this.core.sentBy};branch=${newBranch()}`);
      m.append('Max-Forwards', '70');
      m.append('From', `<sip:voicemail@${this.core.domain}>;tag=${randomToken(5)}`);
      m.append('To', `<sip:${user}@${this.core.domain}>`);
      m.append('Call-ID', randomToken(12));
      m.append('CSeq', '1 NOTIFY');
      m.append('Event', 'message-summary');
      m.append('Subscription-State', 'active');
      m.append('Content-Type', PACKAGES['message-summary']);
      m.body = messageSummary(this.mailbox(user), this.core.domain);
      this.core.send(binding.conn, m);
    }
  }

  private body(sub: Subscription, version: number): string {
    switch (sub.event) {
      case 'message-summary':
        return messageSummary(this.mailbox(sub.target), this.core.domain);
      case 'presence': {
        const open =
          !this.core.registrar.hasUser(sub.target) ||
          this.core.registrar.bindingsOf(sub.target).length > 0;
        return pidf(`sip:${sub.target}@${this.core.domain}`, open);
      }
      case 'dialog':
        return dialogInfo(
          `sip:${sub.target}@${this.core.domain}`,
          dialogsOf(sub.target, this.core.records.live()),
          version,
        );
    }
  }
}

/** The package an Event header names, when it is one we serve. */
function eventPackageOf(value: string | undefined): EventPackage | undefined {
  const name = value?.split(';')[0]!.trim().toLowerCase();
  return name !== undefined && Object.hasOwn(PACKAGES, name) ? (name as EventPackage) : undefined;
}

function requestedExpires(req: SipMessage): number {
  const value = req.get('Expires');
  const n = value === undefined ? DEFAULT_EXPIRES : Number(value);
  return Number.isFinite(n) ? Math.max(0, Math.min(MAX_EXPIRES, Math.floor(n))) : DEFAULT_EXPIRES;
}

export interface DialogEntry {
  id: string;
  direction: 'initiator' | 'recipient';
  state: 'early' | 'confirmed';
}

/** The live dialogs a user or number is in, from the call records. */
export function dialogsOf(target: string, records: readonly CallRecord[]): DialogEntry[] {
  const out: DialogEntry[] = [];
  for (const r of records) {
    if (r.endedAt !== undefined) continue;
    const state = r.answeredAt !== undefined ? 'confirmed' : 'early';
    if (r.from === target && r.direction !== 'outbound') {
      out.push({ id: r.callId, direction: 'initiator', state });
    } else if (r.to === target) {
      out.push({ id: r.callId, direction: 'recipient', state });
    }
  }
  return out;
}

export function dialogInfo(entity: string, dialogs: readonly DialogEntry[], version = 0): string {
  const items = dialogs
    .map(
      (d, i) =>
        `  <dialog id="d${i}-${xml(d.id.slice(0, 64))}" direction="${d.direction}">\n` +
        `    <state>${d.state}</state>\n  </dialog>\n`,
    )
    .join('');
  return (
    `<?xml version="1.0"?>\n` +
    `<dialog-info xmlns="urn:ietf:params:xml:ns:dialog-info" version="${version}" state="full" entity="${xml(entity)}">\n` +
    items +
    `</dialog-info>\n`
  );
}

export function pidf(entity: string, open: boolean): string {
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<presence xmlns="urn:ietf:params:xml:ns:pidf" entity="${xml(entity)}">\n` +
    `  <tuple id="sandbox"><status><basic>${open ? 'open' : 'closed'}</basic></status></tuple>\n` +
    `</presence>\n`
  );
}

export function messageSummary(box: Mailbox, domain: string): string {
  return (
    `Messages-Waiting: ${box.newMessages > 0 ? 'yes' : 'no'}\r\n` +
    `Message-Account: sip:voicemail@${domain}\r\n` +
    `Voice-Message: ${summaryLine(box)}\r\n`
  );
}

function summaryLine(box: Mailbox): string {
  return `${box.newMessages}/${box.oldMessages} (0/0)`;
}

function xml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
