// A test-runner plugin for the `interop` group: starts the interop test bed (testbed.mjs) on the
// first command that needs it, stops every process it started (by PID) when the runner stops, and
// gives browser tests `executeServerCommand('interop', { action, ... })`:
//
//   info                      start the bed (once); URLs, users, numbers, TURN server, ports,
//                             start-up time
//   sipp-messages  {peer}     sipp's message trace of `2000`, `2001` or a UAC id
//   baresip-digits            RFC 4733 digits in baresip's log
//   coturn-log                coturn's whole log
//   capture-start  {filter}   dumpcap on lo with a BPF filter → {id}
//   capture-stop   {id, port, pt}
//                             stop it; RFC 4733 events sent to `port` with payload type `pt`
//   rtpengine      {callId}   rtpengine's packet counts per call leg (ng `query`)
//   call-browser   {user, node}
//                             a sipp UAC calls `user` through Kamailio (node `a`, the default,
//                             or `b` of the pair) → {id}
//   uac-wait       {id}       wait for that UAC to end → {exitCode, messages}
//   logs                      the last lines of every server's log
//   kamailio-stop / kamailio-start  {node}
//                             stop a Kamailio node (SIGTERM, by PID) / start it again with the same
//                             configuration; node `a` (the default) or `b`
//   kamailio-kill  {node}     SIGKILL a node by its PID (a crash: no goodbye) → {pid}
//   kamailio-pid   {node}     the node's PID while it runs → {pid}
//   pair-start                start node B (unless it runs; then A restarts, see startPair) and wait
//                             until A and B see each other active in DMQ → {pid, startMs, dmqMs}
//   pair-stop                 stop node B (by PID)
//   location       {node}     the node's location table (kamcmd ul.dump): one entry per contact
//                             {aor, contact, path, received, instance, regId, expires, socket}
//   dmq-nodes      {node}     the DMQ nodes the node knows (kamcmd dmq.list_nodes)
//   kamailio-log   {node, text}
//                             the lines of the node's log that contain `text` (a Call-ID, …)
//   kamcmd         {node, args}
//                             an RPC on the node's control socket (e.g. ws.dump, ws.close) → output
//   coturn-stop / coturn-start
//                             stop coturn (SIGTERM, by PID) / start it again
//   host-media-path {blocked} block (or open) the browser's direct UDP path to rtpengine, so
//                             calls must use a TURN relay (iptables, loopback-only namespace only)
//   ring-user      {user, ringMs, node}
//                             the ringer (sipp UAC 2998) calls `user` through Kamailio, lets it
//                             ring `ringMs` (default 3000) after its 180, then cancels → {id}
//                             (`uac-wait {id}`: exit code 0 when it went so; the callee must not
//                             answer). What a dialog watcher of `user` sees: early, then terminated
//   publish-mwi    {user, newMessages, oldMessages, expires, node}
//                             PUBLISH Event: message-summary for `user`, as `user` (digest over WS)
//                             → {status, reason, etag, body}; Kamailio NOTIFYs the user's
//                             message-summary subscribers with that body
//   send-mwi-notify {user, newMessages, oldMessages, node}
//                             an unsolicited NOTIFY Event: message-summary (no subscription), sent
//                             over UDP as a voicemail server does, to the user's registered
//                             contact via Kamailio → {status, reason, body, callId} (404: not
//                             registered)
//   watch-start    {watcher, target, event, accept, expires, node}
//                             a Node client of bed user `watcher` SUBSCRIBEs to `event` (dialog,
//                             presence, message-summary) of `target` (a user or a SIP URI)
//                             → {id, status, reason, expires}
//   watch-notifies {id}       the NOTIFYs it received: [{at, event, subscriptionState,
//                             contentType, body}]
//   watch-stop     {id}       unsubscribe (Expires: 0) and close it
//   timing         {name, ms, detail}
//                             record a scenario's timing; all are printed when the runner stops
import { TestBed } from './testbed.mjs';
import { Watchers, publishMwi, sendMwiNotify } from './presence.mjs';

/** The Kamailio node a command names: `a` (the bed's own, the default) or `b` (the pair's). */
const node = (args) => {
  const name = String(args.node ?? 'a').toLowerCase();
  if (name !== 'a' && name !== 'b') throw new Error(`no Kamailio node ${args.node}`);
  return name;
};

export function interopPlugin() {
  let bed;
  let starting;
  let watchers;
  const timings = [];
  let bedStart = 0;

  const started = () => {
    starting ??= (async () => {
      bedStart = Date.now();
      bed = new TestBed();
      const info = await bed.start();
      watchers = new Watchers(info);
      console.log(
        `[interop] test bed up in ${info.startupMs} ms (${Object.entries(info.pids)
          .map(([name, pid]) => `${name} ${pid}`)
          .join(', ')}); run directory ${info.runDir} ` +
          `(removed at the end unless SIP_PHONE_INTEROP_KEEP=1)`,
      );
      return info;
    })();
    return starting;
  };

  /** Starts node B and waits (at most 10 s) until each node lists the other as active in DMQ. */
  const startPair = async () => {
    const t0 = Date.now();
    const bWasUp = Boolean(bed.kamailioPid('b'));
    await bed.startKamailio('a');
    await bed.startKamailio('b');
    if (!bWasUp) {
      // A, started with the bed while B was not there, still has its start-up DMQ notification to
      // B pending: when it times out (tm's fr_timer, 30 s) DMQ marks B "pending" and A stops
      // replicating to B until the next ping (60 s). A fresh A notifies the running B at once.
      await bed.stopKamailio('a');
      await bed.startKamailio('a');
    }
    const startMs = Date.now() - t0;
    const { pair } = bed.info();
    const sees = async (node, other) =>
      (await bed.dmqNodes(node)).some(
        (n) => n.local === '0' && Number(n.port) === other.udp && n.status === 'active',
      );
    const end = Date.now() + 10_000;
    while (!((await sees('a', pair.b)) && (await sees('b', pair.a)))) {
      if (Date.now() > end)
        throw new Error(
          `[interop] A and B do not see each other in DMQ after 10 s: A ${JSON.stringify(
            await bed.dmqNodes('a'),
          )}, B ${JSON.stringify(await bed.dmqNodes('b'))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return { pid: bed.kamailioPid('b'), startMs, dmqMs: Date.now() - t0 };
  };

  return {
    name: 'sip-interop-testbed',
    async serverStop() {
      if (timings.length) {
        console.log('\n[interop] scenario timings:');
        for (const { name, ms, detail } of timings)
          console.log(
            `  ${String(Math.round(ms)).padStart(6)} ms  ${name}${detail ? `  (${detail})` : ''}`,
          );
        const total = timings.reduce((sum, { ms }) => sum + ms, 0);
        console.log(`  ${String(Math.round(total)).padStart(6)} ms  all scenarios`);
        console.log(
          `  ${String(Date.now() - bedStart).padStart(6)} ms  from the bed's start to the end of the runner ` +
            '(interop tests and, with `npm test`, the other groups)',
        );
      }
      if (!starting) return;
      try {
        await starting;
      } catch {
        // It failed to start; whatever it started is already stopped.
      }
      await watchers?.stopAll();
      await bed?.stop();
    },
    async executeCommand({ command, payload }) {
      if (command !== 'interop') return undefined;
      const { action, ...args } = payload ?? {};
      if (action === 'timing') {
        timings.push({ name: args.name, ms: args.ms, detail: args.detail });
        return true;
      }
      const info = await started();
      switch (action) {
        case 'info':
          return info;
        case 'sipp-messages':
          return bed.sippMessages(String(args.peer));
        case 'logs':
          return bed.logs();
        case 'baresip-digits':
          return bed.baresipDigits();
        case 'coturn-log':
          return bed.coturnLog();
        case 'capture-start':
          return { id: await bed.startCapture(String(args.filter)) };
        case 'capture-stop':
          return bed.stopCapture(String(args.id), { port: Number(args.port), pt: Number(args.pt) });
        case 'rtpengine':
          return bed.rtpengineQuery(String(args.callId));
        case 'call-browser':
          return { id: bed.startUac(String(args.user), node(args)) };
        case 'uac-wait':
          return bed.waitUac(String(args.id), Number(args.timeout ?? 30_000));
        case 'kamailio-stop':
          await bed.stopKamailio(node(args));
          return true;
        case 'kamailio-start':
          await bed.startKamailio(node(args));
          return true;
        case 'coturn-stop':
          await bed.stopCoturn();
          return true;
        case 'coturn-start':
          await bed.startCoturn();
          return true;
        case 'host-media-path':
          return bed.hostMediaPath(Boolean(args.blocked));
        case 'kamailio-kill':
          return { pid: await bed.killKamailio(node(args)) };
        case 'kamailio-pid':
          return { pid: bed.kamailioPid(node(args)) };
        case 'pair-start':
          return startPair();
        case 'pair-stop':
          await bed.stopKamailio('b');
          return true;
        case 'location':
          return bed.location(node(args));
        case 'dmq-nodes':
          return bed.dmqNodes(node(args));
        case 'kamailio-log':
          return bed.kamailioLog(node(args), String(args.text));
        // kamcmd {node, args}: an RPC on the node's control socket (e.g. ws.dump, ws.close <id>)
        case 'kamcmd':
          return bed.kamcmd(node(args), (args.args ?? []).map(String));
        case 'ring-user':
          return {
            id: bed.startRinger(String(args.user), Number(args.ringMs ?? 3000), node(args)),
          };
        case 'publish-mwi':
          return publishMwi(info, {
            user: String(args.user),
            newMessages: Number(args.newMessages ?? 0),
            oldMessages: Number(args.oldMessages ?? 0),
            expires: Number(args.expires ?? 600),
            node: node(args),
          });
        case 'send-mwi-notify':
          return sendMwiNotify(info, {
            user: String(args.user),
            newMessages: Number(args.newMessages ?? 0),
            oldMessages: Number(args.oldMessages ?? 0),
            node: node(args),
          });
        case 'watch-start':
          return watchers.start({
            watcher: String(args.watcher),
            target: String(args.target),
            event: String(args.event),
            ...(args.accept ? { accept: String(args.accept) } : {}),
            expires: Number(args.expires ?? 600),
            node: node(args),
          });
        case 'watch-notifies':
          return watchers.notifies(String(args.id));
        case 'watch-stop':
          return watchers.stop(String(args.id));
        default:
          throw new Error(`unknown interop action ${action}`);
      }
    },
  };
}
