/**
 * The standalone dialer page: one `<sip-phone>` with its history, device pickers and account
 * settings — and, when started with `npm start`, the sandbox's account and test numbers, so a
 * newcomer can call without an account. Plain DOM here (the elements bring Lit); all remote or
 * user text is set as text, never as HTML.
 */
import '../../components/index.js';
import type { SipCallHistory, SipDeviceSettings, SipPhone } from '../../components/index.js';
import {
  hasPasswordManager,
  forgetPassword,
  loadSettings,
  rememberPassword,
  rememberedPassword,
  saveSettings,
  validateSettings,
  type DialerSettings,
  type SettingsField,
} from './settings.js';
import { loadSandboxConfig } from './sandbox-config.js';

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
];

let settings: DialerSettings = loadSettings();

const field = (name: string) =>
  form.elements.namedItem(name) as
    HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement | null;

function fillForm(values: DialerSettings, password = ''): void {
  for (const name of FIELDS) {
    const input = field(name);
    if (input) input.value = name === 'password' ? password : values[name as keyof DialerSettings];
  }
}

function readForm(): { values: DialerSettings; password: string; remember: boolean } {
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
    },
    password: text('password'),
    remember: (field('remember') as HTMLInputElement).checked,
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

(field('remember')!.labels![0] as HTMLLabelElement).textContent = hasPasswordManager()
  ? "Remember the password in this browser's password manager"
  : 'Remember the password on this device (stored unencrypted in this browser)';

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const { values, password, remember } = readForm();
  if (!connect(values, password)) {
    const first = FIELDS.find((name) => field(name)?.getAttribute('aria-invalid') === 'true');
    if (first) field(first)?.focus();
    status.textContent = 'Some settings need fixing; see the messages above.';
    return;
  }
  settings = values;
  saveSettings(settings);
  if (remember && password) {
    void rememberPassword(values.uri, password).then((where) => {
      status.textContent =
        where === 'password-manager'
          ? "Saved. The password is in your browser's password manager."
          : 'Saved. The password is stored unencrypted in this browser.';
    });
  } else {
    forgetPassword();
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
  const values = { ...settings, server: sandbox.server, uri: sandbox.uri, authUser: '' };
  fillForm(values, sandbox.password);
  connect(values, sandbox.password);
  showNumbers(sandbox.numbers);
  // The sandbox's echo number lets the self-test check audio both ways.
  phone.echoTarget = 'echo';
} else if (settings.server && settings.uri) {
  const password = (await rememberedPassword(settings.uri)) ?? '';
  fillForm(settings, password);
  connect(settings, password);
} else {
  fillForm(settings);
  (document.querySelector('#settings-details') as HTMLDetailsElement).open = true;
}
