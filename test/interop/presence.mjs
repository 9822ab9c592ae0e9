// Presence, dialog state and message waiting in the interop bed, from the Node side: what the bed
// commands of testbed-plugin.mjs do (publish a message summary, send an unsolicited
// message-summary NOTIFY as a voicemail server does, watch a user) and what presence-node.test.mjs
// proves against Kamailio. Kamailio is the presence server (kamailio.cfg, route[PRESENCE]).
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { SipWsClient, messageSummary, parseSip } from './sip-ws-client.mjs';

const token = (n = 6) => randomBytes(n).toString('hex');

/** A bed user's Node client on a node's WS port, connected (not registered). */
export async function bedClient(info, user, { node = 'a', transport = 'ws' } = {}) {
  const account = info.users.find((u) => u.user === user);
  if (!account) throw new Error(`the bed has no user ${user}`);
  const client = new SipWsClient({
    url: transport === 'wss' ? info.pair[node].wssUrl : info.pair[node].wsUrl,
    user,
    password: account.password,
    domain: info.domain,
  });
  return client.connect();
}

/**
 * PUBLISH a message summary (RFC 3842) for `user`, authenticated as that user over WebSocket, as a
 * phone's own mailbox state would be: Kamailio (presence_mwi) NOTIFYs the user's message-summary
 * subscribers with this body. → `{ status, reason, etag, body }`.
 */
export async function publishMwi(
  info,
  { user, newMessages = 0, oldMessages = 0, expires = 600, node = 'a' },
) {
  const client = await bedClient(info, user, { node });
  try {
    const body = messageSummary({
      newMessages,
      oldMessages,
      account: `sip:${user}@${info.domain}`,
    });
    const response = await client.publish(
      'message-summary',
      'application/simple-message-summary',
      body,
      {
        expires,
      },
    );
    return {
      status: response.status,
      reason: response.reason,
      etag: response.header('sip-etag'),
      body,
    };
  } finally {
    client.close();
  }
}

/**
 * An unsolicited NOTIFY (no subscription, RFC 3842 section 5) with Event: message-summary for
 * `user`, sent over UDP to Kamailio as a voicemail server would; Kamailio delivers it to the user's
 * registered contact. → `{ status, reason, body }` (the final response: 200 from the phone, 404
 * when the user is not registered, 408 when nothing answered within `timeout`).
 */
export function sendMwiNotify(
  info,
  { user, newMessages = 0, oldMessages = 0, node = 'a', timeout = 5000 },
) {
  const port = info.pair[node].udp;
  const body = messageSummary({ newMessages, oldMessages, account: `sip:${user}@${info.domain}` });
  const socket = createSocket('udp4');
  const branch = `z9hG4bK${token(8)}`;
  const callId = `mwi-${token(8)}`;
  return new Promise((resolve, reject) => {
    const done = (value) => {
      clearTimeout(timer);
      socket.close();
      resolve(value);
    };
    const timer = setTimeout(
      () => done({ status: 408, reason: 'no final response', body, callId }),
      timeout,
    );
    socket.on('message', (data) => {
      const message = parseSip(String(data));
      if (message.status === undefined || message.status < 200) return;
      if (message.callId !== callId) return;
      done({ status: message.status, reason: message.reason, body, callId });
    });
    socket.on('error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
    socket.bind(0, '127.0.0.1', () => {
      const local = socket.address().port;
      const text = [
        `NOTIFY sip:${user}@${info.domain} SIP/2.0`,
        `Via: SIP/2.0/UDP 127.0.0.1:${local};branch=${branch};rport`,
        'Max-Forwards: 70',
        `From: "Voicemail" <sip:voicemail@${info.domain}>;tag=${token(4)}`,
        `To: <sip:${user}@${info.domain}>`,
        `Call-ID: ${callId}`,
        'CSeq: 1 NOTIFY',
        `Contact: <sip:voicemail@127.0.0.1:${local}>`,
        'Event: message-summary',
        'Subscription-State: terminated;reason=timeout',
        'Content-Type: application/simple-message-summary',
        `Content-Length: ${Buffer.byteLength(body)}`,
        '',
        body,
      ].join('\r\n');
      socket.send(text, port, '127.0.0.1');
    });
  });
}

/**
 * Node-side watchers: a bed user's client that subscribes to `event` for `target` and keeps every
 * NOTIFY. Browser tests use them to see what Kamailio sends a watcher (for example the
 * dialog state of a phone that rings) without a second page.
 */
export class Watchers {
  #watches = new Map();
  #seq = 0;

  constructor(info) {
    this.info = info;
  }

  /** → `{ id, status, reason, expires, notifies }` once the SUBSCRIBE has its final response. */
  async start({ watcher, target, event, accept, expires = 600, node = 'a' }) {
    const client = await bedClient(this.info, watcher, { node });
    const subscription = await client.subscribe(target, event, { accept, expires });
    const id = `watch-${++this.#seq}`;
    if (subscription.response.status >= 300) {
      client.close();
      return {
        id: undefined,
        status: subscription.response.status,
        reason: subscription.response.reason,
      };
    }
    this.#watches.set(id, { client, subscription });
    return {
      id,
      status: subscription.response.status,
      reason: subscription.response.reason,
      expires: subscription.response.header('expires'),
    };
  }

  /** The NOTIFYs a watch received so far: `{ at, event, subscriptionState, contentType, body }`. */
  notifies(id) {
    const watch = this.#watches.get(id);
    if (!watch) throw new Error(`no watch ${id}`);
    return watch.client.notifies(watch.subscription.dialog.callId).map((m) => notifySummary(m));
  }

  /** Ends a watch: SUBSCRIBE Expires: 0 (its final NOTIFY is kept), then the connection. */
  async stop(id) {
    const watch = this.#watches.get(id);
    if (!watch) return false;
    this.#watches.delete(id);
    try {
      await watch.client.resubscribe(watch.subscription, 0);
    } finally {
      watch.client.close();
    }
    return true;
  }

  async stopAll() {
    for (const id of [...this.#watches.keys()]) await this.stop(id).catch(() => {});
  }
}

/** The parts of a NOTIFY a test reads. */
export function notifySummary(m) {
  return {
    at: m.at,
    event: m.header('event'),
    subscriptionState: m.header('subscription-state'),
    contentType: m.header('content-type'),
    body: m.body,
  };
}

/** The states of the `<dialog>` elements of a dialog-info document, in order. */
export function dialogStates(body) {
  return [...body.matchAll(/<dialog\b[\s\S]*?<state[^>]*>([^<]*)<\/state>/g)].map((m) => m[1]);
}
