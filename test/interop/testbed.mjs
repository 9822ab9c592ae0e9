// The interop test bed: real SIP software on loopback for the `interop` browser tests.
//
//   Chromium (<sip-phone>, JsSIP) ──WS :8080 / WSS :8443──▶ Kamailio (registrar + proxy, digest)
//                                                            │ UDP :5060
//         rtpengine (userspace, ICE + DTLS-SRTP ⇄ RTP) ◀─────┼──▶ sipp UAS 2000 :5070 (180 → 200)
//                                                            ├──▶ sipp UAS 2001 :5071 (183 + SDP → 200)
//                                                            ├──▶ sipp UAS 2002 :5073 (200; BYE after a refresh)
//                                                            ├──▶ baresip 3000 :5080 (auto-answer)
//                                                            ├──◀ sipp UAC :5072 (calls a browser user)
//                                                            └──◀ sipp ringer :5074 (rings a user, cancels)
// Kamailio is also the presence server (dialog, presence, message-summary; kamailio.cfg).
//         coturn (TURN, UDP + TCP :3490, long-term credentials) ◀── the self-test's relay check
//
// The pair (pair.test.ts): a second Kamailio, node B (UDP :5062, WS :8081, WSS :8444), started only
// when a test asks for it (`startKamailioB`), from the same template as node A above. A and B
// replicate the location table over DMQ (on their UDP ports) and reach each other's WebSocket
// phones along the Path of their registrations (flow tokens: kamailio/kamailio.cfg explains).
//
// Every server listens on 127.0.0.1 only, on fixed ports below the kernel's ephemeral range (the
// sandbox and the browser use ephemeral ports) — the one exception is baresip's DNS client (libre),
// which binds 0.0.0.0 and :: on ephemeral ports with no setting to change it and never gets a
// query here (every address is an IP literal). Each server runs from a fresh temporary directory: the
// configuration templates next to this file are rendered there, with a self-signed certificate
// generated at start. Start-up waits for every port and fails with the server's own log when one
// does not come up. Every process is stopped by the PID recorded when it was started (and its
// process group, which only it and its own children are in); `setpriv --pdeathsig` makes them
// end with this process even if it is killed.
//
// Used by testbed-plugin.mjs; `node test/interop/testbed.mjs` runs the bed alone until Ctrl-C
// (run it in a loopback-only namespace: `unshare --net sh -c 'ip link set lo up && node …'`).
import { spawn, spawnSync, execFile } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Every fixed port of the bed (all on 127.0.0.1). */
export const PORTS = {
  KAMAILIO_UDP: 5060,
  KAMAILIO_WS: 8080,
  KAMAILIO_WSS: 8443,
  // Node B of the pair (started on demand).
  KAMAILIO_B_UDP: 5062,
  KAMAILIO_B_WS: 8081,
  KAMAILIO_B_WSS: 8444,
  RTPENGINE_NG: 2223,
  RTPENGINE_CLI: 9900,
  RTPENGINE_PORT_MIN: 30000,
  RTPENGINE_PORT_MAX: 30199,
  SIPP_2000: 5070,
  SIPP_2000_MEDIA: 6000,
  SIPP_2001: 5071,
  SIPP_2001_MEDIA: 6010,
  SIPP_2002: 5073,
  SIPP_2002_MEDIA: 6030,
  SIPP_UAC: 5072,
  SIPP_UAC_MEDIA: 6020,
  // The ringer: a sipp UAC that rings a bed user for a while, then cancels (presence tests).
  SIPP_RING: 5074,
  SIPP_RING_MEDIA: 6040,
  // sipp's remote-control sockets (by default 0.0.0.0:8888): on loopback, on ports of our own.
  SIPP_2000_CONTROL: 5170,
  SIPP_2001_CONTROL: 5171,
  SIPP_2002_CONTROL: 5173,
  SIPP_UAC_CONTROL: 5172,
  SIPP_RING_CONTROL: 5174,
  BARESIP: 5080,
  BARESIP_RTP_MIN: 6100,
  BARESIP_RTP_MAX: 6199,
  // coturn: TURN over UDP and TCP; relay addresses from its own range.
  TURN: 3490,
  TURN_RELAY_MIN: 31000,
  TURN_RELAY_MAX: 31099,
};

export const DOMAIN = '127.0.0.1';
export const USERS = ['1000', '1001', '1002', '1003'].map((user) => ({
  user,
  password: `pw${user}`,
}));
export const NUMBERS = {
  sipp: '2000',
  sippEarlyMedia: '2001',
  /** Answers, takes one target refresh (re-INVITE), and 1 s later hangs up toward its Contact. */
  sippHangsUpAfterRefresh: '2002',
  baresip: '3000',
  ringForever: '7000',
  uacCaller: '2999',
  /** The sipp UAC that rings a bed user for a while, then cancels (`ringUser`). */
  ringer: '2998',
  specials: [403, 404, 480, 486, 488, 500, 503, 600, 603, 604, 606, 607, 608],
};
/**
 * The kiosk account: Kamailio lets it call its one target (the sipp UAS) and nothing else, and
 * never register (kamailio.cfg, route[KIOSK]).
 */
export const KIOSK = { user: '1900', password: 'pw1900', target: NUMBERS.sipp };
/** coturn's one user (long-term credentials). */
export const TURN = { username: 'turn-user', credential: 'turn-secret', realm: 'sip-phone.test' };

/**
 * The pair's shared address, as a floating IP of the service would be: no process listens on it;
 * both nodes take it for themselves (alias) and put it in the phone-facing Record-Route
 * (kamailio.cfg). An address, not a name: Kamailio resolves an advertised name at start.
 */
export const PAIR_ADDRESS = '127.0.0.2';

/** The two Kamailio nodes: process name, ports, and the other node's ports. */
const NODES = {
  a: {
    name: 'kamailio',
    label: 'A',
    udp: PORTS.KAMAILIO_UDP,
    ws: PORTS.KAMAILIO_WS,
    wss: PORTS.KAMAILIO_WSS,
  },
  b: {
    name: 'kamailio-b',
    label: 'B',
    udp: PORTS.KAMAILIO_B_UDP,
    ws: PORTS.KAMAILIO_B_WS,
    wss: PORTS.KAMAILIO_B_WSS,
  },
};
const peerOf = (node) => (node === 'a' ? 'b' : 'a');

/** Kamailio modules the bed loads that come in their own Debian packages. */
export const KAMAILIO_MODULE_PACKAGES = {
  websocket: 'kamailio-websocket-modules',
  tls: 'kamailio-tls-modules',
  outbound: 'kamailio-outbound-modules',
  presence: 'kamailio-presence-modules',
  pua_dialoginfo: 'kamailio-presence-modules',
};

/**
 * The db_text table definitions the kamailio package ships: the presence modules (pua) insist on
 * a db_url; each node gets a copy of the tables they check, in its own run directory.
 */
export const DBTEXT_SCHEMAS = '/usr/share/kamailio/dbtext/kamailio';
const DBTEXT_TABLES = ['version', 'presentity', 'active_watchers', 'watchers', 'xcap', 'pua'];

/** program → Debian package (the bed's own check; `npm test` installs them via system-deps.mjs). */
export const BED_PROGRAMS = {
  kamailio: 'kamailio',
  rtpengine: 'rtpengine-daemon',
  sipp: 'sip-tester',
  baresip: 'baresip-core',
  tshark: 'tshark',
  dumpcap: 'tshark',
  openssl: 'openssl',
  turnserver: 'coturn',
  kamcmd: 'kamailio',
};

const PROGRAM_DIRS = [
  '/usr/sbin',
  '/usr/bin',
  '/usr/local/sbin',
  '/usr/local/bin',
  '/sbin',
  '/bin',
];
const which = (program) =>
  PROGRAM_DIRS.map((dir) => join(dir, program)).find((path) => existsSync(path));

/** Kamailio's module directory (multiarch on Debian). */
export function kamailioModuleDir() {
  const candidates = [];
  for (const base of ['/usr/lib', '/usr/lib64', '/usr/local/lib', '/usr/local/lib64']) {
    candidates.push(join(base, 'kamailio/modules'));
    try {
      for (const entry of readdirSync(base))
        if (entry.includes('-linux-')) candidates.push(join(base, entry, 'kamailio/modules'));
    } catch {
      // No such base directory.
    }
  }
  return candidates.find((dir) => existsSync(join(dir, 'tm.so')));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sockets bound on this machine (this network namespace), from /proc/net. */
function boundSockets() {
  const sockets = [];
  for (const proto of ['tcp', 'tcp6', 'udp', 'udp6']) {
    let text = '';
    try {
      text = readFileSync(`/proc/net/${proto}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const port = parseInt(fields[1].split(':').at(-1), 16);
      sockets.push({ proto: proto.slice(0, 3), port, state: fields[3], inode: fields[9] });
    }
  }
  return sockets;
}

/** The socket listening on `proto`/`port` (TCP: state LISTEN; UDP: any bound socket). */
const listener = (sockets, proto, port) =>
  sockets.find(
    (s) => s.proto === proto && s.port === port && (proto === 'udp' || s.state === '0A'),
  );

/** Which process holds a socket inode (for a readable "port in use" message). */
function ownerOf(inode) {
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        if (readlinkSync(`/proc/${pid}/fd/${fd}`) === `socket:[${inode}]`) {
          const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0];
          return `pid ${pid} (${cmd})`;
        }
      }
    } catch {
      // The process went away or is not ours to read.
    }
  }
  return 'another process';
}

const tail = (path, lines = 60) => {
  try {
    return readFileSync(path, 'utf8').replace(/\r/g, '\n').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
};

/** Minimal bencode for rtpengine's ng control protocol. */
function bencode(value) {
  if (typeof value === 'number') return `i${Math.trunc(value)}e`;
  if (typeof value === 'string') return `${Buffer.byteLength(value)}:${value}`;
  if (Array.isArray(value)) return `l${value.map(bencode).join('')}e`;
  return `d${Object.keys(value)
    .sort()
    .map((key) => bencode(key) + bencode(value[key]))
    .join('')}e`;
}

function bdecode(buffer) {
  let at = 0;
  const next = () => {
    const c = String.fromCharCode(buffer[at]);
    if (c === 'i') {
      const end = buffer.indexOf(0x65, at);
      const n = Number(buffer.subarray(at + 1, end).toString());
      at = end + 1;
      return n;
    }
    if (c === 'l' || c === 'd') {
      at++;
      const items = [];
      while (buffer[at] !== 0x65) items.push(next());
      at++;
      if (c === 'l') return items;
      const dict = {};
      for (let i = 0; i < items.length; i += 2) dict[items[i]] = items[i + 1];
      return dict;
    }
    const colon = buffer.indexOf(0x3a, at);
    const length = Number(buffer.subarray(at, colon).toString());
    const text = buffer.subarray(colon + 1, colon + 1 + length).toString();
    at = colon + 1 + length;
    return text;
  };
  return next();
}

const nodeInfo = ({ label, udp, ws, wss }) => ({
  label,
  wssUrl: `wss://${DOMAIN}:${wss}`,
  wsUrl: `ws://${DOMAIN}:${ws}`,
  udp,
  ws,
  wss,
});

/**
 * `kamcmd ul.dump` (a tree of `Key: value` lines) → one entry per contact, with its AoR.
 */
export function parseUlDump(text) {
  const contacts = [];
  let aor = '';
  let current;
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z-]+):\s*(.*?)\s*$/.exec(line);
    if (!m) continue;
    const [, key, value] = m;
    if (key === 'AoR') aor = value;
    else if (key === 'Address') contacts.push((current = { aor, contact: value }));
    else if (current) {
      const field = {
        Path: 'path',
        Received: 'received',
        Instance: 'instance',
        'Reg-Id': 'regId',
        Expires: 'expires',
        Socket: 'socket',
        'User-Agent': 'userAgent',
        'Server-Id': 'serverId',
      }[key];
      if (field) current[field] = value;
    }
  }
  return contacts;
}

const DTMF_EVENTS = '0123456789*#ABCD';

/**
 * Signals the process group a server was started in (its PID is the group's ID: `detached`).
 * Returns false when no process is left in it.
 */
function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export class TestBed {
  /** The temporary run directory (configs, certificate, logs, captures). */
  runDir = '';
  startupMs = 0;
  #procs = new Map();
  #uacs = new Map();
  #captures = new Map();
  #seq = 0;
  #exitHook = () => this.#killAllNow();
  #usePdeathsig = false;

  /** Starts everything; throws with the failing server's log when one does not come up. */
  async start() {
    const t0 = Date.now();
    if (process.platform !== 'linux')
      throw new Error(
        'The interop test bed needs Linux (Kamailio, rtpengine, sipp, baresip, coturn).',
      );
    const missing = Object.entries(BED_PROGRAMS).filter(([program]) => !which(program));
    const modules = kamailioModuleDir();
    if (!modules) missing.push(['kamailio modules', 'kamailio']);
    if (!existsSync(join(DBTEXT_SCHEMAS, 'pua'))) missing.push([DBTEXT_SCHEMAS, 'kamailio']);
    else
      for (const [module, pkg] of Object.entries(KAMAILIO_MODULE_PACKAGES))
        if (!existsSync(join(modules, `${module}.so`))) missing.push([`${module}.so`, pkg]);
    if (missing.length) {
      const packages = [...new Set(missing.map(([, pkg]) => pkg))];
      throw new Error(
        `The interop test bed needs ${missing.map(([name]) => name).join(', ')}. On Debian 12:\n` +
          `  apt-get install --no-install-recommends ${packages.join(' ')}\n` +
          '(`npm test` installs them itself when run as root on Debian.)',
      );
    }
    this.#checkPortsFree();
    this.#usePdeathsig = Boolean(which('setpriv'));
    this.runDir = mkdtempSync(join(tmpdir(), 'sip-phone-interop-'));
    process.once('exit', this.#exitHook);

    const values = {
      ...PORTS,
      RUN: this.runDir,
      KAMAILIO_MODULES: modules,
      TURN_USER: TURN.username,
      TURN_PASSWORD: TURN.credential,
      TURN_REALM: TURN.realm,
      KIOSK_TARGET: KIOSK.target,
      PAIR_ADDRESS,
      FLOW_TOKEN_SECRET: randomBytes(18).toString('base64url'),
    };
    const render = (template, target, extra = {}) => {
      const all = { ...values, ...extra };
      const text = readFileSync(join(here, template), 'utf8').replace(/@([A-Z0-9_]+)@/g, (m, k) =>
        k in all ? String(all[k]) : m,
      );
      writeFileSync(join(this.runDir, target), text);
    };
    // One template, two nodes: each with its own ports, control socket and the other's ports.
    for (const node of ['a', 'b']) {
      const own = NODES[node];
      const peer = NODES[peerOf(node)];
      const dbtext = this.#dbtext(node);
      render('kamailio/kamailio.cfg', `${own.name}.cfg`, {
        NODE: own.label,
        KAMAILIO_UDP: own.udp,
        KAMAILIO_WS: own.ws,
        KAMAILIO_WSS: own.wss,
        PEER_UDP: peer.udp,
        CTL: this.#ctl(node),
        DBTEXT: dbtext,
      });
    }
    render('kamailio/tls.cfg', 'tls.cfg');
    render('rtpengine/rtpengine.conf', 'rtpengine.conf');
    mkdirSync(join(this.runDir, 'baresip'));
    render('baresip/config', 'baresip/config');
    render('baresip/accounts', 'baresip/accounts');
    render('coturn/turnserver.conf', 'turnserver.conf');
    this.#certificate();

    try {
      // rtpengine first: Kamailio's rtpengine module checks it when its workers start.
      const rtpengine = this.#spawn('rtpengine', 'rtpengine', [
        `--config-file=${join(this.runDir, 'rtpengine.conf')}`,
      ]);
      await this.#waitForPorts(rtpengine, [
        ['udp', PORTS.RTPENGINE_NG],
        ['tcp', PORTS.RTPENGINE_CLI],
      ]);
      const kamailio = this.#spawnKamailio();
      const sipp2000 = this.#spawnSippUas('sipp-2000', 'uas-180-200.xml', {
        port: PORTS.SIPP_2000,
        media: PORTS.SIPP_2000_MEDIA,
        control: PORTS.SIPP_2000_CONTROL,
      });
      const sipp2001 = this.#spawnSippUas('sipp-2001', 'uas-183-200.xml', {
        port: PORTS.SIPP_2001,
        media: PORTS.SIPP_2001_MEDIA,
        control: PORTS.SIPP_2001_CONTROL,
      });
      const sipp2002 = this.#spawnSippUas('sipp-2002', 'uas-refresh-bye.xml', {
        port: PORTS.SIPP_2002,
        media: PORTS.SIPP_2002_MEDIA,
        control: PORTS.SIPP_2002_CONTROL,
      });
      const baresip = this.#spawn('baresip', 'baresip', [
        '-4',
        '-v',
        '-f',
        join(this.runDir, 'baresip'),
      ]);
      const coturn = this.#spawnCoturn();
      await Promise.all([
        this.#waitForKamailio(kamailio),
        this.#waitForPorts(coturn, [
          ['udp', PORTS.TURN],
          ['tcp', PORTS.TURN],
        ]),
        this.#waitForPorts(sipp2000, [
          ['udp', PORTS.SIPP_2000],
          ['udp', PORTS.SIPP_2000_MEDIA],
          ['udp', PORTS.SIPP_2000_CONTROL],
        ]),
        this.#waitForPorts(sipp2001, [
          ['udp', PORTS.SIPP_2001],
          ['udp', PORTS.SIPP_2001_MEDIA],
          ['udp', PORTS.SIPP_2001_CONTROL],
        ]),
        this.#waitForPorts(sipp2002, [
          ['udp', PORTS.SIPP_2002],
          ['udp', PORTS.SIPP_2002_MEDIA],
          ['udp', PORTS.SIPP_2002_CONTROL],
        ]),
        this.#waitForPorts(baresip, [
          ['udp', PORTS.BARESIP],
          ['tcp', PORTS.BARESIP],
        ]),
      ]);
    } catch (error) {
      await this.stop();
      throw error;
    }
    this.startupMs = Date.now() - t0;
    return this.info();
  }

  info() {
    return {
      wssUrl: `wss://${DOMAIN}:${PORTS.KAMAILIO_WSS}`,
      wsUrl: `ws://${DOMAIN}:${PORTS.KAMAILIO_WS}`,
      domain: DOMAIN,
      users: USERS,
      kiosk: KIOSK,
      numbers: NUMBERS,
      turn: { url: `turn:${DOMAIN}:${PORTS.TURN}`, ...TURN },
      // The pair: node A is the bed's Kamailio above; node B runs only after `startKamailio('b')`.
      pair: {
        address: PAIR_ADDRESS,
        a: nodeInfo(NODES.a),
        b: nodeInfo(NODES.b),
      },
      ports: PORTS,
      startupMs: this.startupMs,
      runDir: this.runDir,
      pids: Object.fromEntries([...this.#procs].map(([name, p]) => [name, p.child.pid])),
    };
  }

  /** Stops every process this bed started, by PID, newest first; removes the run directory. */
  async stop() {
    const names = [...this.#procs.keys()].reverse();
    for (const name of names) await this.#stopProcess(name);
    process.removeListener('exit', this.#exitHook);
    if (this.runDir && !process.env.SIP_PHONE_INTEROP_KEEP) {
      rmSync(this.runDir, { recursive: true, force: true });
    } else if (this.runDir) {
      console.log(`[interop] run directory kept: ${this.runDir}`);
    }
  }

  /**
   * Stops a Kamailio node (SIGTERM, by PID) as a server restart does; calls' media stays in
   * rtpengine. `node`: `a` (the one every test uses) or `b` (the pair's second node).
   */
  async stopKamailio(node = 'a') {
    await this.#stopProcess(NODES[node].name);
  }

  /**
   * Starts a Kamailio node with its configuration, unless it runs; resolves when it listens.
   * Node B's first start checks its ports are free (they are not checked with the rest).
   */
  async startKamailio(node = 'a') {
    const { name } = NODES[node];
    if (this.#procs.has(name)) return;
    if (node === 'b') {
      const { udp, ws, wss } = NODES.b;
      this.#checkPortsFree([
        ['udp', udp],
        ['tcp', ws],
        ['tcp', wss],
      ]);
    }
    await this.#waitForKamailio(this.#spawnKamailio(node), node);
  }

  /**
   * Kills a Kamailio node at once (SIGKILL to its PID's process group), as a crash or a pulled
   * plug would: no goodbye on any connection. Resolves when it is gone; returns the PID it had.
   */
  async killKamailio(node = 'a') {
    const { name } = NODES[node];
    const proc = this.#procs.get(name);
    if (!proc) return undefined;
    const pid = proc.child.pid;
    signalGroup(pid, 'SIGKILL');
    await Promise.race([proc.done, sleep(3000)]);
    await this.#stopProcess(name);
    return pid;
  }

  /** Stops coturn (SIGTERM, by PID): the relays it handed out stop relaying. */
  async stopCoturn() {
    await this.#stopProcess('coturn');
  }

  /** Starts coturn again with the same configuration, unless it runs. */
  async startCoturn() {
    if (this.#procs.has('coturn')) return;
    await this.#waitForPorts(this.#spawnCoturn(), [
      ['udp', PORTS.TURN],
      ['tcp', PORTS.TURN],
    ]);
  }

  #spawnCoturn() {
    // -c: this file instead of /etc/turnserver.conf.
    return this.#spawn('coturn', 'turnserver', ['-c', join(this.runDir, 'turnserver.conf')]);
  }

  /**
   * Blocks (`true`) or opens (`false`) the direct UDP path between the browser and rtpengine's
   * media ports: with it blocked, only coturn's relays and the trunks (sipp, baresip) reach
   * rtpengine, so a call's ICE must choose a TURN relay — a network where the browser's host
   * candidates are unusable. iptables rules in the loopback-only network namespace, nowhere else:
   * on a machine's real network stack this refuses.
   */
  hostMediaPath(blocked) {
    // /proc/net/dev lists this process's network namespace (/sys/class/net may show the host's).
    const interfaces = readFileSync('/proc/net/dev', 'utf8')
      .split('\n')
      .slice(2)
      .map((line) => line.split(':')[0].trim())
      .filter(Boolean);
    if (interfaces.length !== 1 || interfaces[0] !== 'lo') {
      throw new Error(
        `hostMediaPath needs the loopback-only network namespace (interfaces: ${interfaces.join(' ')}); ` +
          'run the interop group through npm test.',
      );
    }
    const iptables = which('iptables');
    if (!iptables) throw new Error('iptables is missing (Debian package iptables).');
    const run = (...args) => spawnSync(iptables, ['-w', ...args], { encoding: 'utf8' });
    const must = (...args) => {
      const result = run(...args);
      if (result.status !== 0) throw new Error(`iptables ${args.join(' ')}: ${result.stderr}`);
    };
    const chain = 'SIPPHONE_MEDIA';
    // Always from a clean state: unhook and remove the chain if a previous call left it.
    run('-D', 'INPUT', '-j', chain);
    run('-F', chain);
    run('-X', chain);
    if (!blocked) return false;
    const rtpengine = `${PORTS.RTPENGINE_PORT_MIN}:${PORTS.RTPENGINE_PORT_MAX}`;
    // Who may still talk to rtpengine: coturn's relay ports and the trunks' media ports.
    const allowed = `${PORTS.TURN_RELAY_MIN}:${PORTS.TURN_RELAY_MAX},${PORTS.SIPP_2000_MEDIA}:${PORTS.BARESIP_RTP_MAX}`;
    must('-N', chain);
    must(
      '-A',
      chain,
      '-p',
      'udp',
      '--dport',
      rtpengine,
      '-m',
      'multiport',
      '!',
      '--sports',
      allowed,
      '-j',
      'DROP',
    );
    must(
      '-A',
      chain,
      '-p',
      'udp',
      '--sport',
      rtpengine,
      '-m',
      'multiport',
      '!',
      '--dports',
      allowed,
      '-j',
      'DROP',
    );
    must('-I', 'INPUT', '-j', chain);
    return true;
  }

  /** A node's PID, when it runs. */
  kamailioPid(node = 'a') {
    const proc = this.#procs.get(NODES[node].name);
    return proc && !proc.exited ? proc.child.pid : undefined;
  }

  /** The control socket of a node (kamcmd -s unix:…). */
  #ctl(node) {
    return join(this.runDir, node === 'a' ? 'kamailio_ctl' : 'kamailio-b_ctl');
  }

  /** Runs a kamcmd command on a node's control socket; its output, or throws. */
  kamcmd(node, args, timeout = 5000) {
    return new Promise((resolve, reject) =>
      execFile(
        which('kamcmd'),
        ['-s', `unix:${this.#ctl(node)}`, ...args],
        { timeout, maxBuffer: 4 << 20 },
        (error, stdout, stderr) =>
          error
            ? reject(
                new Error(`kamcmd ${args.join(' ')} on node ${node}: ${error.message}\n${stderr}`),
              )
            : resolve(stdout),
      ),
    );
  }

  /**
   * A node's location table (`ul.dump`), one entry per contact:
   * `{ aor, contact, path, received, instance, regId, expires, socket, userAgent }`.
   */
  async location(node = 'a') {
    return parseUlDump(await this.kamcmd(node, ['ul.dump']));
  }

  /** The lines of a node's log that contain `text` (e.g. a Call-ID: the log prefix has it). */
  kamailioLog(node, text) {
    const file = join(this.runDir, `${NODES[node].name}.log`);
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes(text));
  }

  /** The DMQ nodes a node knows (`dmq.list_nodes`): `{ host, port, status, local }`. */
  async dmqNodes(node = 'a') {
    const text = await this.kamcmd(node, ['dmq.list_nodes']);
    const nodes = [];
    let current;
    for (const line of text.split('\n')) {
      const m = /^\s*(\w+):\s*(.*?)\s*$/.exec(line);
      if (!m) continue;
      if (m[1] === 'host') nodes.push((current = { host: m[2] }));
      else if (current) current[m[1]] = m[2];
    }
    return nodes;
  }

  /** A node's db_text directory (the presence modules' tables). */
  #dbtext(node) {
    return join(this.runDir, `${NODES[node].name}-dbtext`);
  }

  #spawnKamailio(node = 'a') {
    const { name } = NODES[node];
    // Fresh, empty tables at every start: pua writes its in-memory state there when it stops and
    // would read it back (and db_text refuses the rows it wrote). Presence state lives in memory
    // and ends with the process, as registrations do.
    const dbtext = this.#dbtext(node);
    rmSync(dbtext, { recursive: true, force: true });
    mkdirSync(dbtext);
    for (const table of DBTEXT_TABLES)
      copyFileSync(join(DBTEXT_SCHEMAS, table), join(dbtext, table));
    const runtime = node === 'a' ? this.runDir : join(this.runDir, name);
    mkdirSync(runtime, { recursive: true });
    return this.#spawn(name, 'kamailio', [
      '-f',
      join(this.runDir, `${name}.cfg`),
      '-P',
      join(this.runDir, `${name}.pid`),
      '-Y',
      runtime,
      '-DD',
      '-E',
      '-m',
      '64',
      '-M',
      '8',
    ]);
  }

  #waitForKamailio(kamailio, node = 'a') {
    const { udp, ws, wss } = NODES[node];
    return this.#waitForPorts(kamailio, [
      ['udp', udp],
      ['tcp', ws],
      ['tcp', wss],
    ]);
  }

  /** sipp's message trace of one peer (`2000`, `2001` or a UAC id). */
  sippMessages(peer) {
    const uac = this.#uacs.get(peer);
    const file = uac ? uac.messages : join(this.runDir, `sipp-${peer}.messages.log`);
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** The last lines of each server's log, for a failing test's report. */
  logs(lines = 40) {
    const names = [
      'kamailio',
      'rtpengine',
      'baresip',
      'sipp-2000',
      'sipp-2001',
      'sipp-2002',
      'coturn',
    ];
    // Node B only when it ever ran.
    if (existsSync(join(this.runDir, 'kamailio-b.log'))) names.splice(1, 0, 'kamailio-b');
    return Object.fromEntries(
      names.map((name) => [name, tail(join(this.runDir, `${name}.log`), lines)]),
    );
  }

  /** coturn's whole log (its requests and their outcomes, per user and realm). */
  coturnLog() {
    const file = join(this.runDir, 'coturn.log');
    return existsSync(file) ? readFileSync(file, 'utf8') : '';
  }

  /** RFC 4733 digits baresip logged (`received event: '1' (end=1)`), in order. */
  baresipDigits() {
    const log = readFileSync(join(this.runDir, 'baresip.log'), 'utf8').replace(/\r/g, '\n');
    const events = [...log.matchAll(/received event: '(.)' \(end=(\d)\)/g)].map((m) => ({
      digit: m[1],
      end: m[2] === '1',
    }));
    return { events, log: log.split('\n').slice(-80).join('\n') };
  }

  /** Starts a packet capture on lo (dumpcap) with a BPF filter; returns its id once capturing. */
  async startCapture(filter) {
    const id = `capture-${++this.#seq}`;
    const file = join(this.runDir, `${id}.pcapng`);
    const proc = this.#spawn(id, 'dumpcap', ['-i', 'lo', '-f', filter, '-w', file, '-q']);
    const logFile = proc.log;
    const end = Date.now() + 10_000;
    while (!/Capturing on/.test(tail(logFile))) {
      if (proc.exited) throw new Error(`dumpcap exited:\n${tail(logFile)}`);
      if (Date.now() > end) throw new Error(`dumpcap did not start capturing:\n${tail(logFile)}`);
      await sleep(50);
    }
    this.#captures.set(id, { file });
    return id;
  }

  /**
   * Stops a capture and decodes the RFC 4733 events sent to `port` (telephone-event payload type
   * `pt`). One entry per event (RTP timestamp), in order.
   */
  async stopCapture(id, { port, pt }) {
    const capture = this.#captures.get(id);
    if (!capture) throw new Error(`no capture ${id}`);
    await this.#stopProcess(id);
    const fields = [
      'frame.time_relative',
      'udp.srcport',
      'udp.dstport',
      'rtp.p_type',
      'rtp.timestamp',
      'rtp.marker',
      'rtpevent.event_id',
      'rtpevent.end_of_event',
      'rtpevent.duration',
    ];
    const out = await new Promise((resolve, reject) =>
      execFile(
        which('tshark'),
        [
          '-r',
          capture.file,
          '-n',
          '-d',
          `udp.port==${port},rtp`,
          '-o',
          `rtpevent.event_payload_type_value:${pt}`,
          '-Y',
          'rtpevent',
          '-T',
          'fields',
          '-E',
          'separator=,',
          ...fields.flatMap((f) => ['-e', f]),
        ],
        { maxBuffer: 16 << 20 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`tshark: ${error.message}\n${stderr}`)) : resolve(stdout),
      ),
    );
    const packets = out
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [time, src, dst, type, timestamp, marker, event, end, duration] = line.split(',');
        return {
          time: Number(time),
          src: Number(src),
          dst: Number(dst),
          pt: Number(type),
          timestamp: Number(timestamp),
          marker: marker === '1' || marker === 'True',
          event: Number(event),
          end: end === '1' || end === 'True',
          duration: Number(duration),
        };
      })
      .filter((p) => p.dst === port);
    const events = [];
    for (const packet of packets) {
      let entry = events.find((e) => e.timestamp === packet.timestamp);
      if (!entry) {
        entry = {
          timestamp: packet.timestamp,
          digit: DTMF_EVENTS[packet.event] ?? `?${packet.event}`,
          pt: packet.pt,
          packets: 0,
          endPackets: 0,
          durationSamples: 0,
          firstAt: packet.time,
        };
        events.push(entry);
      }
      entry.packets++;
      if (packet.end) entry.endPackets++;
      entry.durationSamples = Math.max(entry.durationSamples, packet.duration);
    }
    events.forEach((entry, i) => {
      entry.durationMs = entry.durationSamples / 8;
      // From this event's start to the next one's, on the RTP clock (8 kHz).
      if (events[i + 1]) entry.nextStartMs = (events[i + 1].timestamp - entry.timestamp) / 8;
    });
    return { packets: packets.length, events };
  }

  /** rtpengine's view of a call (ng `query`): packets per leg, by SIP Call-ID. */
  async rtpengineQuery(callId) {
    const socket = createSocket('udp4');
    const cookie = `q${Date.now()}${++this.#seq}`;
    try {
      const reply = await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('rtpengine did not answer')), 2000);
        socket.on('message', (message) => {
          const space = message.indexOf(0x20);
          if (message.subarray(0, space).toString() !== cookie) return;
          clearTimeout(timer);
          resolve(bdecode(message.subarray(space + 1)));
        });
        socket.send(
          `${cookie} ${bencode({ command: 'query', 'call-id': callId })}`,
          PORTS.RTPENGINE_NG,
          '127.0.0.1',
        );
      });
      if (reply.result !== 'ok') return { result: reply.result, reason: reply['error-reason'] };
      const legs = Object.entries(reply.tags ?? {}).map(([tag, leg]) => {
        let packets = 0;
        let bytes = 0;
        for (const media of leg.medias ?? [])
          for (const stream of media.streams ?? []) {
            packets += stream.stats?.packets ?? 0;
            bytes += stream.stats?.bytes ?? 0;
          }
        return { tag, packets, bytes, protocols: (leg.medias ?? []).map((m) => m.protocol) };
      });
      return { result: 'ok', legs, totals: reply.totals };
    } finally {
      socket.close();
    }
  }

  /**
   * Starts a sipp UAC that calls `user` through Kamailio (node `a`, or `b` of the pair); returns
   * its id at once.
   */
  startUac(user, node = 'a') {
    const id = `uac-${++this.#seq}`;
    const proc = this.#spawn(
      id,
      'sipp',
      [
        `127.0.0.1:${NODES[node].udp}`,
        '-s',
        user,
        '-m',
        '1',
        ...this.#sippArgs(id, 'uac-call-browser.xml', {
          port: PORTS.SIPP_UAC,
          media: PORTS.SIPP_UAC_MEDIA,
          control: PORTS.SIPP_UAC_CONTROL,
        }),
      ],
      this.runDir,
    );
    this.#uacs.set(id, { proc, messages: join(this.runDir, `${id}.messages.log`) });
    return id;
  }

  /**
   * Starts a sipp UAC (2998, the ringer) that calls `user` through Kamailio, lets it ring for
   * `ringMs` after its 180, then cancels; returns its id at once (`waitUac` → exit code 0 when it
   * went so). One ringer at a time (fixed ports).
   */
  startRinger(user, ringMs = 3000, node = 'a') {
    const id = `ring-${++this.#seq}`;
    const proc = this.#spawn(
      id,
      'sipp',
      [
        `127.0.0.1:${NODES[node].udp}`,
        '-s',
        user,
        '-m',
        '1',
        '-d',
        String(Math.max(0, Math.round(ringMs))),
        ...this.#sippArgs(id, 'uac-ring-cancel.xml', {
          port: PORTS.SIPP_RING,
          media: PORTS.SIPP_RING_MEDIA,
          control: PORTS.SIPP_RING_CONTROL,
        }),
      ],
      this.runDir,
    );
    this.#uacs.set(id, { proc, messages: join(this.runDir, `${id}.messages.log`) });
    return id;
  }

  /**
   * Waits for a UAC to end (stops it after `timeout`): `{ exitCode, timedOut, messages, errors }`;
   * exit code 0 means the call went as scripted.
   */
  async waitUac(id, timeout = 30_000) {
    const uac = this.#uacs.get(id);
    if (!uac) throw new Error(`no UAC ${id}`);
    const end = Date.now() + timeout;
    while (!uac.proc.exited && Date.now() < end) await sleep(50);
    const timedOut = !uac.proc.exited;
    await this.#stopProcess(id);
    return {
      exitCode: uac.proc.exitCode,
      timedOut,
      messages: this.sippMessages(id),
      errors: tail(join(this.runDir, `${id}.errors.log`)),
    };
  }

  #spawnSippUas(name, scenario, ports) {
    return this.#spawn(name, 'sipp', this.#sippArgs(name, scenario, ports), this.runDir);
  }

  /** sipp on loopback only (SIP, media and control sockets), echoing RTP, tracing messages. */
  #sippArgs(name, scenario, { port, media, control }) {
    return [
      '-sf',
      join(here, 'sipp', scenario),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mi',
      '127.0.0.1',
      '-mp',
      String(media),
      '-ci',
      '127.0.0.1',
      '-cp',
      String(control),
      '-rtp_echo',
      '-t',
      'u1',
      '-nostdin',
      '-trace_msg',
      '-message_file',
      join(this.runDir, `${name}.messages.log`),
      '-trace_err',
      '-error_file',
      join(this.runDir, `${name}.errors.log`),
    ];
  }

  #certificate() {
    const result = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        join(this.runDir, 'key.pem'),
        '-out',
        join(this.runDir, 'cert.pem'),
      ],
      { encoding: 'utf8' },
    );
    if (result.status !== 0)
      throw new Error(`openssl could not make the test certificate:\n${result.stderr}`);
  }

  #checkPortsFree(
    wanted = [
      ['udp', PORTS.KAMAILIO_UDP],
      ['tcp', PORTS.KAMAILIO_WS],
      ['tcp', PORTS.KAMAILIO_WSS],
      ['udp', PORTS.RTPENGINE_NG],
      ['tcp', PORTS.RTPENGINE_CLI],
      ['udp', PORTS.SIPP_2000],
      ['udp', PORTS.SIPP_2001],
      ['udp', PORTS.SIPP_2002],
      ['udp', PORTS.SIPP_UAC],
      ['udp', PORTS.SIPP_2000_CONTROL],
      ['udp', PORTS.SIPP_2001_CONTROL],
      ['udp', PORTS.SIPP_2002_CONTROL],
      ['udp', PORTS.SIPP_UAC_CONTROL],
      ['udp', PORTS.SIPP_RING],
      ['udp', PORTS.SIPP_RING_CONTROL],
      ['udp', PORTS.BARESIP],
      ['udp', PORTS.TURN],
      ['tcp', PORTS.TURN],
    ],
  ) {
    const sockets = boundSockets();
    const busy = wanted
      .map(([proto, port]) => {
        const socket = listener(sockets, proto, port);
        return socket ? `${proto}/${port} (${ownerOf(socket.inode)})` : undefined;
      })
      .filter(Boolean);
    if (busy.length)
      throw new Error(
        `The interop test bed's ports are in use: ${busy.join(', ')}. ` +
          'Stop what holds them (a stock kamailio, rtpengine or coturn service?) or run the tests in a ' +
          'network namespace as `npm test` does (needs root).',
      );
  }

  #spawn(name, program, args, cwd = this.runDir) {
    const log = join(this.runDir, `${name}.log`);
    const fd = openSync(log, 'a');
    const path = which(program);
    const [command, argv] = this.#usePdeathsig
      ? [which('setpriv'), ['--pdeathsig', 'SIGTERM', '--', path, ...args]]
      : [path, args];
    // Own process group: the bed can end a server and any child it forked, by the server's PID.
    const child = spawn(command, argv, { cwd, stdio: ['ignore', fd, fd], detached: true });
    closeSync(fd);
    const proc = { name, child, log, exited: false, exitCode: null, groupLeft: true };
    proc.done = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        proc.exited = true;
        proc.exitCode = code ?? signal;
        // Did it leave a forked child behind in its group? (Checked now, while the PID is fresh.)
        proc.groupLeft = signalGroup(child.pid, 0);
        resolve();
      }),
    );
    child.once('error', (error) => {
      proc.exited = true;
      proc.exitCode = String(error);
    });
    this.#procs.set(name, proc);
    return proc;
  }

  async #waitForPorts(proc, ports, timeout = 15_000) {
    const end = Date.now() + timeout;
    for (;;) {
      const sockets = boundSockets();
      const down = ports.filter(([proto, port]) => !listener(sockets, proto, port));
      if (!down.length) return;
      if (proc.exited || Date.now() > end) {
        const why = proc.exited
          ? `exited (${proc.exitCode})`
          : `did not listen within ${timeout / 1000} s`;
        throw new Error(
          `[interop] ${proc.name} ${why}; not listening on ${down.map(([p, n]) => `${p}/${n}`).join(', ')}. ` +
            `Its log (${proc.log}):\n${tail(proc.log)}`,
        );
      }
      await sleep(50);
    }
  }

  async #stopProcess(name) {
    const proc = this.#procs.get(name);
    if (!proc) return;
    this.#procs.delete(name);
    const pid = proc.child.pid;
    if (!pid) return;
    if (!proc.exited) {
      signalGroup(pid, 'SIGTERM');
      await Promise.race([proc.done, sleep(3000)]);
    }
    // Anything left in its process group (a forked worker) ends now.
    if (proc.groupLeft && signalGroup(pid, 0)) {
      signalGroup(pid, 'SIGKILL');
      await Promise.race([proc.done, sleep(1000)]);
    }
  }

  #killAllNow() {
    for (const proc of this.#procs.values())
      if (proc.child.pid && (!proc.exited || proc.groupLeft))
        signalGroup(proc.child.pid, 'SIGKILL');
  }
}

// `node test/interop/testbed.mjs`: the bed alone, until Ctrl-C.
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bed = new TestBed();
  try {
    const info = await bed.start();
    console.log(JSON.stringify(info, null, 2));
    console.log('[interop] test bed running; Ctrl-C stops it.');
    const stop = async () => {
      await bed.stop();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (error) {
    console.error(error.message);
    process.exit(1);
  }
}
