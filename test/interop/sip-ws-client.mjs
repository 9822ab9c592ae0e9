// A small SIP-over-WebSocket user agent (RFC 7118) for the interop bed's Node side: it registers a
// bed user with digest authentication the way JsSIP does (Contact with +sip.instance and reg-id,
// so Kamailio's Path carries the outbound flow token), subscribes to event packages, publishes,
// answers NOTIFYs and, as a callee, rings (180) and answers (200) INVITEs. It exists to prove what
// Kamailio serves (presence.mjs, presence-proof.mjs) and to give browser tests bed commands
// (testbed-plugin.mjs) without a browser: it is not a SIP stack and handles only what those use.
// No timers of its own beyond the waits its callers ask for; every wait is bounded.
import { createHash, randomBytes } from 'node:crypto';
import WebSocket from 'ws';

const COMPACT = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  o: 'event',
  u: 'allow-events',
  e: 'content-encoding',
  s: 'subject',
};

const token = (n = 8) => randomBytes(n).toString('hex');
const md5 = (text) => createHash('md5').update(text).digest('hex');

/** Parses one SIP message (a WebSocket frame). Header names are lower-case, values in order. */
export function parseSip(text) {
  const split = text.indexOf('\r\n\r\n');
  const head = split >= 0 ? text.slice(0, split) : text;
  const body = split >= 0 ? text.slice(split + 4) : '';
  const lines = head.split('\r\n');
  const start = lines.shift() ?? '';
  const headers = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    let name = line.slice(0, colon).trim().toLowerCase();
    name = COMPACT[name] ?? name;
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(start);
  const request = /^([A-Z]+) (\S+) SIP\/2\.0$/.exec(start);
  const cseq = (headers.cseq?.[0] ?? '').split(/\s+/);
  return {
    text,
    start,
    status: response ? Number(response[1]) : undefined,
    reason: response?.[2],
    method: request ? request[1] : cseq[1],
    ruri: request?.[2],
    headers,
    header: (name) => headers[name.toLowerCase()]?.[0],
    body,
    callId: headers['call-id']?.[0],
    cseq: Number(cseq[0]),
  };
}

const tagOf = (value = '') => /;\s*tag=([^;>\s]+)/i.exec(value)?.[1];
const uriOf = (value = '') => /<([^>]+)>/.exec(value)?.[1]?.trim() ?? value.split(';')[0].trim();
const param = (header, name) =>
  new RegExp(`${name}="?([^",]+)"?`, 'i').exec(header ?? '')?.[1] ?? undefined;

export class SipWsClient {
  /** Everything received, in order (parsed messages with `at`, ms since the connection). */
  received = [];
  #ws;
  #opened = 0;
  #cseq = 1;
  #pending = new Map();
  #waiters = new Set();
  #host = `${token(5)}.invalid`;
  #contactUser = token(4);
  #instance = `urn:uuid:${[8, 4, 4, 4, 12].map((n) => token(n / 2)).join('-')}`;
  /** How the callee part answers INVITEs: `ring` (180, then nothing), `answer` (180, 200). */
  inviteMode = 'ring';
  /** Incoming INVITE transactions by Call-ID (callee side), for `answerCall` / CANCEL. */
  #incoming = new Map();

  constructor({ url, user, password, domain = '127.0.0.1' }) {
    this.url = url;
    this.user = user;
    this.password = password;
    this.domain = domain;
    this.aor = `sip:${user}@${domain}`;
  }

  /** The Via transport: WSS over a secure WebSocket (the Contact says transport=ws either way). */
  get #via() {
    return this.url.startsWith('wss:') ? 'WSS' : 'WS';
  }

  get contact() {
    return `<sip:${this.#contactUser}@${this.#host};transport=ws;ob>`;
  }

  async connect(timeout = 5000) {
    this.#ws = new WebSocket(this.url, 'sip', { rejectUnauthorized: false });
    this.#ws.on('message', (data) => this.#onMessage(String(data)));
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.url}: no WebSocket`)), timeout);
      this.#ws.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      this.#ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    this.#opened = Date.now();
    return this;
  }

  close() {
    this.#ws?.close();
  }

  #send(text) {
    this.#ws.send(text);
  }

  #onMessage(text) {
    const message = parseSip(text);
    message.at = Date.now() - this.#opened;
    this.received.push(message);
    if (message.status !== undefined) {
      const branch = /branch=([^;,\s]+)/.exec(message.header('via') ?? '')?.[1];
      const pending = this.#pending.get(branch);
      if (pending) pending(message);
    } else {
      this.#onRequest(message);
    }
    for (const waiter of [...this.#waiters]) waiter();
  }

  #reply(request, status, reason, { headers = [], body = '', toTag } = {}) {
    let to = request.header('to');
    if (toTag && !tagOf(to)) to = `${to};tag=${toTag}`;
    const lines = [
      `SIP/2.0 ${status} ${reason}`,
      ...request.headers.via.map((v) => `Via: ${v}`),
      ...(request.headers['record-route'] ?? []).map((r) => `Record-Route: ${r}`),
      `From: ${request.header('from')}`,
      `To: ${to}`,
      `Call-ID: ${request.callId}`,
      `CSeq: ${request.header('cseq')}`,
      ...headers,
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ];
    this.#send(lines.join('\r\n'));
  }

  #onRequest(request) {
    switch (request.method) {
      case 'NOTIFY':
      case 'OPTIONS':
      case 'BYE':
        this.#reply(request, 200, 'OK');
        return;
      case 'ACK':
        return;
      case 'INVITE': {
        const toTag = tagOf(request.header('to')) ?? token(4);
        this.#incoming.set(request.callId, { request, toTag });
        this.#reply(request, 180, 'Ringing', {
          toTag,
          headers: [`Contact: ${this.contact}`],
        });
        if (this.inviteMode === 'answer') this.answerCall(request.callId);
        return;
      }
      case 'CANCEL': {
        this.#reply(request, 200, 'OK');
        const call = this.#incoming.get(request.callId);
        if (call) this.#reply(call.request, 487, 'Request Terminated', { toTag: call.toTag });
        return;
      }
      default:
        this.#reply(request, 405, 'Method Not Allowed');
    }
  }

  /** Answers an incoming INVITE (callee side) with 200 and a minimal SDP answer. */
  answerCall(callId) {
    const call = this.#incoming.get(callId);
    if (!call) throw new Error(`no incoming call ${callId}`);
    this.#reply(call.request, 200, 'OK', {
      toTag: call.toTag,
      headers: [`Contact: ${this.contact}`, 'Content-Type: application/sdp'],
      body: dummySdp(),
    });
  }

  /** Waits (bounded) for a received message that `match` accepts; returns it. */
  waitFor(match, what, timeout = 5000, from = 0) {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.received.slice(from).find(match);
        if (!found) return false;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(
          new Error(
            `${this.user}: no ${what} within ${timeout} ms; received:\n` +
              this.received.map((m) => `  ${m.start}`).join('\n'),
          ),
        );
      }, timeout);
      this.#waiters.add(check);
      check();
    });
  }

  /**
   * Sends a request and resolves with its final response, answering one 401/407 with digest
   * credentials (the bed's users). `dialog` sends it within a dialog (route set, tags, target).
   */
  async request(
    method,
    { ruri, to, headers = [], body = '', contentType, dialog, timeout = 5000 },
  ) {
    const callId = dialog?.callId ?? `${token(10)}`;
    const fromTag = dialog?.localTag ?? token(5);
    const target = dialog?.remoteTarget ?? ruri;
    const toHeader = dialog
      ? `<${dialog.remoteUri}>${dialog.remoteTag ? `;tag=${dialog.remoteTag}` : ''}`
      : `<${to ?? ruri}>`;
    const routes = (dialog?.routeSet ?? []).map((r) => `Route: ${r}`);
    let auth;
    for (let attempt = 0; attempt < 2; attempt++) {
      const cseq = dialog ? ++dialog.localSeq : this.#cseq++;
      const branch = `z9hG4bK${token(8)}`;
      const lines = [
        `${method} ${target} SIP/2.0`,
        `Via: SIP/2.0/${this.#via} ${this.#host};branch=${branch}`,
        'Max-Forwards: 70',
        ...routes,
        `To: ${toHeader}`,
        `From: <${this.aor}>;tag=${fromTag}`,
        `Call-ID: ${callId}`,
        `CSeq: ${cseq} ${method}`,
        ...(auth ? [auth] : []),
        ...headers,
        ...(body ? [`Content-Type: ${contentType}`] : []),
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ];
      const final = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          this.#pending.delete(branch);
          reject(new Error(`${this.user}: no final response to ${method} within ${timeout} ms`));
        }, timeout);
        this.#pending.set(branch, (response) => {
          if (response.status < 200) return;
          clearTimeout(timer);
          this.#pending.delete(branch);
          resolve(response);
        });
        this.#send(lines.join('\r\n'));
      });
      if ((final.status === 401 || final.status === 407) && attempt === 0) {
        auth = this.#authorization(final, method, target);
        continue;
      }
      if (method === 'INVITE' && final.status >= 200)
        this.#ack(final, { target, routes, fromTag, callId, toHeader });
      return { response: final, callId, fromTag };
    }
    throw new Error('unreachable');
  }

  #authorization(challenge, method, uri) {
    const header =
      challenge.status === 401
        ? challenge.header('www-authenticate')
        : challenge.header('proxy-authenticate');
    const realm = param(header, 'realm');
    const nonce = param(header, 'nonce');
    const qop = /qop="?([^",]+)/i.exec(header)?.[1]?.split(',')[0];
    const ha1 = md5(`${this.user}:${realm}:${this.password}`);
    const ha2 = md5(`${method}:${uri}`);
    const cnonce = token(8);
    const nc = '00000001';
    const response = qop
      ? md5(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`)
      : md5(`${ha1}:${nonce}:${ha2}`);
    const name = challenge.status === 401 ? 'Authorization' : 'Proxy-Authorization';
    return (
      `${name}: Digest username="${this.user}", realm="${realm}", nonce="${nonce}", ` +
      `uri="${uri}", response="${response}", algorithm=MD5` +
      (qop ? `, qop=${qop}, cnonce="${cnonce}", nc=${nc}` : '')
    );
  }

  /** ACK for a final response to our INVITE (2xx: along the dialog's route set). */
  #ack(final, { target, routes, fromTag, callId, toHeader }) {
    const ok = final.status < 300;
    const routeSet = ok ? [...(final.headers['record-route'] ?? [])].reverse() : [];
    const lines = [
      `ACK ${ok ? uriOf(final.header('contact')) : target} SIP/2.0`,
      `Via: SIP/2.0/${this.#via} ${this.#host};branch=z9hG4bK${token(8)}`,
      'Max-Forwards: 70',
      ...(ok ? routeSet.map((r) => `Route: ${r}`) : routes),
      `To: ${ok ? final.header('to') : toHeader}`,
      `From: <${this.aor}>;tag=${fromTag}`,
      `Call-ID: ${callId}`,
      `CSeq: ${final.cseq} ACK`,
      'Content-Length: 0',
      '',
      '',
    ];
    this.#send(lines.join('\r\n'));
  }

  /** REGISTER as JsSIP does (outbound: reg-id and +sip.instance); throws unless 200. */
  async register(expires = 600) {
    const { response } = await this.request('REGISTER', {
      ruri: `sip:${this.domain}`,
      to: this.aor,
      headers: [
        `Contact: ${this.contact};+sip.instance="<${this.#instance}>";reg-id=1;expires=${expires}`,
        'Supported: path, outbound, gruu',
        `Expires: ${expires}`,
      ],
    });
    if (response.status !== 200) throw new Error(`${this.user}: REGISTER ${response.start}`);
    return response;
  }

  /**
   * SUBSCRIBE to `event` for `target` (a user or a SIP URI). Resolves with the final response
   * and a dialog to refresh or end it with `resubscribe`.
   */
  async subscribe(target, event, { accept, expires = 600 } = {}) {
    const ruri = target.startsWith('sip:') ? target : `sip:${target}@${this.domain}`;
    const result = await this.request('SUBSCRIBE', {
      ruri,
      headers: [
        `Contact: ${this.contact}`,
        `Event: ${event}`,
        ...(accept ? [`Accept: ${accept}`] : []),
        `Expires: ${expires}`,
      ],
    });
    const { response, callId, fromTag } = result;
    const dialog =
      response.status < 300
        ? {
            callId,
            localTag: fromTag,
            remoteTag: tagOf(response.header('to')),
            remoteUri: ruri,
            remoteTarget: uriOf(response.header('contact')),
            routeSet: [...(response.headers['record-route'] ?? [])].reverse(),
            localSeq: response.cseq,
          }
        : undefined;
    return { response, dialog, event, accept };
  }

  /** Refreshes (or, with expires 0, ends) a subscription within its dialog. */
  async resubscribe({ dialog, event, accept }, expires) {
    const { response } = await this.request('SUBSCRIBE', {
      dialog,
      headers: [
        `Contact: ${this.contact}`,
        `Event: ${event}`,
        ...(accept ? [`Accept: ${accept}`] : []),
        `Expires: ${expires}`,
      ],
    });
    return response;
  }

  /** NOTIFYs received for a subscription (by its Call-ID), in order. */
  notifies(callId) {
    return this.received.filter((m) => m.method === 'NOTIFY' && m.ruri && m.callId === callId);
  }

  /** PUBLISH an event state for this user's own AoR (or `target`). */
  async publish(event, contentType, body, { target, expires = 600 } = {}) {
    const ruri = target ?? this.aor;
    const { response } = await this.request('PUBLISH', {
      ruri,
      headers: [`Event: ${event}`, `Expires: ${expires}`],
      body,
      contentType,
    });
    return response;
  }
}

/** A minimal SDP offer/answer (no media flows: the peers here only signal). */
export function dummySdp() {
  return [
    'v=0',
    `o=- ${Date.now()} 1 IN IP4 127.0.0.1`,
    's=-',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    'm=audio 9 RTP/AVP 0',
    'a=rtpmap:0 PCMU/8000',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

/** An RFC 3842 message-summary body. */
export function messageSummary({ newMessages = 0, oldMessages = 0, account } = {}) {
  return [
    `Messages-Waiting: ${newMessages > 0 ? 'yes' : 'no'}`,
    ...(account ? [`Message-Account: ${account}`] : []),
    `Voice-Message: ${newMessages}/${oldMessages}`,
    '',
  ].join('\r\n');
}
