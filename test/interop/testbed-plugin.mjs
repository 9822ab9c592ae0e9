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
//   call-browser   {user}     a sipp UAC calls `user` through Kamailio → {id}
//   uac-wait       {id}       wait for that UAC to end → {exitCode, messages}
//   logs                      the last lines of every server's log
//   kamailio-stop / kamailio-start
//                             stop Kamailio (by PID) / start it again with the same configuration
//   timing         {name, ms, detail}
//                             record a scenario's timing; all are printed when the runner stops
import { TestBed } from './testbed.mjs';

export function interopPlugin() {
  let bed;
  let starting;
  const timings = [];
  let bedStart = 0;

  const started = () => {
    starting ??= (async () => {
      bedStart = Date.now();
      bed = new TestBed();
      const info = await bed.start();
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
          return { id: bed.startUac(String(args.user)) };
        case 'uac-wait':
          return bed.waitUac(String(args.id), Number(args.timeout ?? 30_000));
        case 'kamailio-stop':
          await bed.stopKamailio();
          return true;
        case 'kamailio-start':
          await bed.startKamailio();
          return true;
        default:
          throw new Error(`unknown interop action ${action}`);
      }
    },
  };
}
