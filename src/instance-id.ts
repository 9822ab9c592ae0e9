/**
 * The RFC 5626 instance id (`+sip.instance` on REGISTER): one per browser profile, kept in
 * `localStorage`, so that a reloaded page takes over its own registration at the registrar instead
 * of adding a second contact that rings into the void until it expires.
 */
const STORAGE_KEY = 'sip-phone.instance-id';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in its canonical text form (what JsSIP accepts for `instance_id`). */
export const isUuid = (value: unknown): value is string =>
  typeof value === 'string' && UUID.test(value);

/**
 * This browser profile's instance id: the stored one, else a new one that is stored. Without
 * storage (blocked, private mode that refuses writes), a new id per phone: still valid, only not
 * stable across reloads.
 */
export function browserInstanceId(): string {
  let storage: Storage | undefined;
  try {
    storage = globalThis.localStorage;
    const stored = storage?.getItem(STORAGE_KEY);
    if (isUuid(stored)) return stored.toLowerCase();
  } catch {
    // Storage access can throw (a sandboxed iframe, blocked cookies): fall through.
  }
  const id = crypto.randomUUID();
  try {
    storage?.setItem(STORAGE_KEY, id);
  } catch {
    // Not stored: this phone still has an id.
  }
  return id;
}
