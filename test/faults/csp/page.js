/* global document, window, parent */
// The strict-CSP test page's own script, served with `script-src 'self'` and Trusted Types
// enforced. It adds a <sip-phone> (from the built dist/sip-phone.js) when the test sends a
// configuration, drives it on command, and reports events and CSP violations by postMessage.
const violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});

const report = (data) => parent.postMessage({ source: 'csp-page', ...data }, '*');
let phone;

window.addEventListener('message', (event) => {
  const message = event.data ?? {};
  if (message.command === 'configure') {
    phone = document.createElement('sip-phone');
    phone.addEventListener('sip-registration-change', (e) =>
      report({ type: 'registration', state: e.detail.state }),
    );
    phone.addEventListener('sip-call-change', (e) =>
      report({ type: 'call', state: e.detail.state, status: e.detail.status }),
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
  } else if (message.command === 'report') {
    const seen = [...violations];
    // Proof that Trusted Types are enforced here: a plain string into innerHTML must throw.
    let enforced = false;
    try {
      document.createElement('div').innerHTML = '<b>not trusted</b>';
    } catch (error) {
      enforced = error instanceof TypeError;
    }
    const banner = phone?.shadowRoot?.querySelector('[part~="banner"]');
    report({
      type: 'report',
      violations: seen,
      trustedTypesEnforced: enforced,
      banner: (banner?.textContent ?? '').replace(/\s+/g, ' ').trim(),
    });
  }
});

report({ type: 'ready' });
