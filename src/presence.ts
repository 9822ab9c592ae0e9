/**
 * What a busy lamp shows, read from the bodies of NOTIFYs: dialog state (RFC 4235,
 * `application/dialog-info+xml`), presence (RFC 3863 PIDF, the fallback) and the voicemail summary
 * (RFC 3842, `application/simple-message-summary`). The bodies come from the wire: they are
 * size-capped, parsed strictly (xml-lite.ts: no DOCTYPE, so no entities of their own), and only
 * a few enumerated values and counts leave this module — never their text.
 */

import { descendants, parseXml, type XmlElement } from './xml-lite.js';

/** A watched address's lamp. */
export type LampState = 'idle' | 'ringing' | 'busy' | 'offline' | 'unknown';

export type DialogState = 'trying' | 'proceeding' | 'early' | 'confirmed' | 'terminated';

export interface DialogEntry {
  id: string;
  state: DialogState;
  direction?: 'initiator' | 'recipient';
}

export interface DialogInfoDocument {
  version: number;
  /** `full`: the document lists every dialog; `partial`: only the ones that changed. */
  full: boolean;
  dialogs: DialogEntry[];
}

export interface VoicemailSummary {
  /** `Messages-Waiting: yes`. */
  waiting: boolean;
  newMessages: number;
  oldMessages: number;
}

// Bodies larger than this are not read (a dialog-info of a busy PBX user is a few KiB).
const MAX_BODY_CHARS = 64 * 1024;
const MAX_DIALOGS = 64;
const MAX_ID_CHARS = 256;
const MAX_COUNT = 99_999;
const DIALOG_STATES: ReadonlySet<string> = new Set([
  'trying',
  'proceeding',
  'early',
  'confirmed',
  'terminated',
]);

/** The document element of an XML body, when it parses and has the expected name. */
function xmlRoot(body: string, name: string): XmlElement | undefined {
  if (typeof body !== 'string' || body.length === 0 || body.length > MAX_BODY_CHARS) {
    return undefined;
  }
  const root = parseXml(body);
  return root?.name === name ? root : undefined;
}

function childrenNamed(parent: XmlElement, name: string): XmlElement[] {
  return parent.children.filter((child) => child.name === name);
}

/** An RFC 4235 dialog-info document; undefined when the body is not one. */
export function parseDialogInfo(body: string): DialogInfoDocument | undefined {
  const root = xmlRoot(body, 'dialog-info');
  if (!root) return undefined;
  const versionText = root.attributes.get('version') ?? '';
  const stateText = root.attributes.get('state') ?? '';
  if (!/^\d{1,10}$/.test(versionText) || (stateText !== 'full' && stateText !== 'partial')) {
    return undefined;
  }
  const elements = childrenNamed(root, 'dialog');
  if (elements.length > MAX_DIALOGS) return undefined;
  const dialogs: DialogEntry[] = [];
  for (const el of elements) {
    const id = el.attributes.get('id') ?? '';
    const state = (childrenNamed(el, 'state')[0]?.text ?? '').trim().toLowerCase();
    if (id.length === 0 || id.length > MAX_ID_CHARS || !DIALOG_STATES.has(state)) continue;
    const direction = el.attributes.get('direction');
    dialogs.push({
      id,
      state: state as DialogState,
      ...(direction === 'initiator' || direction === 'recipient' ? { direction } : {}),
    });
  }
  return { version: Number(versionText), full: stateText === 'full', dialogs };
}

/**
 * The dialogs known after a document: a full one replaces what was known, a partial one updates
 * it. Ended dialogs are forgotten. A document whose version is not newer is ignored (RFC 4235 4.1).
 */
export function applyDialogInfo(
  known: { version: number; dialogs: ReadonlyMap<string, DialogEntry> } | undefined,
  doc: DialogInfoDocument,
): { version: number; dialogs: Map<string, DialogEntry> } {
  if (known && !doc.full && doc.version <= known.version) {
    return { version: known.version, dialogs: new Map(known.dialogs) };
  }
  const dialogs = doc.full || !known ? new Map<string, DialogEntry>() : new Map(known.dialogs);
  for (const dialog of doc.dialogs) {
    if (dialog.state === 'terminated') dialogs.delete(dialog.id);
    else dialogs.set(dialog.id, dialog);
  }
  while (dialogs.size > MAX_DIALOGS) dialogs.delete(dialogs.keys().next().value!);
  return { version: doc.version, dialogs };
}

/**
 * The lamp for a set of live dialogs: ringing when a call to the address is not answered yet
 * (shown even during another call, so it can be picked up), busy in a call or while calling out,
 * idle with none.
 */
export function lampFromDialogs(dialogs: Iterable<DialogEntry>): LampState {
  let busy = false;
  for (const dialog of dialogs) {
    if (dialog.state === 'terminated') continue;
    if (dialog.state === 'confirmed') busy = true;
    else if (dialog.direction === 'recipient') return 'ringing';
    else busy = true;
  }
  return busy ? 'busy' : 'idle';
}

/** A PIDF document's basic status: open (any tuple open) or closed; undefined when not PIDF. */
export function parsePidf(body: string): 'open' | 'closed' | undefined {
  const root = xmlRoot(body, 'presence');
  if (!root) return undefined;
  const basics = descendants(root, 'basic').map((el) => el.text.trim().toLowerCase());
  if (basics.includes('open')) return 'open';
  return basics.includes('closed') ? 'closed' : undefined;
}

/** The lamp for a PIDF status: open is idle (presence knows nothing of calls), closed offline. */
export function lampFromPresence(status: 'open' | 'closed'): LampState {
  return status === 'open' ? 'idle' : 'offline';
}

/**
 * An RFC 3842 message summary: `Messages-Waiting` (required) and the `Voice-Message` counts
 * (`new/old`, optionally `(urgent-new/urgent-old)`); undefined when the body is not one.
 */
export function parseMessageSummary(body: string): VoicemailSummary | undefined {
  if (typeof body !== 'string' || body.length > 8 * 1024) return undefined;
  let waiting: boolean | undefined;
  let counts: { newMessages: number; oldMessages: number } | undefined;
  for (const line of body.split(/\r?\n/)) {
    const header = /^([A-Za-z-]+)[ \t]*:[ \t]*(.*?)[ \t]*$/.exec(line);
    if (!header) continue;
    const name = header[1]!.toLowerCase();
    const value = header[2]!;
    if (name === 'messages-waiting') {
      const v = value.toLowerCase();
      if (v !== 'yes' && v !== 'no') return undefined;
      waiting = v === 'yes';
    } else if (name === 'voice-message') {
      const m = /^(\d{1,6})\/(\d{1,6})(?:[ \t]*\((\d{1,6})\/(\d{1,6})\))?$/.exec(value);
      if (!m) return undefined;
      const n = Number(m[1]);
      const o = Number(m[2]);
      if (n > MAX_COUNT || o > MAX_COUNT) return undefined;
      counts = { newMessages: n, oldMessages: o };
    }
  }
  if (waiting === undefined) return undefined;
  return { waiting, newMessages: counts?.newMessages ?? 0, oldMessages: counts?.oldMessages ?? 0 };
}
