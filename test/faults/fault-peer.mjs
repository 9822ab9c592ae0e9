// A scriptable fault-injecting SIP peer for the `faults` group. It stands between the phone in
// Chromium and the sandbox SIP server, on a real WebSocket (loopback only):
//
//   phone ──ws──▶ fault peer ──ws──▶ sandbox
//
// Each test creates a scenario (its own path, /s/<id>); the peer forwards SIP both ways and logs
// every frame, and its rules answer, drop or rewrite chosen messages, or cut the connection. The
// upstream connection to the sandbox outlives the phone's connection, as an edge proxy's flow does:
// a phone that reconnects finds its registration path and its dialogs where it left them. With
// `media: true` the SDP is rewritten so that audio passes through a UDP relay of the peer, which a
// test can black-hole to break the audio path. An HTTP server on the same port serves the strict-CSP
// test page and the built bundle with exactly the headers the test wants, and the built pages.
import { createServer } from 'node:http';
import { createSocket } from 'node:dgram';
import { readFile, readdir } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { WebSocket, WebSocketServer } from 'ws';
import { serveApp } from './app-server.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
// The shared torture fixtures sit beside the checkout (../shared); a clone elsewhere finds them
// at the workplace's fixed path, or where SIP_PHONE_FIXTURES says.
export const FIXTURES =
  [process.env.SIP_PHONE_FIXTURES, join(ROOT, '../shared/fixtures'), '/work/shared/fixtures'].find(
    (dir) => dir && existsSync(dir),
  ) ?? join(ROOT, '../shared/fixtures');

/** Start line and the headers the log needs, from raw SIP text. */
export function summarize(text) {
  if (text === '\r\n' || text === '\r\n\r\n') return { kind: 'crlf' };
  const end = text.indexOf('\r\n\r\n');
  const head = (end >= 0 ? text.slice(0, end) : text).replace(/\r\n[ \t]+/g, ' ');
  const lines = head.split('\r\n');
  const header = (...names) => {
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0 && names.includes(line.slice(0, colon).trim().toLowerCase()))
        return line.slice(colon + 1).trim();
    }
    return undefined;
  };
  const cseq = /^(\d+)\s+(\S+)/.exec(header('cseq') ?? '');
  const base = {
    kind: 'sip',
    callId: header('call-id', 'i'),
    cseq: cseq ? Number(cseq[1]) : undefined,
    cseqMethod: cseq?.[2]?.toUpperCase(),
    branch: /;\s*branch=([^;,\s]+)/i.exec(header('via', 'v') ?? '')?.[1],
    toTag: /;\s*tag=([^;,\s>]+)/i.exec(header('to', 't') ?? '')?.[1],
    expires: header('expires'),
    // What a transfer test checks on the wire: the REFER's target, and what the INVITE carries.
    referTo: header('refer-to', 'r'),
    replaces: header('replaces'),
    referredBy: header('referred-by', 'b'),
    contact: header('contact', 'm'),
    headerNames: lines
      .slice(1)
      .map((line) => line.slice(0, line.indexOf(':')).trim().toLowerCase()),
    iceUfrag: end >= 0 ? /^a=ice-ufrag:(\S+)/m.exec(text.slice(end + 4))?.[1] : undefined,
  };
  const response = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
  if (response) {
    return { ...base, status: Number(response[1]), reason: response[2], method: base.cseqMethod };
  }
  const request = /^([A-Za-z]+) (\S+) SIP\/2\.0$/.exec(lines[0] ?? '');
  if (request) return { ...base, method: request[1].toUpperCase(), uri: request[2] };
  return { kind: 'other' };
}

/** Headers of a raw message, by lower-case name, in order. */
function headersOf(text) {
  const end = text.indexOf('\r\n\r\n');
  const head = (end >= 0 ? text.slice(0, end) : text).replace(/\r\n[ \t]+/g, ' ');
  return head
    .split('\r\n')
    .slice(1)
    .map((line) => {
      const colon = line.indexOf(':');
      return colon > 0 ? [line.slice(0, colon).trim(), line.slice(colon + 1).trim()] : undefined;
    })
    .filter(Boolean);
}

/** A response the peer makes itself to a request from the phone. */
export function buildResponse(request, status, reason, extraHeaders = [], body = '') {
  const copied = headersOf(request).filter(([name]) =>
    ['via', 'v', 'from', 'f', 'to', 't', 'call-id', 'i', 'cseq'].includes(name.toLowerCase()),
  );
  const tag = randomBytes(4).toString('hex');
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const [name, value] of copied) {
    const lower = name.toLowerCase();
    const needsTag = (lower === 'to' || lower === 't') && !/;\s*tag=/i.test(value);
    lines.push(`${name}: ${needsTag ? `${value};tag=${tag}` : value}`);
  }
  for (const [name, value] of extraHeaders) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return lines.join('\r\n');
}

// A rule without `status` matches requests; with one, responses with that status.
const matches = (rule, from, info, text) =>
  rule.from === from &&
  (rule.withHeader === undefined || new RegExp(`\\r\\n${rule.withHeader}\\s*:`, 'i').test(text)) &&
  info.kind === 'sip' &&
  (rule.method === undefined || rule.method === info.method) &&
  rule.status === info.status &&
  (rule.times === undefined || rule.times > 0);

/**
 * A UDP relay for one scenario's audio. Every real endpoint (address:port from an SDP) gets a
 * stand-in socket; the other side is told the stand-in. A packet reaching E's stand-in from X is
 * sent on to E from X's stand-in, so each side sees only stand-ins and ICE works unchanged.
 */
class MediaRelay {
  constructor() {
    this.sockets = new Map(); // "addr:port" → { socket, side, real }
    this.blackhole = false;
    this.counts = { toPhone: 0, toServer: 0, dropped: 0 };
  }

  async standIn(address, port, side) {
    const key = `${address}:${port}`;
    let entry = this.sockets.get(key);
    if (entry) return entry;
    const socket = createSocket('udp4');
    entry = { socket, side, real: { address, port } };
    this.sockets.set(key, entry);
    await new Promise((resolve) => socket.bind(0, '127.0.0.1', resolve));
    socket.on('message', (data, from) => void this.#forward(entry, data, from));
    return entry;
  }

  async #forward(target, data, from) {
    if (this.blackhole) {
      this.counts.dropped++;
      return;
    }
    const sourceSide = target.side === 'phone' ? 'server' : 'phone';
    const source = await this.standIn(from.address, from.port, sourceSide);
    if (target.side === 'phone') this.counts.toPhone++;
    else this.counts.toServer++;
    source.socket.send(data, target.real.port, target.real.address);
  }

  /** Rewrites the UDP candidates of an SDP body from `side` to stand-ins; drops the others. */
  async rewrite(sdp, side) {
    const lines = sdp.split(/\r?\n/);
    const out = [];
    let firstPort;
    for (const line of lines) {
      const candidate = /^a=candidate:(\S+) (\d+) (\S+) (\d+) (\S+) (\d+) typ (\S+)(.*)$/.exec(
        line,
      );
      if (!candidate) {
        out.push(line);
        continue;
      }
      const [, foundation, component, transport, priority, address, port, type, rest] = candidate;
      if (transport.toLowerCase() !== 'udp' || address !== '127.0.0.1' || component !== '1')
        continue;
      const entry = await this.standIn(address, Number(port), side);
      const standInPort = entry.socket.address().port;
      firstPort ??= standInPort;
      out.push(
        `a=candidate:${foundation} ${component} ${transport} ${priority} 127.0.0.1 ${standInPort} typ ${type}${rest}`,
      );
    }
    return out
      .map((line) =>
        firstPort && /^m=audio \d+/.test(line)
          ? line.replace(/^m=audio \d+/, `m=audio ${firstPort}`)
          : line,
      )
      .map((line) =>
        firstPort && /^a=rtcp:\d+/.test(line)
          ? line.replace(/^a=rtcp:\d+/, `a=rtcp:${firstPort}`)
          : line,
      )
      .join('\r\n');
  }

  close() {
    for (const { socket } of this.sockets.values()) socket.close();
    this.sockets.clear();
  }
}

/** Replaces a message's body (and its Content-Length). */
function withBody(text, body) {
  const end = text.indexOf('\r\n\r\n');
  const head = text
    .slice(0, end)
    .split('\r\n')
    .map((line) =>
      /^(content-length|l)\s*:/i.test(line) ? `Content-Length: ${Buffer.byteLength(body)}` : line,
    )
    .join('\r\n');
  return `${head}\r\n\r\n${body}`;
}

class Scenario {
  constructor(id, config, peer) {
    this.id = id;
    this.peer = peer;
    this.config = { rules: [], ...config };
    this.log = [];
    this.phone = undefined; // the current phone WebSocket
    this.connections = 0;
    this.upstream = undefined;
    this.upstreamReady = undefined;
    this.silenced = false;
    this.relay = config.media ? new MediaRelay() : undefined;
    this.phoneContact = undefined; // learned from REGISTER: where to send requests to the phone
    this.timers = new Set();
    // `flowRouting`: the connection each dialog (Call-ID) is bound to, as a proxy routing by
    // connection alias binds it: where the phone last sent its Contact in that dialog.
    this.dialogFlows = new Map();
    // `dropAfterRegisterMs`: how many connections are still to be cut after their REGISTER.
    this.registerDrops = config.dropAfterRegisterTimes ?? Infinity;
  }

  record(entry) {
    this.log.push({ at: Date.now(), conn: this.connections, ...entry });
  }

  connectUpstream() {
    if (this.upstreamReady) return this.upstreamReady;
    this.upstreamReady = new Promise((resolve, reject) => {
      const ws = new WebSocket(this.config.upstream, 'sip');
      ws.on('open', () => resolve(ws));
      ws.on('error', (error) => {
        this.record({ event: 'upstream-error', message: error.message });
        reject(error);
      });
      ws.on('message', (data) => void this.fromServer(data.toString('utf8')));
      ws.on('close', () => this.record({ event: 'upstream-close' }));
      this.upstream = ws;
    });
    // A scenario closed while its upstream is still opening rejects this with nobody waiting:
    // that must not become an unhandled rejection (it would stop the test runner).
    this.upstreamReady.catch(() => undefined);
    return this.upstreamReady;
  }

  attach(ws) {
    this.connections += 1;
    const conn = this.connections;
    if (this.phone && this.phone.readyState === WebSocket.OPEN) this.phone.terminate();
    this.phone = ws;
    this.silenced = false;
    this.record({ event: 'open' });
    ws.on('message', (data, isBinary) => {
      if (this.silenced || this.phone !== ws) {
        this.record({ event: 'unheard', size: data.length });
        return;
      }
      void this.fromPhone(isBinary ? data.toString('latin1') : data.toString('utf8'));
    });
    ws.on('close', (code) => this.record({ event: 'close', code, closedConn: conn }));
    ws.on('error', () => undefined);
    if (this.config.acceptThenDropMs !== undefined) {
      this.later(this.config.acceptThenDropMs, () => {
        if (ws.readyState === WebSocket.OPEN) ws.terminate();
      });
    }
  }

  later(ms, fn) {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** The first rule that matches, counted down when it has `times`. */
  rule(from, info, text) {
    const rule = this.config.rules.find((r) => matches(r, from, info, text));
    if (rule && rule.times !== undefined) rule.times -= 1;
    return rule;
  }

  sendToPhone(text, note) {
    const info = summarize(text);
    const open = this.phone?.readyState === WebSocket.OPEN && !this.silenced;
    this.record({
      from: note === 'server' ? 'server' : 'peer',
      to: 'phone',
      ...info,
      size: text.length,
      delivered: open,
    });
    if (open) this.phone.send(text);
  }

  async fromPhone(text) {
    const info = summarize(text);
    this.record({ from: 'phone', to: 'server', ...info, size: text.length });
    if (info.kind !== 'sip') {
      // A CRLF keep-alive ping gets its pong (RFC 5626 §4.4.1) unless the scenario is silent.
      if (text === '\r\n\r\n' && this.config.crlfPong !== false) this.sendToPhone('\r\n', 'peer');
      return;
    }
    if (info.method === 'REGISTER' && info.status === undefined) {
      this.phoneContact =
        /^(?:contact|m)\s*:\s*[^<]*<([^>]+)>/im.exec(text)?.[1] ?? this.phoneContact;
    }
    // A dialog-forming or target-refreshing message with a Contact binds the dialog to this
    // connection (a request, or the phone's 2xx to an INVITE it answers).
    if (
      info.callId &&
      info.method !== 'REGISTER' &&
      (info.status === undefined || (info.status >= 200 && info.status < 300)) &&
      /^(?:contact|m)\s*:/im.test(text)
    ) {
      this.dialogFlows.set(info.callId, this.connections);
    }
    const rule = this.rule('phone', info, text);
    const action = rule?.action;
    if (action?.type === 'respond') {
      const response = buildResponse(
        text,
        action.status,
        action.reason ?? 'Rejected',
        action.headers ?? [],
      );
      // `repeat`: the same response again, as a retransmission or a duplicating proxy sends it.
      for (let i = 0; i < (action.repeat ?? 1); i++) this.sendToPhone(response, 'peer');
      if (action.close) this.dropPhone();
      return;
    }
    if (action?.type === 'drop') {
      this.record({ event: 'dropped', method: info.method, status: info.status });
      return;
    }
    if (action?.type === 'close') {
      this.dropPhone();
      return;
    }
    let outgoing = text;
    if (this.relay && /\r\ncontent-type:\s*application\/sdp/i.test(text)) {
      const body = text.slice(text.indexOf('\r\n\r\n') + 4);
      outgoing = withBody(text, await this.relay.rewrite(body, 'phone'));
    }
    const upstream = await this.connectUpstream();
    upstream.send(outgoing);
  }

  async fromServer(text) {
    const info = summarize(text);
    if (this.config.flowRouting && info.kind === 'sip' && info.status === undefined) {
      const flow = this.dialogFlows.get(info.callId);
      if (flow !== undefined && flow !== this.connections) {
        // Routed to the connection the dialog is bound to, which is gone: as a proxy that routes
        // by connection alias or flow token does, the request fails (RFC 5626 §5.3: 430).
        this.record({
          from: 'server',
          to: 'phone',
          ...info,
          size: text.length,
          delivered: false,
          flowFailed: flow,
        });
        if (info.method !== 'ACK') {
          this.upstream?.send(buildResponse(text, 430, 'Flow Failed'));
        }
        return;
      }
    }
    const rule = this.rule('server', info, text);
    const action = rule?.action;
    if (action?.type === 'drop') {
      this.record({
        from: 'server',
        to: 'phone',
        ...info,
        size: text.length,
        delivered: false,
        dropped: true,
      });
      return;
    }
    let outgoing = text;
    if (action?.type === 'rewrite') {
      outgoing = text.replace(new RegExp(action.pattern, action.flags ?? ''), action.replacement);
    }
    if (action?.type === 'reason' && info.status !== undefined) {
      outgoing = text.replace(/^SIP\/2\.0 (\d{3}) [^\r\n]*/, `SIP/2.0 $1 ${action.reason}`);
    }
    if (action?.type === 'close') {
      this.dropPhone();
      return;
    }
    if (this.relay && /\r\ncontent-type:\s*application\/sdp/i.test(outgoing)) {
      const body = outgoing.slice(outgoing.indexOf('\r\n\r\n') + 4);
      outgoing = withBody(outgoing, await this.relay.rewrite(body, 'server'));
    }
    if (
      this.config.grantExpires !== undefined &&
      info.method === 'REGISTER' &&
      info.status === 200
    ) {
      outgoing = outgoing.replace(/;expires=\d+/gi, `;expires=${this.config.grantExpires}`);
    }
    this.sendToPhone(outgoing, 'server');
    if (
      this.config.dropAfterRegisterMs !== undefined &&
      info.method === 'REGISTER' &&
      info.status === 200 &&
      this.registerDrops > 0
    ) {
      // A flow that registers and then dies (a flapping server, a lost Wi-Fi).
      this.registerDrops -= 1;
      const ws = this.phone;
      this.later(this.config.dropAfterRegisterMs, () => {
        if (ws === this.phone) this.dropPhone();
      });
    }
  }

  /** Cuts the phone's connection like a dead network would (no close handshake). */
  dropPhone() {
    const ws = this.phone;
    if (ws && ws.readyState === WebSocket.OPEN) {
      this.record({ event: 'drop' });
      ws.terminate();
    }
  }

  close() {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.phone?.terminate();
    const upstream = this.upstream;
    // Aborting a handshake in flight makes ws emit an error a tick later; let it open, then close.
    if (upstream?.readyState === WebSocket.CONNECTING)
      upstream.once('open', () => upstream.terminate());
    else upstream?.terminate();
    this.relay?.close();
  }
}

export class FaultPeer {
  constructor() {
    this.scenarios = new Map();
    this.http = createServer((req, res) => void this.serveHttp(req, res));
    this.http.on('clientError', (_error, socket) => socket.destroy());
    this.wss = new WebSocketServer({
      noServer: true,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    this.http.on('upgrade', (req, socket, head) => {
      socket.on('error', () => undefined);
      // A query string (a token in the server address) is the phone's business, not the route.
      const id = /^\/s\/([\w-]+)(?:\?.*)?$/.exec(req.url ?? '')?.[1];
      const scenario = id && this.scenarios.get(id);
      if (!scenario || scenario.config.refuse) {
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n',
        );
        scenario?.record({ event: 'refused' });
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => scenario.attach(ws));
    });
    this.nextId = 1;
  }

  async start() {
    await new Promise((resolve) => this.http.listen(0, '127.0.0.1', resolve));
    this.port = this.http.address().port;
    this.origin = `http://127.0.0.1:${this.port}`;
    return this;
  }

  create(config) {
    const id = `f${this.nextId++}`;
    const scenario = new Scenario(id, config, this);
    this.scenarios.set(id, scenario);
    return { id, wsUrl: `ws://127.0.0.1:${this.port}/s/${id}`, origin: this.origin };
  }

  get(id) {
    const scenario = this.scenarios.get(id);
    if (!scenario) throw new Error(`no fault scenario ${id}`);
    return scenario;
  }

  /**
   * Injects raw text to the phone, as if the server had sent it. `{contact}` becomes the phone's
   * Contact URI, `{pad}` `pad` characters (big frames are made here, not carried by the test).
   */
  inject(id, text, pad = 0) {
    const scenario = this.get(id);
    const filled = text
      .replaceAll('{contact}', scenario.phoneContact ?? 'sip:unknown@invalid')
      .replace('{pad}', 'x'.repeat(pad));
    scenario.sendToPhone(filled, 'peer');
  }

  /** `count` frames of random printable junk, `size` characters each, as fast as they go. */
  garbage(id, count, size) {
    const scenario = this.get(id);
    scenario.record({ from: 'peer', to: 'phone', kind: 'garbage', count, size });
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789 :;<>"\r\n@=/SIP/2.0INVITE';
    for (let i = 0; i < count; i++) {
      const bytes = randomBytes(size);
      let text = '';
      for (const b of bytes) text += alphabet[b % alphabet.length];
      if (scenario.phone?.readyState === WebSocket.OPEN) scenario.phone.send(text);
    }
  }

  async fixtures() {
    const out = [];
    for (const dir of ['rfc4475', 'rfc5118']) {
      for (const name of (await readdir(join(FIXTURES, dir)))
        .filter((f) => f.endsWith('.dat'))
        .sort()) {
        out.push(`${dir}/${name}`);
      }
    }
    return out;
  }

  async injectFixture(id, name) {
    if (!/^(rfc4475|rfc5118)\/[\w.-]+\.dat$/.test(name)) throw new Error(`not a fixture: ${name}`);
    const scenario = this.get(id);
    const data = await readFile(join(FIXTURES, name));
    scenario.record({ from: 'peer', to: 'phone', kind: 'fixture', name, size: data.length });
    // Binary-safe: fixtures with bytes that are not UTF-8 go as a binary frame.
    let text;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      text = undefined;
    }
    if (scenario.phone?.readyState === WebSocket.OPEN)
      scenario.phone.send(text ?? data, { binary: text === undefined });
  }

  /** The strict-CSP page and what it loads, with the headers a careful embedder would send. */
  async serveHttp(req, res) {
    const url = new URL(req.url ?? '/', this.origin);
    // The built pages (dist/app/) under their own policy: app-server.mjs.
    if (await serveApp(ROOT, url, res, this.origin)) return;
    const files = {
      '/csp/page.html': [join(ROOT, 'test/faults/csp/page.html'), 'text/html; charset=utf-8'],
      '/csp/page.js': [join(ROOT, 'test/faults/csp/page.js'), 'text/javascript; charset=utf-8'],
      '/dist/sip-phone.js': [join(ROOT, 'dist/sip-phone.js'), 'text/javascript; charset=utf-8'],
    };
    // The CDN file's chunks, beside it (names as the build writes them, nothing else).
    const chunk = /^\/dist\/chunks\/[\w.-]+\.js$/.test(url.pathname)
      ? [join(ROOT, url.pathname.slice(1)), 'text/javascript; charset=utf-8']
      : undefined;
    const file = files[url.pathname] ?? chunk;
    if (!file || !existsSync(file[0])) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end(file ? 'not built: run npm run build' : 'not found');
      return;
    }
    res.writeHead(200, {
      'content-type': file[1],
      'cache-control': 'no-store',
      'content-security-policy': [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        `connect-src ws://127.0.0.1:${this.port}`,
        "img-src 'none'",
        "media-src 'self' blob: mediastream:",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'self' http://localhost:* http://127.0.0.1:*",
        "require-trusted-types-for 'script'",
        'trusted-types lit-html',
      ].join('; '),
      'x-content-type-options': 'nosniff',
      // The test page (another origin: the test runner's) checks these headers.
      'access-control-allow-origin': '*',
      'access-control-expose-headers': 'content-security-policy',
    });
    res.end(await readFile(file[0]));
  }

  async close() {
    for (const scenario of this.scenarios.values()) scenario.close();
    this.scenarios.clear();
    for (const ws of this.wss.clients) ws.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
    await new Promise((resolve) => {
      this.http.close(resolve);
      this.http.closeAllConnections();
    });
  }
}
