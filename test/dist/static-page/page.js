/* global document, window, parent, customElements, URLSearchParams */
// The static-server page's own script (test/dist/static-server.test.ts), served with
// `script-src 'self'`: it notes every CSP violation and uncaught error, adds a <sip-phone> when
// the test sends a configuration, drives it on command, and reports by postMessage.
// The elements to look for: the test names them in the page's query (`?tags=a,b`).
const TAGS = (new URLSearchParams(window.location.search).get('tags') ?? '').split(',');
const violations = [];
const errors = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`.trim());
});
window.addEventListener('error', (event) => errors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) => errors.push(String(event.reason)));

const report = (data) => parent.postMessage({ source: 'static-page', ...data }, '*');
const defined = () => Object.fromEntries(TAGS.map((tag) => [tag, Boolean(customElements.get(tag))]));
let phone;

window.addEventListener('message', async (event) => {
  const message = event.data ?? {};
  if (message.source !== 'static-test') return;
  if (message.command === 'configure') {
    phone = document.createElement('sip-phone');
    phone.addEventListener('sip-registration-change', (e) =>
      report({ type: 'registration', state: e.detail.state, status: e.detail.status }),
    );
    phone.addEventListener('sip-call-change', (e) =>
      report({
        type: 'call',
        state: e.detail.state,
        status: e.detail.status,
        callId: phone.currentCall?.callId,
      }),
    );
    phone.server = message.server;
    phone.uri = message.uri;
    phone.password = message.password;
    phone.config = message.config ?? {};
    document.body.append(phone);
  } else if (message.command === 'call') {
    phone.call(message.target);
  } else if (message.command === 'hangup') {
    phone.hangup();
  } else if (message.command === 'import') {
    // Every module of the package, loaded by its URL under the prefix as a browser would.
    const results = await Promise.allSettled(message.urls.map((url) => import(url)));
    report({
      type: 'imported',
      failed: results.flatMap((result, i) =>
        result.status === 'rejected' ? [`${message.urls[i]}: ${result.reason}`] : [],
      ),
    });
  } else if (message.command === 'report') {
    report({ type: 'report', violations: [...violations], errors: [...errors], defined: defined() });
  }
});

// Module scripts have all run by `load`: what the CDN file defined is there.
window.addEventListener('load', () => report({ type: 'ready', defined: defined() }));
