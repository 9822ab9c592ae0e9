/* global document, window, opener, navigator, localStorage, location, WebSocket, URLSearchParams, Event, setTimeout */
// The probe in each built page the fault peer serves (app-server.mjs): a classic script right after
// the page's CSP meta, so it runs before the page's own modules, under the page's own policy, and
// sees every violation from the first one. It does for the test page that opened this window
// (postMessage) what a user does — type, tick, press — or what an embedding page's script does (set
// properties), and reports what the page shows and stores. Query flags, read before the page's
// scripts run:
//   fresh                    start with empty localStorage (the pages share this origin's)
//   no-password-credential   a browser without a password manager (no PasswordCredential)
const violations = [];
const errors = [];
document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(`${event.effectiveDirective} ${event.blockedURI} ${event.sample}`.trim());
});
window.addEventListener('error', (event) => errors.push(String(event.message)));
window.addEventListener('unhandledrejection', (event) =>
  errors.push(String(event.reason?.message ?? event.reason)),
);

const flags = new URLSearchParams(location.search);
if (flags.has('fresh')) localStorage.clear();
if (flags.has('no-password-credential')) delete window.PasswordCredential;

// A spy, not a stand-in: it counts the calls and lets each one through to the browser.
const calls = { preventSilentAccess: 0 };
const preventSilentAccess = navigator.credentials?.preventSilentAccess;
if (preventSilentAccess) {
  navigator.credentials.preventSilentAccess = function () {
    calls.preventSilentAccess++;
    return preventSilentAccess.call(this);
  };
}

/** `selector`, or the `part` in its shadow root. */
function find({ selector, part }) {
  const host = document.querySelector(selector);
  const el = part ? host?.shadowRoot?.querySelector(`[part~="${part}"]`) : host;
  if (!el)
    throw new Error(`no ${selector}${part ? ` [part~=${part}]` : ''} in ${location.pathname}`);
  return el;
}

function describe(el) {
  return {
    text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
    visible: el.checkVisibility(),
    checked: el.checked,
    disabled: el.disabled,
    open: el.open,
    value: el.value,
  };
}

/** Trusted Types and connect-src from the meta policy: each attempt must be refused and reported. */
async function enforcement() {
  let trustedTypes = false;
  try {
    document.createElement('div').innerHTML = '<b>not trusted</b>';
  } catch (error) {
    trustedTypes = error instanceof TypeError;
  }
  // Another port of the same host: neither 'self' nor wss:. Chromium reports the refusal and fails
  // the socket later (no exception), so the report is the evidence.
  const socket = new WebSocket('ws://127.0.0.1:9/');
  socket.addEventListener('error', () => undefined);
  const reported = () =>
    violations.some((v) => v.startsWith('require-trusted-types-for')) &&
    violations.some((v) => v.startsWith('connect-src ws://127.0.0.1:9'));
  for (let i = 0; i < 100 && !reported(); i++) await new Promise((r) => setTimeout(r, 50));
  return { trustedTypes, reported: reported() };
}

const commands = {
  /** Types into a field as a user does: the value, then input and change events. */
  fill({ fields }) {
    for (const { value, ...target } of fields) {
      const el = find(target);
      el.focus();
      el.value = value;
      el.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  },
  click(target) {
    find(target).click();
  },
  /** What the embedding page's own script does: properties on the element. */
  set({ selector, props }) {
    Object.assign(find({ selector }), props);
  },
  state({ selectors = [] } = {}) {
    const phone = document.querySelector('sip-phone, sip-call-button');
    return {
      violations: [...violations],
      errors: [...errors],
      calls: { ...calls },
      policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content ?? '',
      storage: { ...localStorage },
      registration: phone?.registrationState,
      call: phone?.callState,
      elements: Object.fromEntries(
        selectors.map((target) => {
          const key = target.part ? `${target.selector}::${target.part}` : target.selector;
          try {
            return [key, describe(find(target))];
          } catch {
            return [key, null];
          }
        }),
      ),
    };
  },
  enforcement,
};

window.addEventListener('message', async (event) => {
  const { source, id, command, payload } = event.data ?? {};
  if (source !== 'app-test' || !(command in commands)) return;
  try {
    const result = await commands[command](payload ?? {});
    opener.postMessage({ source: 'app-probe', id, result }, '*');
  } catch (error) {
    opener.postMessage({ source: 'app-probe', id, error: String(error?.message ?? error) }, '*');
  }
});

window.addEventListener('load', () =>
  opener.postMessage({ source: 'app-probe', ready: true }, '*'),
);
