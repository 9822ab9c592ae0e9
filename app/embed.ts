/**
 * The embedding example page: a `<sip-phone>` beside the page's own content, listening to the
 * element's events. Server and account come from the sandbox when `npm start` runs it.
 */
import '../components/sip-phone/sip-phone.js';
import type { SipPhone } from '../components/sip-phone/sip-phone.js';
import { loadSandboxConfig, sandboxAccount } from './sandbox-config.js';

const phone = document.querySelector<SipPhone>('#phone')!;
const log = document.querySelector<HTMLOListElement>('#log')!;

phone.addEventListener('sip-call-change', ({ detail }) => {
  if (detail.state !== 'ended' && detail.state !== 'failed') return;
  const item = document.createElement('li');
  item.textContent = `${new Date().toLocaleTimeString()} — ${detail.remote.user}: ${detail.state}${
    detail.status ? ` (${detail.status})` : ''
  }`;
  log.prepend(item);
});

const sandbox = await loadSandboxConfig();
if (sandbox) {
  const account = sandboxAccount(sandbox, 'bob');
  phone.server = sandbox.server;
  phone.uri = account.uri;
  phone.password = account.password;
}
