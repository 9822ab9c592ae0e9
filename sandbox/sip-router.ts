// Frames in, requests routed: parsing and the checks that decide 400 / 416 / 420 / 501 / 505,
// INVITE server transactions (retransmissions, CANCEL, the ACK of a non-2xx), in-dialog requests
// (to the sandbox's own calls or relayed by the peer's Contact), and the out-of-dialog requests
// (REGISTER to the registrar; INVITE, OPTIONS and MESSAGE to a test number or a user).
import { badRequest, InviteServerTxn, type Connection, type CoreApi } from './core.js';
import type { DialogCall } from './dialog-call.js';
import { ALLOW_EVENTS, type EventServer } from './events.js';
import { offerCodecs, offerDirection } from './media.js';
import { OUTCOMES, isTestNumber } from './numbers.js';
import type { ForwardOptions, Proxy } from './proxy.js';
import { isDtmfContentType, newRecord, parseInfoDtmf, type ReinviteRecord } from './records.js';
import type { Registrar } from './registrar.js';
import {
  canonicalHeaderName,
  parseMessage,
  printableStart,
  type ResponseOptions,
  type SipMessage,
} from './sip-message.js';
import {
  parseCSeq,
  parseNameAddr,
  parseParams,
  parseUri,
  parseVia,
  tagOf,
  userOf,
} from './sip-grammar.js';
import { UasCall, type VoicemailScript } from './uas.js';
import type { UacCall } from './uac.js';

/** What the router needs of the server besides the core interface. */
export interface RouterHost extends CoreApi {
  readonly registrar: Registrar;
  readonly proxy: Proxy;
  /** SUBSCRIBE / NOTIFY: busy lamps, presence, voicemail. */
  readonly events: EventServer;
  /** Calls the sandbox is a user agent in (test numbers, outbound calls), by Call-ID. */
  readonly uaCalls: Map<string, DialogCall>;
  /** Outbound calls by Call-ID (kept after they end, for late responses). */
  readonly outboundByCallId: ReadonlyMap<string, UacCall>;
  /** Host names (lower case) that mean this server. */
  readonly localHosts: ReadonlySet<string>;
  /** Log a whole message (when full message logging is on). */
  dump(data: Buffer): void;
}

const MAX_METHODS_PER_CALL = 1000;
const KNOWN_METHODS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'OPTIONS',
  'REGISTER',
  'INFO',
  'MESSAGE',
  'UPDATE',
  'PRACK',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'PUBLISH',
]);
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, REGISTER, INFO, MESSAGE, UPDATE, SUBSCRIBE';
/** Option tags we accept in Require (we route by connection, as outbound / path expect). */
const SUPPORTED_OPTIONS = new Set(['outbound', 'path', 'timer']);
const SINGLE_HEADERS = ['From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Type'];

export class SipRouter {
  private readonly invTxns = new Map<string, InviteServerTxn>();

  constructor(private readonly server: RouterHost) {}

  /** A connection closed: its INVITE transactions go. */
  connectionClosed(conn: Connection): void {
    for (const [key, txn] of this.invTxns) {
      if (txn.conn === conn) {
        txn.dispose();
        this.invTxns.delete(key);
      }
    }
  }

  close(): void {
    for (const txn of this.invTxns.values()) txn.dispose();
    this.invTxns.clear();
  }

  onFrame(conn: Connection, data: Buffer, _isBinary: boolean): void {
    const raw = data.toString('latin1');
    if (raw.trim().length === 0) return; // CRLF keep-alive
    const parsed = parseMessage(raw);
    const msg = parsed.message;
    if (!msg) {
      const partial = parsed.partial;
      if (partial && parsed.looksLikeRequest && canBuildResponse(partial)) {
        this.server.log(
          `${conn.label} recv unparseable request (${parsed.error}): ${printableStart(raw)}`,
        );
        badRequest(this.server, conn, partial, parsed.error ?? 'malformed message');
      } else {
        this.server.log(
          `${conn.label} dropped unparseable frame (${parsed.error}): ${printableStart(raw)}`,
        );
      }
      return;
    }
    this.server.log(`${conn.label} recv ${describe(msg)}`);
    this.server.dump(data);
    if (msg.isRequest) this.onRequest(conn, msg);
    else this.onResponse(conn, msg);
  }

  private onResponse(conn: Connection, res: SipMessage): void {
    if (!canBuildResponse(res)) return;
    this.server.learnContact(conn, res.get('Contact'));
    if (this.server.proxy.onResponse(res)) return;
    if (this.server.events.owns(res.get('Call-ID')!)) {
      this.server.events.onResponse(res);
      return;
    }
    // Responses to the sandbox's own requests: outbound calls act on them (BYEs of test
    // numbers need nothing further).
    const callId = res.get('Call-ID')!;
    (this.server.uaCalls.get(callId) ?? this.server.outboundByCallId.get(callId))?.onResponse(res);
  }

  private onRequest(conn: Connection, req: SipMessage): void {
    if (!canBuildResponse(req)) {
      this.server.log(`${conn.label} dropped request without Via/From/To/Call-ID/CSeq`);
      return;
    }
    if (req.version.toUpperCase() !== 'SIP/2.0') {
      if (req.method !== 'ACK') this.server.reply(conn, req, 505, 'Version Not Supported');
      return;
    }
    const invalid = validateRequest(req);
    if (invalid !== undefined) {
      if (req.method !== 'ACK') badRequest(this.server, conn, req, invalid);
      return;
    }
    let scheme: string;
    try {
      scheme = parseUri(req.uri).scheme;
    } catch {
      if (req.method !== 'ACK') badRequest(this.server, conn, req, 'malformed Request-URI');
      return;
    }
    if (scheme !== 'sip' && scheme !== 'sips' && scheme !== 'tel') {
      if (req.method !== 'ACK') {
        this.server.reply(conn, req, 416, 'Unsupported URI Scheme');
      }
      return;
    }
    if (!KNOWN_METHODS.has(req.method)) {
      this.server.reply(conn, req, 501, 'Not Implemented', { headers: [['Allow', ALLOW]] });
      return;
    }
    const callId = req.get('Call-ID')!;
    const methods = this.server.records.get(callId)?.receivedMethods;
    if (methods && methods.length < MAX_METHODS_PER_CALL) methods.push(req.method);
    this.server.learnContact(conn, req.get('Contact'));

    if (req.method === 'ACK') {
      this.onAck(conn, req);
      return;
    }
    if (req.method === 'CANCEL') {
      this.onCancel(conn, req);
      return;
    }
    const unsupported = [...req.values('Proxy-Require')].filter(
      (o) => !SUPPORTED_OPTIONS.has(o.toLowerCase()),
    );
    if (unsupported.length > 0) {
      this.server.reply(conn, req, 420, 'Bad Extension', {
        headers: [['Unsupported', unsupported.join(', ')]],
      });
      return;
    }

    const inDialog = tagOf(req.get('To')) !== undefined;
    let txn: InviteServerTxn | undefined;
    if (req.method === 'INVITE') {
      const key = txnKey(conn, req);
      const existing = this.invTxns.get(key);
      if (existing) {
        // A retransmission: repeat the last response.
        if (existing.lastResponse) this.server.send(conn, existing.lastResponse);
        return;
      }
      txn = new InviteServerTxn(this.server, conn, req, key, (t) => {
        t.dispose();
        if (this.invTxns.get(t.key) === t) this.invTxns.delete(t.key);
      });
      this.invTxns.set(key, txn);
    }

    if (inDialog) {
      this.onInDialog(conn, req, txn);
      return;
    }
    // Require is end to end: only requests the sandbox answers itself are checked.
    if (!this.isForUser(req) && this.unsupportedRequire(conn, req, txn)) return;
    switch (req.method) {
      case 'REGISTER':
        this.server.registrar.onRegister(conn, req);
        return;
      case 'INVITE':
        this.onInitialInvite(conn, txn!);
        return;
      case 'OPTIONS':
        this.onOptions(conn, req);
        return;
      case 'MESSAGE':
        this.onMessage(conn, req);
        return;
      case 'SUBSCRIBE':
        this.server.events.onSubscribe(conn, req);
        return;
      case 'BYE':
      case 'INFO':
      case 'UPDATE':
      case 'PRACK':
        this.server.reply(conn, req, 481, 'Call/Transaction Does Not Exist');
        return;
      default:
        this.server.reply(conn, req, 405, 'Method Not Allowed', { headers: [['Allow', ALLOW]] });
    }
  }

  /** 420 for Require option tags we do not support (requests the sandbox itself handles). */
  private unsupportedRequire(conn: Connection, req: SipMessage, txn?: InviteServerTxn): boolean {
    const unsupported = req
      .values('Require')
      .filter((o) => !SUPPORTED_OPTIONS.has(o.toLowerCase()));
    if (unsupported.length === 0) return false;
    const opts: ResponseOptions = { headers: [['Unsupported', unsupported.join(', ')]] };
    if (txn) txn.respond(420, 'Bad Extension', opts);
    else this.server.reply(conn, req, 420, 'Bad Extension', opts);
    return true;
  }

  private onAck(conn: Connection, ack: SipMessage): void {
    const txn = this.invTxns.get(txnKey(conn, ack));
    if (txn && txn.finalStatus >= 300) return; // ACK of a non-2xx final: absorbed here
    const call = this.server.uaCalls.get(ack.get('Call-ID')!);
    if (call) {
      if (call.matches(ack)) call.onAck(ack);
      return;
    }
    this.relayInDialog(conn, ack, undefined);
  }

  private onCancel(conn: Connection, cancel: SipMessage): void {
    const txn = this.invTxns.get(txnKey(conn, cancel));
    if (!txn) {
      this.server.reply(conn, cancel, 481, 'Call/Transaction Does Not Exist');
      return;
    }
    this.server.reply(conn, cancel, 200, 'OK', { toTag: txn.toTag });
    if (txn.record) txn.record.sawCancel = true;
    if (txn.finalStatus === 0) txn.onCancel?.();
  }

  private onInDialog(conn: Connection, req: SipMessage, txn: InviteServerTxn | undefined): void {
    if (this.server.events.owns(req.get('Call-ID')!)) {
      if (txn) txn.respond(481, 'Call/Transaction Does Not Exist');
      else this.server.events.onInDialog(conn, req);
      return;
    }
    const call = this.server.uaCalls.get(req.get('Call-ID')!);
    if (call) {
      if (!call.matches(req)) {
        if (txn) txn.respond(481, 'Call/Transaction Does Not Exist');
        else this.server.reply(conn, req, 481, 'Call/Transaction Does Not Exist');
        return;
      }
      if (txn) call.onReinvite(txn);
      else call.onRequest(req);
      return;
    }
    this.relayInDialog(conn, req, txn);
  }

  /** Route an in-dialog request by its Route set / Request-URI to the peer's connection. */
  private relayInDialog(conn: Connection, req: SipMessage, txn: InviteServerTxn | undefined) {
    const fail = (status: number, reason: string) => {
      if (req.method === 'ACK') return;
      if (txn) txn.respond(status, reason);
      else this.server.reply(conn, req, status, reason);
    };
    let routes: string[];
    let nextHop: string;
    try {
      routes = req.values('Route');
      while (routes.length > 0 && this.server.isLocalUri(parseNameAddr(routes[0]!).uri))
        routes.shift();
      nextHop = routes.length > 0 ? parseNameAddr(routes[0]!).uri : req.uri;
    } catch {
      fail(400, 'Bad Request');
      return;
    }
    if (this.server.isLocalUri(nextHop)) {
      fail(481, 'Call/Transaction Does Not Exist');
      return;
    }
    const target = this.server.connectionFor(nextHop);
    if (!target) {
      fail(480, 'Temporarily Unavailable');
      return;
    }
    const record = this.server.records.get(req.get('Call-ID')!);
    if (req.method === 'INFO' && record && isDtmfContentType(req.get('Content-Type'))) {
      const d = parseInfoDtmf(req.get('Content-Type') ?? '', req.body);
      if (d) {
        record.dtmf.push({ ...d, transport: 'info', at: new Date().toISOString() });
        this.server.log(`relay call=${record.callId} DTMF ${d.digit} (info)`);
      }
    }
    const opts: ForwardOptions = { routes };
    if (txn) opts.txn = txn;
    if (record) opts.record = record;
    if (req.method === 'INVITE' && record && record.reinvites.length < MAX_METHODS_PER_CALL) {
      const entry: ReinviteRecord = {
        direction: req.body.length > 0 ? offerDirection(req.body) : null,
        status: 0,
        at: new Date().toISOString(),
      };
      record.reinvites.push(entry);
      opts.reinvite = entry;
    }
    this.server.proxy.forward(conn, req, target, opts);
  }

  // ---------------------------------------------------------------------------------------------
  // Out-of-dialog requests

  private targetOf(req: SipMessage): { user: string; local: boolean } {
    const uri = parseUri(req.uri);
    if (uri.scheme === 'tel') return { user: uri.user, local: true };
    return { user: uri.user, local: this.server.localHosts.has(uri.host) };
  }

  /** An out-of-dialog request the proxy relays to a user (INVITE, MESSAGE, OPTIONS). */
  private isForUser(req: SipMessage): boolean {
    if (!['INVITE', 'MESSAGE', 'OPTIONS'].includes(req.method)) return false;
    try {
      const { user, local } = this.targetOf(req);
      return local && this.server.registrar.hasUser(user);
    } catch {
      return false;
    }
  }

  private onInitialInvite(conn: Connection, txn: InviteServerTxn): void {
    const req = txn.request;
    const username = this.server.registrar.authenticate(conn, req, 'proxy', txn);
    if (username === undefined) return;
    const fromUser = userOf(req.get('From'));
    if (fromUser !== username) {
      this.server.log(`INVITE from "${fromUser}" authenticated as "${username}": refused`);
      txn.respond(403, OUTCOMES['403']!.reason);
      return;
    }
    const { user: number, local } = this.targetOf(req);
    const isUser = local && this.server.registrar.hasUser(number);
    const record = this.server.records.add(
      newRecord({
        callId: req.get('Call-ID')!,
        number,
        from: fromUser,
        direction: isUser ? 'relay' : 'inbound',
        offerSdp: req.body,
        codecs: offerCodecs(req.body),
      }),
    );
    record.receivedMethods.push('INVITE');
    txn.record = record;
    txn.respond(100, 'Trying');
    const finish = (status: number, reason: string, why: string) => {
      txn.respond(status, reason);
      record.endedAt = new Date().toISOString();
      record.endReason = why;
    };
    if (!local) {
      finish(404, 'Not Found', 'foreign domain');
      return;
    }
    // Replaces (RFC 3891): malformed, it is the callee's business (relayed as it is), or ours.
    const replaces = parseReplaces(req.get('Replaces'));
    const mailboxOwner = this.server.events.mailboxOwner(number);
    if (isTestNumber(number) || mailboxOwner !== undefined) {
      if (req.has('Replaces') && !replaces) {
        finish(400, 'Bad Request', 'malformed Replaces header');
        return;
      }
      let replaced: DialogCall | undefined;
      if (replaces) {
        // Attended transfer to a test number: the new call replaces one of ours.
        replaced = this.server.uaCalls.get(replaces.callId);
        if (
          !replaced ||
          replaced.state === 'ended' ||
          replaced.localTag !== replaces.toTag ||
          replaced.remoteTag !== replaces.fromTag
        ) {
          finish(481, 'Call/Transaction Does Not Exist', 'Replaces names no call of ours');
          return;
        }
      }
      const voicemail =
        number === 'voicemail' || mailboxOwner !== undefined
          ? this.voicemailFor(mailboxOwner ?? fromUser, mailboxOwner === undefined)
          : undefined;
      const call = new UasCall(this.server, conn, txn, number, record, replaced, voicemail);
      this.server.uaCalls.set(record.callId, call);
      call.start();
      return;
    }
    if (isUser) {
      // An INVITE with Replaces goes to the connection holding the dialog it replaces (the
      // tab in the call being transferred), whatever registered last.
      const party = replaces
        ? this.server.proxy.dialogParty(replaces.callId, replaces.toTag, number)
        : undefined;
      const binding = party ? undefined : this.server.registrar.latestBinding(number);
      const target = party ?? (binding ? { conn: binding.conn, uri: binding.uri } : undefined);
      if (!target) {
        finish(480, 'Temporarily Unavailable', `${number} is not registered`);
        return;
      }
      if (party)
        this.server.log(`INVITE with Replaces routed to ${number}'s dialog ${replaces!.callId}`);
      this.server.proxy.forward(conn, req, target.conn, {
        requestUri: target.uri,
        txn,
        recordRoute: true,
        record,
      });
      return;
    }
    finish(404, 'Not Found', 'no such number or user');
  }

  /** A voicemail call: your own mailbox (`voicemail`, heard) or another's (left a message). */
  private voicemailFor(owner: string, listening: boolean): VoicemailScript {
    const events = this.server.events;
    return listening
      ? { kind: 'listen', done: () => events.messagesHeard(owner) }
      : { kind: 'record', done: () => events.messageLeft(owner) };
  }

  private onOptions(conn: Connection, req: SipMessage): void {
    const { user, local } = this.targetOf(req);
    const binding =
      local && this.server.registrar.hasUser(user)
        ? this.server.registrar.latestBinding(user)
        : undefined;
    if (binding) {
      this.server.proxy.forward(conn, req, binding.conn, { requestUri: binding.uri });
      return;
    }
    this.server.reply(conn, req, 200, 'OK', {
      headers: [
        ['Allow', ALLOW],
        ['Accept', 'application/sdp'],
        ['Supported', 'outbound, path'],
        ['Allow-Events', ALLOW_EVENTS],
      ],
    });
  }

  private onMessage(conn: Connection, req: SipMessage): void {
    const username = this.server.registrar.authenticate(conn, req, 'proxy');
    if (username === undefined) return;
    const { user, local } = this.targetOf(req);
    if (local && this.server.registrar.hasUser(user)) {
      const binding = this.server.registrar.latestBinding(user);
      if (!binding) {
        this.server.reply(conn, req, 480, 'Temporarily Unavailable');
        return;
      }
      this.server.proxy.forward(conn, req, binding.conn, { requestUri: binding.uri });
      return;
    }
    if (local && isTestNumber(user)) {
      this.server.log(`MESSAGE for ${user} from ${username} (${req.body.length} bytes) accepted`);
      this.server.reply(conn, req, 200, 'OK');
      return;
    }
    this.server.reply(conn, req, 404, 'Not Found');
  }
}

function canBuildResponse(msg: SipMessage): boolean {
  return ['Via', 'From', 'To', 'Call-ID', 'CSeq'].every((h) => {
    const v = msg.get(h);
    return v !== undefined && v.length > 0;
  });
}

function txnKey(conn: Connection, req: SipMessage): string {
  let branch: string | undefined;
  try {
    branch = parseVia(req.values('Via')[0] ?? '').branch;
  } catch {
    branch = undefined;
  }
  if (branch !== undefined && branch.startsWith('z9hG4bK') && branch.length > 7) {
    return `${conn.id}|${branch}`;
  }
  let seq = '';
  try {
    seq = String(parseCSeq(req.get('CSeq') ?? '').seq);
  } catch {
    seq = req.get('CSeq') ?? '';
  }
  return `${conn.id}|${req.get('Call-ID') ?? ''}|${seq}`;
}

/** Checks that decide 400 Bad Request; returns the problem, if any. */
function validateRequest(req: SipMessage): string | undefined {
  for (const name of SINGLE_HEADERS) {
    const lines = req.getAll(name);
    if (lines.length > 1) return `duplicate ${canonicalHeaderName(name)} header`;
  }
  let cseq;
  try {
    cseq = parseCSeq(req.get('CSeq')!);
  } catch (err) {
    return (err as Error).message;
  }
  if (cseq.method !== req.method) return 'CSeq method does not match the request method';
  try {
    const vias = req.values('Via');
    if (vias.length === 0) return 'missing Via';
    for (const v of vias) parseVia(v);
    parseNameAddr(req.get('From')!);
    parseNameAddr(req.get('To')!);
    for (const c of req.values('Contact')) if (c !== '*') parseNameAddr(c);
    for (const r of req.values('Route')) parseNameAddr(r);
    for (const r of req.values('Record-Route')) parseNameAddr(r);
  } catch (err) {
    return (err as Error).message;
  }
  const mf = req.get('Max-Forwards');
  if (mf !== undefined && (!/^\d{1,9}$/.test(mf) || Number(mf) > 255)) return 'bad Max-Forwards';
  const expires = req.get('Expires');
  if (expires !== undefined && !/^\d+$/.test(expires)) return 'bad Expires';
  return undefined;
}

/** A Replaces header (RFC 3891): `call-id;to-tag=...;from-tag=...[;early-only]`. */
function parseReplaces(
  value: string | undefined,
): { callId: string; toTag: string; fromTag: string } | undefined {
  if (value === undefined) return undefined;
  const semi = value.indexOf(';');
  if (semi <= 0) return undefined;
  try {
    const params = parseParams(value.slice(semi));
    const toTag = params.get('to-tag');
    const fromTag = params.get('from-tag');
    if (!toTag || !fromTag) return undefined;
    return { callId: value.slice(0, semi).trim(), toTag, fromTag };
  } catch {
    return undefined;
  }
}

/** One log line for a message. */
export function describe(msg: SipMessage): string {
  const callId = msg.get('Call-ID') ?? '-';
  if (msg.isRequest) {
    const from = userOf(msg.get('From')) || '?';
    const to = userOf(msg.get('To')) || '?';
    const auth = msg.has('Authorization') || msg.has('Proxy-Authorization') ? ' (credentials)' : '';
    return `${msg.method} ${msg.uri} call=${callId} ${from} -> ${to}${auth}`;
  }
  let method = '?';
  try {
    method = parseCSeq(msg.get('CSeq') ?? '').method;
  } catch {
    method = '?';
  }
  return `${msg.status} ${msg.reason} (${method}) call=${callId}`;
}
