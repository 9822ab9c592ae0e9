/**
 * The standalone dialer page: one `<sip-phone>`, the account settings, and — when started with
 * `npm start` — the sandbox's account and test numbers, so a newcomer can call without an account.
 * Plain DOM here (the elements bring Lit); all remote or user text is set as text, never as HTML.
 */
import '../../components/index.js';
import type { SipPhone } from '../../components/index.js';

/** Served by the dev server when `npm start` runs the sandbox (see vite.config.ts). */
interface SandboxConfig {
  server: string;
  uri: string;
  password: string;
  /** [number, description] pairs, in the order to show them. */
  numbers: Array<[string, string]>;
}

const phone = document.querySelector<SipPhone>('#phone')!;
const settings = document.querySelector<HTMLFormElement>('#settings')!;

async function loadSandboxConfig(): Promise<SandboxConfig | undefined> {
  try {
    const response = await fetch('./sandbox-config.json', { cache: 'no-store' });
    if (!response.ok || !response.headers.get('content-type')?.includes('json')) return undefined;
    return (await response.json()) as SandboxConfig;
  } catch {
    return undefined;
  }
}

function applySettings(values: {
  server: string;
  uri: string;
  authUser?: string;
  password?: string;
  displayName?: string;
}): void {
  phone.server = values.server;
  phone.uri = values.uri;
  phone.authUser = values.authUser ?? '';
  phone.password = values.password ?? '';
  phone.displayName = values.displayName ?? '';
  for (const [name, value] of Object.entries(values)) {
    const input = settings.elements.namedItem(name);
    if (input instanceof HTMLInputElement) input.value = value ?? '';
  }
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
      button.setAttribute('aria-label', `Call ${number}: ${description}`);
      button.addEventListener('click', () => {
        phone.number = number;
        if (
          phone.callState === 'idle' ||
          phone.callState === 'ended' ||
          phone.callState === 'failed'
        ) {
          try {
            phone.call(number);
          } catch {
            // The phone shows why under its number field.
          }
        }
      });
      item.append(button);
      return item;
    }),
  );
  document.querySelector<HTMLElement>('#numbers-section')!.hidden = false;
}

settings.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(settings);
  const text = (name: string) => String(data.get(name) ?? '').trim();
  applySettings({
    server: text('server'),
    uri: text('uri'),
    authUser: text('authUser'),
    password: String(data.get('password') ?? ''),
    displayName: text('displayName'),
  });
});

const sandbox = await loadSandboxConfig();
if (sandbox) {
  applySettings({ server: sandbox.server, uri: sandbox.uri, password: sandbox.password });
  showNumbers(sandbox.numbers);
}
