// A test-runner plugin for the `faults` group: starts the fault peer (fault-peer.mjs) in the test
// runner's process on the first command that needs it, and a sandbox SIP server of its own behind it
// (a child process, like sandbox-plugin.mjs's); closes the peer (and every socket and relay it
// opened) and stops that sandbox by PID when the runner stops. Browser tests get
// `executeServerCommand('faults', {...})`:
//
//   create   {config}          a scenario → { id, wsUrl, origin } (upstream: this sandbox)
//   sandbox  {request}         a sandbox-plugin request ({action: 'info' | 'calls' | …}) to this sandbox
//   update   {id, patch}       change a scenario's rules or options mid-test
//   log      {id}              every frame and connection event of the scenario
//   drop     {id}              cut the phone's connection (no close handshake)
//   silence  {id, on}          half-dead: the connection stays open, nothing passes either way
//   inject   {id, text, pad}   send raw text to the phone ({contact}: the phone's Contact URI;
//                              {pad}: `pad` characters, made here)
//   inject-fixture {id, name}  send an RFC 4475 / 5118 torture message (`rfc4475/x.dat`)
//   garbage  {id, count, size} random junk frames to the phone
//   fixtures                   the torture message names
//   media    {id, blackhole}   drop (or pass again) every audio packet of the scenario
//   media-stats {id}           audio packets relayed each way, and dropped
//   close    {id}              end a scenario
//   console-start / console-stop   what the page writes to its console in between (Playwright)
import { FaultPeer } from './fault-peer.mjs';
import { sandboxPlugin } from '../helpers/sandbox-plugin.mjs';

export function faultPlugin() {
  let peer;
  let starting;
  const consoles = new Map();
  const started = () => (starting ??= new FaultPeer().start().then((p) => (peer = p)));
  // A sandbox of its own behind the peer: the fault suite's calls (a 100-call soak among them) do
  // not slow down the sandbox the other groups share while they run alongside.
  const upstream = sandboxPlugin();
  const sandbox = (request) => upstream.executeCommand({ command: 'sandbox', payload: request });

  return {
    name: 'sip-fault-peer',
    async serverStop() {
      if (starting) {
        await starting.catch(() => undefined);
        await peer?.close();
      }
      await upstream.serverStop();
    },
    async executeCommand({ command, payload, session }) {
      if (command !== 'faults') return undefined;
      const p = await started();
      const { action, id } = payload ?? {};
      switch (action) {
        case 'create': {
          const config = payload.config ?? {};
          return p.create({
            ...config,
            upstream: config.upstream ?? (await sandbox({ action: 'info' })).wsUrl,
          });
        }
        case 'sandbox':
          return sandbox(payload.request);
        case 'update': {
          const scenario = p.get(id);
          Object.assign(scenario.config, payload.patch ?? {});
          return true;
        }
        case 'log':
          return p.get(id).log;
        case 'drop':
          p.get(id).dropPhone();
          return true;
        case 'silence':
          p.get(id).silenced = Boolean(payload.on);
          p.get(id).record({ event: payload.on ? 'silenced' : 'unsilenced' });
          return true;
        case 'inject':
          p.inject(id, payload.text, payload.pad);
          return true;
        case 'inject-fixture':
          await p.injectFixture(id, payload.name);
          return true;
        case 'garbage':
          p.garbage(id, payload.count ?? 100, payload.size ?? 200);
          return true;
        case 'fixtures':
          return p.fixtures();
        case 'media': {
          const relay = p.get(id).relay;
          if (!relay) throw new Error(`scenario ${id} has no media relay`);
          relay.blackhole = Boolean(payload.blackhole);
          return true;
        }
        case 'media-stats':
          return { ...(p.get(id).relay?.counts ?? {}) };
        case 'close':
          p.get(id).close();
          p.scenarios.delete(id);
          return true;
        case 'console-start': {
          const page = session.browser.getPage(session.id);
          const lines = [];
          const listener = (message) => lines.push(`${message.type()}: ${message.text()}`);
          page.on('console', listener);
          consoles.set(session.id, { page, lines, listener });
          return true;
        }
        case 'console-stop': {
          const capture = consoles.get(session.id);
          if (!capture) return [];
          consoles.delete(session.id);
          capture.page.off('console', capture.listener);
          return capture.lines;
        }
        default:
          throw new Error(`unknown faults action ${action}`);
      }
    },
  };
}
