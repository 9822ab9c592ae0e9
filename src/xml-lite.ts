/**
 * A small, strict XML reader for the NOTIFY bodies the phone reads (dialog-info, PIDF). Not
 * `DOMParser`: under Trusted Types (the dialer's and many embedders' policy) `parseFromString` is
 * a sink that needs a policy of its own, and a body from the wire should not get one. It keeps
 * element names (namespace prefixes dropped), attributes and text; it refuses a DOCTYPE (so no
 * entity can be defined or expanded), unbalanced tags, and documents past its limits.
 */
export interface XmlElement {
  /** The local name (`dialog`, also for `d:dialog`). */
  name: string;
  attributes: ReadonlyMap<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), entities decoded; not its children's. */
  text: string;
}

const MAX_CHARS = 64 * 1024;
const MAX_ELEMENTS = 2000;
const MAX_DEPTH = 32;
const NAME = '[A-Za-z_][\\w.:-]*';
const ENTITIES: Readonly<Record<string, string>> = {
  lt: '<',
  gt: '>',
  amp: '&',
  quot: '"',
  apos: "'",
};

/** Decodes the five predefined entities and character references; undefined for any other. */
function decode(text: string): string | undefined {
  let bad = false;
  const out = text.replace(
    /&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[A-Za-z]+);|&/g,
    (whole, ref?: string) => {
      if (ref === undefined) {
        bad = true;
        return whole;
      }
      if (ref.startsWith('#')) {
        const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
        if (code > 0x10ffff || code === 0) {
          bad = true;
          return '';
        }
        return String.fromCodePoint(code);
      }
      const named = ENTITIES[ref];
      if (named === undefined) bad = true;
      return named ?? '';
    },
  );
  return bad ? undefined : out;
}

const localName = (qualified: string) => qualified.slice(qualified.indexOf(':') + 1);

/** The document element of `text`, or undefined when it is not well-formed within the limits. */
export function parseXml(text: string): XmlElement | undefined {
  if (typeof text !== 'string' || text.length > MAX_CHARS) return undefined;
  const token = new RegExp(
    `<!--[\\s\\S]*?-->|<\\?[\\s\\S]*?\\?>|<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|<!|<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>|<|[^<]+`,
    'g',
  );
  const attribute = new RegExp(`(${NAME})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let count = 0;
  for (const m of text.matchAll(token)) {
    const [whole, cdata, close, name, attrs, selfClose] = m;
    if (whole.startsWith('<!--') || whole.startsWith('<?')) continue;
    if (cdata !== undefined) {
      if (!stack.length) return undefined;
      stack.at(-1)!.text += cdata;
      continue;
    }
    if (whole === '<!' || whole === '<') return undefined; // DOCTYPE, or a stray '<'
    if (name === undefined) {
      // Text: only whitespace outside the root element.
      if (!stack.length) {
        if (whole.trim()) return undefined;
        continue;
      }
      const decoded = decode(whole);
      if (decoded === undefined) return undefined;
      stack.at(-1)!.text += decoded;
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (!open || open.name !== localName(name) || attrs || selfClose) return undefined;
      continue;
    }
    if (root && !stack.length) return undefined; // a second root
    if (++count > MAX_ELEMENTS || stack.length >= MAX_DEPTH) return undefined;
    const attributes = new Map<string, string>();
    for (const a of (attrs ?? '').matchAll(attribute)) {
      const value = decode(a[2] ?? a[3] ?? '');
      if (value === undefined || attributes.has(a[1]!)) return undefined;
      attributes.set(a[1]!, value);
    }
    const element: XmlElement = { name: localName(name), attributes, children: [], text: '' };
    if (stack.length) stack.at(-1)!.children.push(element);
    else root = element;
    if (!selfClose) stack.push(element);
  }
  return root && !stack.length ? root : undefined;
}

/** Every descendant of `element` named `name` (depth first). */
export function descendants(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    for (const child of el.children) {
      if (child.name === name) found.push(child);
      walk(child);
    }
  };
  walk(element);
  return found;
}
