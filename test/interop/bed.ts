/**
 * Browser-side access to the interop test bed (Kamailio, rtpengine, sipp, baresip, coturn) that
 * testbed-plugin.mjs runs, and a `<sip-phone>` fixture registered to it.
 */
import { executeServerCommand } from '@web/test-runner-commands';
import { audioCodecsInSdp, type PhoneConfig, type WireMessage } from '../../src/index.js';
import { phoneFixture, type PhoneUnderTest } from '../helpers/phone-fixture.js';
import { waitFor } from '../helpers/sandbox.js';

export interface BedInfo {
  wssUrl: string;
  wsUrl: string;
  domain: string;
  users: Array<{ user: string; password: string }>;
  /** The locked-down kiosk account: may call `target` only, may not register. */
  kiosk: { user: string; password: string; target: string };
  numbers: {
    sipp: string;
    sippEarlyMedia: string;
    sippHangsUpAfterRefresh: string;
    baresip: string;
    ringForever: string;
    uacCaller: string;
    /** The sipp UAC that rings a bed user for a while, then cancels (`ringUser`). */
    ringer: string;
    specials: number[];
  };
  /** coturn on loopback (UDP and TCP), long-term credentials. */
  turn: { url: string; username: string; credential: string; realm: string };
  ports: Record<string, number>;
  startupMs: number;
  /**
   * The Kamailio pair: node A is the bed's Kamailio (wssUrl, wsUrl above); node B runs only after
   * `pairStart()`. `address`: the pair's shared address in the phone-facing Record-Route.
   */
  pair: { address: string; a: PairNode; b: PairNode };
}

export type NodeName = 'a' | 'b';

export interface PairNode {
  label: 'A' | 'B';
  wssUrl: string;
  wsUrl: string;
  udp: number;
  ws: number;
  wss: number;
}

/** One contact of a node's location table (`kamcmd ul.dump`). */
export interface LocationEntry {
  aor: string;
  contact: string;
  path?: string;
  received?: string;
  instance?: string;
  regId?: string;
  expires?: string;
  socket?: string;
  userAgent?: string;
}

export interface DtmfEvent {
  digit: string;
  pt: number;
  packets: number;
  endPackets: number;
  durationSamples: number;
  durationMs: number;
  /** From this event's start to the next one's (RTP clock), in ms. */
  nextStartMs?: number;
}

export interface RtpengineLeg {
  tag: string;
  packets: number;
  bytes: number;
  protocols: string[];
}

export const command = <T>(action: string, args: Record<string, unknown> = {}): Promise<T> =>
  executeServerCommand<T, Record<string, unknown>>('interop', { action, ...args });

let cached: BedInfo | undefined;

/** Starts the bed on first use (a second or so) and describes it. */
export async function bed(): Promise<BedInfo> {
  cached ??= await command<BedInfo>('info');
  return cached;
}

export interface BedPhone extends PhoneUnderTest {
  /** Every SIP message this phone sent or received, from its first REGISTER on. */
  wire: WireMessage[];
}

/** A `<sip-phone>` for a bed user, over WSS unless told otherwise, with everything recorded. */
export async function bedPhone(
  user: string,
  options: {
    transport?: 'ws' | 'wss';
    /** Instead of the transport's URL on node A: these server URL(s), e.g. both nodes of the pair. */
    server?: string | string[];
    password?: string;
    displayName?: string;
    config?: Partial<PhoneConfig>;
  } = {},
): Promise<BedPhone> {
  const info = await bed();
  const account = [...info.users, info.kiosk].find((u) => u.user === user);
  if (!account) throw new Error(`the bed has no user ${user}`);
  const { el, registrations, calls } = await phoneFixture({
    server: options.server ?? (options.transport === 'ws' ? info.wsUrl : info.wssUrl),
    uri: `sip:${user}@${info.domain}`,
    password: options.password ?? account.password,
    ...(options.config ? { config: options.config } : {}),
    ...(options.displayName ? { displayName: options.displayName } : {}),
  });
  // The phone exists from the first update; its socket cannot have connected yet.
  const wire: WireMessage[] = [];
  el.phone!.on('wire', (m) => wire.push(m));
  return { el, registrations, calls, wire };
}

export async function registeredBedPhone(
  user: string,
  options: { transport?: 'ws' | 'wss'; displayName?: string } = {},
): Promise<BedPhone> {
  const phone = await bedPhone(user, options);
  await waitFor(
    () => phone.el.registrationState === 'registered',
    `${user} registered with Kamailio (${JSON.stringify(phone.registrations)})`,
  );
  return phone;
}

/** Starts node B of the pair (unless it runs) once A and B see each other in DMQ. */
export const pairStart = (): Promise<{ pid: number; startMs: number; dmqMs: number }> =>
  command('pair-start');

/** A node's location table, one entry per contact. */
export const location = (node: NodeName): Promise<LocationEntry[]> =>
  command<LocationEntry[]>('location', { node });

/** The contacts of `user`'s AoR in a node's location table. */
export async function contactsOf(node: NodeName, user: string): Promise<LocationEntry[]> {
  const { domain } = await bed();
  return (await location(node)).filter((e) => e.aor === `${user}@${domain}` || e.aor === user);
}

/** Records a scenario's timing: printed in the browser log now and in the runner's summary. */
export async function timing(name: string, started: number, detail = ''): Promise<void> {
  const ms = performance.now() - started;
  console.log(`[interop] ${name}: ${Math.round(ms)} ms${detail ? ` (${detail})` : ''}`);
  await command('timing', { name, ms, detail });
}

/** Mocha `afterEach`: when the test failed, print the end of every server's log with it. */
export async function printLogsIfFailed(this: Mocha.Context): Promise<void> {
  if (this.currentTest?.state !== 'failed') return;
  const logs = await command<Record<string, string>>('logs');
  for (const [name, text] of Object.entries(logs))
    console.log(`[interop] ${name} log (end):\n${text}`);
}

/** The SIP responses to the INVITE of the phone's current call, relative to its first INVITE. */
export function responseTimeline(phone: BedPhone): string {
  const call = phone.el.currentCall;
  if (!call?.callId) return '';
  const invite = phone.wire.find(
    (m) => m.callId === call.callId && m.method === 'INVITE' && m.direction === 'out',
  );
  if (!invite) return '';
  return phone.wire
    .filter((m) => m.callId === call.callId && m.status !== undefined && m.method === 'INVITE')
    .map((m) => `${m.status}@${m.at - invite.at}ms`)
    .join(' ');
}

/** One SIP message out of a sipp `-trace_msg` file. */
export interface TracedMessage {
  direction: 'sent' | 'received';
  text: string;
  startLine: string;
  callId: string;
  body: string;
}

/** Parses sipp's message trace (blocks that start with "UDP message sent/received"). */
export function parseSippTrace(trace: string): TracedMessage[] {
  const messages: TracedMessage[] = [];
  const blocks = trace.split(/^.*UDP message (sent|received)[^\n]*\n/m);
  for (let i = 1; i + 1 < blocks.length; i += 2) {
    const text = blocks[i + 1]!.replace(/\r/g, '').replace(/^\n+/, '');
    const blank = text.indexOf('\n\n');
    const head = blank >= 0 ? text.slice(0, blank) : text;
    const body = blank >= 0 ? text.slice(blank + 2) : '';
    messages.push({
      direction: blocks[i] as 'sent' | 'received',
      text,
      startLine: head.split('\n')[0]!.trim(),
      callId: /^(?:Call-ID|i):\s*(.+)$/im.exec(head)?.[1]?.trim() ?? '',
      body: body.replace(/-{10,}[\s\S]*$/, '').trim(),
    });
  }
  return messages;
}

/** sipp's trace of peer `2000`/`2001` (or a UAC id), for one Call-ID. */
export async function sippMessages(peer: string, callId?: string): Promise<TracedMessage[]> {
  const all = parseSippTrace(await command<string>('sipp-messages', { peer }));
  return callId ? all.filter((m) => m.callId === callId) : all;
}

/** Encoding names offered in an SDP body (`PCMU/8000`, …). */
export const offeredCodecs = (sdp: string): string[] =>
  audioCodecsInSdp(sdp.replace(/\n/g, '\r\n'));

/** The payload type an SDP gives telephone-event/8000. */
export function telephoneEventPt(sdp: string): number {
  const match = /a=rtpmap:(\d+) telephone-event\/8000/i.exec(sdp);
  if (!match) throw new Error(`no telephone-event/8000 in\n${sdp}`);
  return Number(match[1]);
}

export async function rtpengineLegs(callId: string): Promise<RtpengineLeg[]> {
  const result = await command<{ result: string; legs?: RtpengineLeg[]; reason?: string }>(
    'rtpengine',
    { callId },
  );
  if (result.result !== 'ok') throw new Error(`rtpengine query: ${result.result} ${result.reason}`);
  return result.legs ?? [];
}

/**
 * The answer to the phone's target refresh in a call: a 200 to an INVITE of `callId` after the
 * one that answered the call. Undefined until it arrives.
 */
export function refreshAnswer(phone: BedPhone, callId: string): WireMessage | undefined {
  const answers = phone.wire.filter(
    (m) => m.callId === callId && m.method === 'INVITE' && m.direction === 'in' && m.status === 200,
  );
  return answers[1];
}

/** How a sipp UAC (`call-browser`, `ringUser`) ended: exit code 0 means it went as scripted. */
export interface UacResult {
  exitCode: number | string | null;
  timedOut: boolean;
  messages: string;
  errors: string;
}

/** Waits (at most `timeout` ms) for a sipp UAC started by a command to end. */
export const waitUac = (id: string, timeout = 30_000): Promise<UacResult> =>
  command<UacResult>('uac-wait', { id, timeout });

/**
 * The ringer (sipp UAC `2998`, UDP :5074) calls `user` through Kamailio, lets it ring `ringMs`
 * after its 180, then cancels (CANCEL → 487 → ACK). The callee must not answer (the UAC then
 * fails). Meanwhile Kamailio publishes the call's dialog state for `user`: a watcher sees `early`,
 * then `terminated`. One ringer at a time (fixed ports). → the UAC's id, for `waitUac`.
 */
export async function ringUser(user: string, ringMs = 3000, node: NodeName = 'a'): Promise<string> {
  const { id } = await command<{ id: string }>('ring-user', { user, ringMs, node });
  return id;
}

/** A message summary (RFC 3842) as the bed sends it. */
export interface MwiSent {
  status: number;
  reason: string;
  /** `Messages-Waiting: yes|no`, `Message-Account: sip:<user>@127.0.0.1`, `Voice-Message: n/o`. */
  body: string;
}

/**
 * PUBLISH `Event: message-summary` for `user`, authenticated as `user` over WebSocket (a phone
 * may publish only its own state): Kamailio (presence_mwi) NOTIFYs every message-summary
 * subscriber of `user` with the same body. 200 when accepted. The state lasts `expires` s.
 */
export const publishMwi = (args: {
  user: string;
  newMessages: number;
  oldMessages: number;
  expires?: number;
  node?: NodeName;
}): Promise<MwiSent & { etag?: string }> => command('publish-mwi', args);

/**
 * An unsolicited `NOTIFY` (`Event: message-summary`, no subscription, RFC 3842 section 5) for
 * `user`, sent over UDP as a voicemail server does; Kamailio delivers it to the user's registered
 * contact. 200 is the phone's answer; 404 when `user` is not registered.
 */
export const sendMwiNotify = (args: {
  user: string;
  newMessages: number;
  oldMessages: number;
  node?: NodeName;
}): Promise<MwiSent & { callId: string }> => command('send-mwi-notify', args);

/** A NOTIFY a Node-side watcher received. */
export interface WatchNotify {
  /** ms since the watcher connected */
  at: number;
  event?: string;
  subscriptionState?: string;
  contentType?: string;
  body: string;
}

/** A Node-side watcher: bed user `watcher` subscribed to `event` of `target`. */
export interface Watch {
  id: string;
  /** The SUBSCRIBE's final status (Kamailio answers 200, not 202). */
  status: number;
  notifies(): Promise<WatchNotify[]>;
  /** Waits (bounded) until a NOTIFY matches; returns it. */
  until(match: (n: WatchNotify) => boolean, what: string, timeout?: number): Promise<WatchNotify>;
  stop(): Promise<void>;
}

/**
 * Starts a Node-side watcher (a SIP-over-WebSocket client of bed user `watcher`, not a browser)
 * subscribed to `event` (`dialog`, `presence`, `message-summary`) of `target` (a user or a SIP
 * URI): what Kamailio NOTIFYs a watcher, seen without a second page.
 */
export async function watch(args: {
  watcher: string;
  target: string;
  event: 'dialog' | 'presence' | 'message-summary';
  accept?: string;
  expires?: number;
  node?: NodeName;
}): Promise<Watch> {
  const started = await command<{ id?: string; status: number; reason: string }>(
    'watch-start',
    args,
  );
  if (!started.id)
    throw new Error(
      `SUBSCRIBE ${args.event} for ${args.target}: ${started.status} ${started.reason}`,
    );
  const id = started.id;
  const notifies = () => command<WatchNotify[]>('watch-notifies', { id });
  return {
    id,
    status: started.status,
    notifies,
    async until(match, what, timeout = 5000) {
      let found: WatchNotify | undefined;
      await waitFor(
        async () => (found = (await notifies()).find(match)) !== undefined,
        `${args.watcher}'s watch of ${args.target} (${args.event}): ${what}`,
        timeout,
      );
      return found!;
    },
    async stop() {
      await command('watch-stop', { id });
    },
  };
}

/** The `<state>` of each `<dialog>` in a dialog-info document, in order (RFC 4235). */
export const dialogStates = (body: string): string[] =>
  [...body.matchAll(/<dialog\b[\s\S]*?<state[^>]*>([^<]*)<\/state>/g)].map((m) => m[1]!);
