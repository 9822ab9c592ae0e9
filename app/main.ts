/**
 * The standalone dialer page: one `<sip-phone>` with its history, device pickers and account
 * settings — and, when started with `npm start`, the sandbox's account and test numbers, so a
 * newcomer can call without an account. Plain DOM here (the elements bring Lit); all remote or
 * user text is set as text, never as HTML.
 */
// The elements (the CDN file's entry: no word helpers, which the page does not use).
import '../components/cdn.js';
import type { SipCallHistory, SipDeviceSettings, SipPhone } from '../components/index.js';
import {
  hasPasswordManager,
  forgetPassword,
  loadSettings,
  rememberPassword,
  rememberedPassword,
  saveSettings,
  validateSettings,
  watchList,
  type DialerSettings,
  type PasswordPlace,
  type SettingsField,
} from './settings.js';
import { loadSandboxConfig } from './sandbox-config.js';
import { registerServiceWorker } from './service-worker.js';
import { watchNetwork } from './network-status.js';
import { fillFromCallParameter, offerProtocolHandlers } from './call-links.js';

const phone = document.querySelector<SipPhone>('#phone')!;
const history = document.querySelector<SipCallHistory>('#history')!;
const devices = document.querySelector<SipDeviceSettings>('#devices')!;
const form = document.querySelector<HTMLFormElement>('#settings')!;
const status = document.querySelector<HTMLElement>('#settings-status')!;
const FIELDS: SettingsField[] = [
  'server',
  'uri',
  'authUser',
  'password',
  'displayName',
  'iceServers',
  'dtmfMode',
  'watch',
  'voicemail',
];

let settings: DialerSettings = loadSettings();

// Offline and updates (the built dialer has a service worker; `npm start`'s has none).
watchNetwork(document.querySelector<HTMLElement>('#network-status')!, phone);
if (import.meta.env.PROD) {
  registerServiceWorker({
    text: document.querySelector<HTMLElement>('#update-text')!,
    button: document.querySelector<HTMLButtonElement>('#update-reload')!,
    inCall: () => phone.lines.length > 0,
    whenIdle: (done) => {
      const check = () => {
        if (phone.lines.length) return;
        phone.removeEventListener('sip-call-change', check);
        done();
      };
      phone.addEventListener('sip-call-change', check);
      check();
    },
  });
}

const field = (name: string) =>
  form.elements.namedItem(name) as
    HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null;

function fillForm(values: DialerSettings, password = ''): void {
  for (const name of FIELDS) {
    const input = field(name);
    if (input) input.value = name === 'password' ? password : values[name as keyof DialerSettings];
  }
}

const remember = field('remember') as HTMLInputElement;
// Shown only where there is no password manager: storing in localStorage needs this second tick.
const rememberLocal = field('rememberLocal') as HTMLInputElement;

function readForm(): {
  values: DialerSettings;
  password: string;
  keep: boolean;
  keepLocally: boolean;
} {
  const text = (name: string) => field(name)?.value ?? '';
  return {
    values: {
      ...settings,
      server: text('server').trim(),
      uri: text('uri').trim(),
      authUser: text('authUser').trim(),
      displayName: text('displayName'),
      iceServers: text('iceServers'),
      dtmfMode: text('dtmfMode') as DialerSettings['dtmfMode'],
      watch: text('watch').trim(),
      voicemail: text('voicemail').trim(),
    },
    password: text('password'),
    keep: remember.checked,
    keepLocally: remember.checked && rememberLocal.checked,
  };
}

function showErrors(errors: Partial<Record<SettingsField, string>>): void {
  for (const name of FIELDS) {
    const message = errors[name] ?? '';
    field(name)?.setAttribute('aria-invalid', message ? 'true' : 'false');
    const error = document.getElementById(`${name}-error`);
    if (error) error.textContent = message;
  }
}

function connect(values: DialerSettings, password: string): boolean {
  const { config, errors } = validateSettings(values, password);
  showErrors(errors);
  if (!config) return false;
  phone.config = { iceServers: config.iceServers ?? [], dtmfMode: config.dtmfMode ?? 'auto' };
  phone.server = config.server;
  phone.uri = config.uri;
  phone.authUser = config.authUser ?? '';
  phone.displayName = config.displayName ?? '';
  phone.password = password;
  phone.watch = watchList(values.watch);
  phone.voicemail = values.voicemail;
  return true;
}

function applyDevices(values: DialerSettings): void {
  phone.microphone = devices.microphone = values.microphone;
  phone.speaker = devices.speaker = values.speaker;
  phone.ringer = devices.ringer = values.ringer;
}

function showNumbers(numbers: Array<[string, string]>): void {
  const list = document.querySelector<HTMLUListElement>('#numbers')!;
  list.replaceChildren(
    ...numbers.map(([number, description]) => {
      const item = document.createElement('li');
      const button = document.createElement('button');
      button.type = 'button';
      const code = document.createElement('code');
      code.textContent = number;
      const text = document.createElement('span');
      text.textContent = description;
      button.append(code, text);
      button.addEventListener('click', () => callNumber(number));
      item.append(button);
      return item;
    }),
  );
  document.querySelector<HTMLElement>('#numbers-section')!.hidden = false;
}

function callNumber(target: string): void {
  phone.number = target.replace(/^sips?:/, '').replace(/@.*$/, '');
  try {
    phone.call(target);
  } catch {
    // The phone shows why under its number field.
  }
}

remember.labels![0]!.textContent = hasPasswordManager()
  ? "Remember the password in this browser's password manager"
  : 'Remember the password';
document.querySelector<HTMLElement>('#remember-local-field')!.hidden = hasPasswordManager();

/** The localStorage box means something only under "remember": it follows that box. */
function syncRememberLocal(): void {
  rememberLocal.disabled = !remember.checked;
  if (!remember.checked) rememberLocal.checked = false;
}
remember.addEventListener('change', syncRememberLocal);

const SAVED_IN: Record<PasswordPlace, string> = {
  'password-manager': "Saved. The password is in your browser's password manager.",
  'local-storage': 'Saved. The password is stored unencrypted in this browser.',
  memory:
    'Saved. This browser has no password manager, so the password is kept for this visit only.',
};

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const { values, password, keep, keepLocally } = readForm();
  if (!connect(values, password)) {
    const first = FIELDS.find((name) => field(name)?.getAttribute('aria-invalid') === 'true');
    if (first) field(first)?.focus();
    status.textContent = 'Some settings need fixing; see the messages above.';
    return;
  }
  settings = values;
  saveSettings(settings);
  if (keep && password) {
    rememberPassword(values.uri, password, { allowLocalStorage: keepLocally }).then(
      (where) => (status.textContent = SAVED_IN[where]),
      (error: unknown) =>
        (status.textContent = `Saved, but the password could not be remembered (${
          (error as Error).message
        }); it is kept for this visit only.`),
    );
  } else {
    // Unticking "remember" forgets: the stored copy, and silent sign-in from the password manager.
    void forgetPassword();
    status.textContent = 'Saved. The password is kept in memory only.';
  }
});

devices.addEventListener('sip-device-change', ({ detail }) => {
  settings = { ...settings, [detail.kind]: detail.deviceId };
  phone[detail.kind] = detail.deviceId;
  saveSettings(settings);
});

history.addEventListener('sip-redial', ({ detail }) => callNumber(detail.target));

const diagnosticsStatus = document.querySelector<HTMLElement>('#diagnostics-status')!;
for (const [id, format] of [
  ['#save-diagnostics', 'json'],
  ['#save-diagnostics-text', 'text'],
] as const) {
  document.querySelector<HTMLButtonElement>(id)!.addEventListener('click', () => {
    phone.saveDiagnostics(format).then(
      (name) => (diagnosticsStatus.textContent = `Saved ${name}.`),
      (error: unknown) =>
        (diagnosticsStatus.textContent = `Nothing saved: ${(error as Error).message}`),
    );
  });
}

applyDevices(settings);
const sandbox = await loadSandboxConfig();
if (sandbox) {
  // `npm start`: the sandbox account, not saved (its password is a known sandbox password).
  // Its other users as busy lamps and its voicemail, unless the settings name others.
  const others = sandbox.users
    .map((u) => u.user)
    .filter((user) => !sandbox.uri.includes(`:${user}@`));
  const values = {
    ...settings,
    server: sandbox.server,
    uri: sandbox.uri,
    authUser: '',
    watch: settings.watch || others.join(' '),
    voicemail: settings.voicemail || 'voicemail',
  };
  fillForm(values, sandbox.password);
  connect(values, sandbox.password);
  showNumbers(sandbox.numbers);
  // The sandbox's echo number lets the self-test check audio both ways.
  phone.echoTarget = 'echo';
} else if (settings.server && settings.uri) {
  const remembered = await rememberedPassword(settings.uri);
  // Show that it is remembered, so unticking the box is how to forget it.
  remember.checked = Boolean(remembered);
  rememberLocal.checked = remembered?.place === 'local-storage';
  syncRememberLocal();
  fillForm(settings, remembered?.password ?? '');
  connect(settings, remembered?.password ?? '');
} else {
  fillForm(settings);
  (document.querySelector('#settings-details') as HTMLDetailsElement).open = true;
}

// Call links: "Open phone links here" in the settings, and `?call=` once the account is known.
offerProtocolHandlers(
  document.querySelector<HTMLButtonElement>('#register-links')!,
  document.querySelector<HTMLElement>('#register-links-status')!,
);
fillFromCallParameter(phone, document.querySelector<HTMLElement>('#call-link-status')!);
