/// <reference types="vite/client" />
/** The sandbox account `npm start` serves to the example pages (absent in a production build). */
export interface SandboxConfig {
  server: string;
  /** The dialer's account (alice) and its password. */
  uri: string;
  password: string;
  domain: string;
  /** Every sandbox user: the example pages sign in as others, so all can call each other. */
  users: Array<{ user: string; password: string }>;
  /** [number, description] pairs, in the order to show them. */
  numbers: Array<[string, string]>;
}

/**
 * The sandbox's account, in dev only: a production build never asks for the file, so one planted
 * next to the deployed pages cannot point the dialer at another server or account.
 */
export async function loadSandboxConfig(): Promise<SandboxConfig | undefined> {
  if (!import.meta.env.DEV) return undefined;
  try {
    const response = await fetch('./sandbox-config.json', { cache: 'no-store' });
    if (!response.ok || !response.headers.get('content-type')?.includes('json')) return undefined;
    return (await response.json()) as SandboxConfig;
  } catch {
    return undefined;
  }
}

/** A sandbox user's SIP URI and password, for the example pages. */
export function sandboxAccount(
  config: SandboxConfig,
  user: string,
): { uri: string; password: string } {
  const found = config.users.find((u) => u.user === user);
  if (!found) throw new Error(`The sandbox has no user ${user}.`);
  return { uri: `sip:${found.user}@${config.domain}`, password: found.password };
}
