/**
 * The kiosk example page: one `<sip-call-button>`. A real kiosk sets server, uri and the password
 * property in its own page; here they come from the sandbox when `npm start` runs it.
 */
import '../components/sip-call-button/sip-call-button.js';
import type { SipCallButton } from '../components/sip-call-button/sip-call-button.js';
import { loadSandboxConfig, sandboxAccount } from './sandbox-config.js';

const kiosk = document.querySelector<SipCallButton>('#kiosk')!;
const sandbox = await loadSandboxConfig();
if (sandbox) {
  const account = sandboxAccount(sandbox, 'carol');
  kiosk.server = sandbox.server;
  kiosk.uri = account.uri;
  kiosk.password = account.password;
}
