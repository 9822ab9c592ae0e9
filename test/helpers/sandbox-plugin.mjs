// A test-runner plugin that starts the project's sandbox SIP server (sandbox/cli.ts) as a child
// process for the test run, stops it by PID afterwards, and lets browser tests reach it through
// `executeServerCommand('sandbox', { action })` — the sandbox's HTTP API stays loopback-only and
// needs no CORS.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createSocket } from 'node:dgram';

/**
 * A UDP port on 127.0.0.1 that swallows every packet: a STUN server that never answers, to prove
 * the phone does not wait for ICE gathering to finish.
 */
function blackHole() {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.on('message', () => {});
    socket.bind(0, '127.0.0.1', () => resolve(socket));
  });
}

export function sandboxPlugin() {
  let hole;
  let child;
  let info;
  let ready;

  function start() {
    ready ??= new Promise((resolve, reject) => {
      child = spawn(
        process.execPath,
        ['--import', 'tsx', 'sandbox/cli.ts', '--json', '--port', '0', '--quiet'],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
          env: {
            ...process.env,
            SIP_SANDBOX_EARLY_MEDIA_MS: process.env.SIP_SANDBOX_EARLY_MEDIA_MS ?? '1500',
          },
        },
      );
      const lines = createInterface({ input: child.stdout });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      lines.on('line', (line) => {
        if (info || !line.startsWith('{')) return;
        try {
          const parsed = JSON.parse(line);
          if (parsed.event === 'ready') {
            info = parsed;
            resolve(info);
          }
        } catch {
          // Not the ready line.
        }
      });
      child.on('exit', (code) => {
        if (!info) reject(new Error(`sandbox exited (${code}) before it was ready:\n${stderr}`));
      });
      setTimeout(
        () => reject(new Error(`sandbox did not start within 30 s:\n${stderr}`)),
        30_000,
      ).unref();
    });
    return ready;
  }

  async function api(path, method = 'GET', body) {
    const { httpUrl } = await start();
    const response = await fetch(new URL(path, httpUrl), {
      method,
      ...(body
        ? { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }
        : {}),
    });
    if (!response.ok) throw new Error(`sandbox ${method} ${path}: ${response.status}`);
    return response.json();
  }

  return {
    name: 'sip-sandbox',
    async serverStop() {
      hole?.close();
      if (child && child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
    },
    async executeCommand({ command, payload }) {
      if (command !== 'sandbox') return undefined;
      const { action, number } = payload ?? {};
      if (action === 'info') return start();
      if (action === 'silent-stun') {
        hole ??= await blackHole();
        return { url: `stun:127.0.0.1:${hole.address().port}` };
      }
      if (action === 'calls')
        return api(`/api/calls${number ? `?number=${encodeURIComponent(number)}` : ''}`);
      if (action === 'clear-calls') return api('/api/calls', 'DELETE');
      if (action === 'registrations') return api('/api/registrations');
      // The sandbox calls a registered user (an incoming call for the browser).
      if (action === 'call-user') return api('/api/calls/outbound', 'POST', payload.call);
      // A bad network: the sandbox drops lossPct % of the packets it sends and delays them all.
      if (action === 'impair') {
        const { lossPct = 0, delayMs = 0 } = payload;
        return api(
          `/api/impairment?lossPct=${lossPct}&delayMs=${delayMs}`,
          lossPct || delayMs ? 'PUT' : 'DELETE',
        );
      }
      // Short-lived credentials for a user (a one-off password or a bearer token), as a page's
      // own server would issue them to its phone.
      if (action === 'credentials') {
        const { user, kind = 'password', ttlMs = 60_000 } = payload;
        return api('/api/credentials', 'POST', { user, kind, ttlMs });
      }
      // Subscriptions the sandbox holds (busy lamps, voicemail), with SUBSCRIBE / NOTIFY counts.
      if (action === 'subscriptions') return api('/api/subscriptions');
      // A user's voicemail counts: read, or set ({ newMessages, oldMessages }) as a voicemail
      // system would, which tells the user's phones.
      if (action === 'mailbox') {
        const path = `/api/voicemail/${encodeURIComponent(payload.user)}`;
        return payload.set ? api(path, 'PUT', payload.set) : api(path);
      }
      if (action === 'end-call')
        return api(`/api/calls/outbound/${encodeURIComponent(payload.id)}`, 'DELETE');
      throw new Error(`unknown sandbox action ${action}`);
    },
  };
}
