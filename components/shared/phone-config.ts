/**
 * The core `PhoneConfig` of a phone element, from its attributes and its `config` property.
 */
import type { CredentialsProvider, PhoneConfig, ServerEntry } from '../../src/index.js';

/** What a phone element holds that makes up its configuration. */
export interface PhoneConfigSource {
  server: string | readonly (string | ServerEntry)[];
  uri: string;
  authUser: string;
  password: string;
  credentials: CredentialsProvider | undefined;
  displayName: string;
  allowOtherDomains: boolean;
  config: Partial<PhoneConfig>;
}

/** The properties whose change re-configures the phone. */
export const PHONE_CONFIG_KEYS = [
  'server',
  'uri',
  'authUser',
  'password',
  'credentials',
  'displayName',
  'allowOtherDomains',
  'config',
] as const satisfies readonly (keyof PhoneConfigSource)[];

/** The configuration from the attributes and `config`; undefined until server and URI are set. */
export function phoneConfigOf(source: PhoneConfigSource): PhoneConfig | undefined {
  if (!source.server || !source.uri) return undefined;
  return {
    ...source.config,
    server: source.server,
    uri: source.uri,
    ...(source.authUser ? { authUser: source.authUser } : {}),
    ...(source.password ? { password: source.password } : {}),
    ...(source.credentials ? { credentials: source.credentials } : {}),
    ...(source.displayName ? { displayName: source.displayName } : {}),
    allowOtherDomains: source.allowOtherDomains || source.config.allowOtherDomains === true,
  };
}
