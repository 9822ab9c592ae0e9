// Writes docs/elements.md, the reference of every element (attributes, properties, methods,
// events, slots, parts, custom properties), from custom-elements.json, which `npm run analyze`
// generates from the elements' JSDoc. No dependencies: the output is already in Prettier's
// Markdown form (aligned tables), so `prettier --check` accepts it as written.
//
//   node scripts/elements-doc.mjs           writes docs/elements.md
//   node scripts/elements-doc.mjs --check   exits 1 when docs/elements.md differs from what it would write
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const manifestPath = join(root, 'custom-elements.json');
const outPath = join(root, 'docs', 'elements.md');

/** The elements people start with first; any other follows in tag-name order. */
const FIRST = ['sip-phone', 'sip-call-button'];

/** One line of Markdown from JSDoc text: joined lines, no trailing spaces. */
function prose(text) {
  return (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join(' ');
}

/** Inline code that survives a table cell (a `|` is escaped even inside code in GFM tables). */
function code(text) {
  const ticks = text.includes('`') ? '``' : '`';
  const pad = text.includes('`') ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** Escapes what would end a table cell. */
function cell(text) {
  return text.replace(/\|/g, '\\|');
}

/** A table in Prettier's layout: every column padded to its widest cell. */
function table(head, rows) {
  const all = [head, ...rows].map((row) => row.map((value) => cell(value || '—')));
  const widths = head.map((_, i) => Math.max(3, ...all.map((row) => [...row[i]].length)));
  const line = (row) => `| ${row.map((value, i) => value.padEnd(widths[i])).join(' | ')} |`;
  const rule = `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`;
  return [line(all[0]), rule, ...all.slice(1).map(line)].join('\n');
}

function typeOf(entry) {
  return entry.type?.text ? code(prose(entry.type.text)) : '';
}

function signature(method) {
  const params = (method.parameters ?? [])
    .map((p) => {
      const optional = p.optional || p.default !== undefined ? '?' : '';
      return `${p.rest ? '...' : ''}${p.name}${optional}`;
    })
    .join(', ');
  return code(`${method.name}(${params})`);
}

function returns(method) {
  const text = method.return?.type?.text;
  return text ? code(prose(text)) : '';
}

function parametersOf(method) {
  return (method.parameters ?? [])
    .map((p) => {
      const type = p.type?.text ? `: ${prose(p.type.text)}` : '';
      // A default that is an expression over private state says nothing to a caller.
      const shown = p.default !== undefined && !/#|=>/.test(p.default);
      const fallback = shown ? ` = ${prose(p.default)}` : '';
      return code(`${p.name}${type}${fallback}`);
    })
    .join(', ');
}

function section(element) {
  const out = [`## ${code(`<${element.tagName}>`)}`, ''];
  const about = [prose(element.summary), prose(element.description)].filter(Boolean);
  if (about.length) out.push(about.join(' '), '');
  out.push(`Class \`${element.name}\`, defined in \`${element.modulePath}\`.`, '');

  const attributes = element.attributes ?? [];
  if (attributes.length) {
    out.push('### Attributes', '');
    out.push(
      table(
        ['Attribute', 'Property', 'Type', 'Default', 'Description'],
        attributes.map((a) => [
          code(a.name),
          a.fieldName ? code(a.fieldName) : '',
          typeOf(a),
          a.default !== undefined ? code(prose(a.default)) : '',
          prose(a.description),
        ]),
      ),
      '',
    );
  }

  const members = (element.members ?? []).filter(
    (m) => !m.static && !m.privacy && !m.name.startsWith('#'),
  );
  const reflected = new Set(attributes.map((a) => a.fieldName));
  const properties = members.filter((m) => m.kind === 'field' && !reflected.has(m.name));
  if (properties.length) {
    out.push('### Properties', '', 'Properties without an attribute.', '');
    out.push(
      table(
        ['Property', 'Type', 'Access', 'Description'],
        properties.map((p) => [
          code(p.name),
          typeOf(p),
          p.readonly ? 'read-only' : 'read/write',
          prose(p.description),
        ]),
      ),
      '',
    );
  }

  const methods = members.filter((m) => m.kind === 'method');
  if (methods.length) {
    out.push('### Methods', '');
    out.push(
      table(
        ['Method', 'Parameters', 'Returns', 'Description'],
        methods.map((m) => [signature(m), parametersOf(m), returns(m), prose(m.description)]),
      ),
      '',
    );
  }

  const events = (element.events ?? []).filter((e) => e.name);
  if (events.length) {
    out.push('### Events', '', 'All bubble and are composed.', '');
    out.push(
      table(
        ['Event', 'Description'],
        events.map((e) => [code(e.name), prose(e.description)]),
      ),
      '',
    );
  }

  const slots = element.slots ?? [];
  if (slots.length) {
    out.push('### Slots', '');
    out.push(
      table(
        ['Slot', 'Description'],
        slots.map((s) => [s.name ? code(s.name) : '(default)', prose(s.description)]),
      ),
      '',
    );
  }

  const parts = element.cssParts ?? [];
  if (parts.length) {
    out.push('### Parts', '', `Style them with \`${element.tagName}::part(name)\`.`, '');
    out.push(
      table(
        ['Part', 'Description'],
        parts.map((p) => [code(p.name), prose(p.description)]),
      ),
      '',
    );
  }

  const cssProperties = element.cssProperties ?? [];
  if (cssProperties.length) {
    out.push('### CSS custom properties', '');
    out.push(
      table(
        ['Property', 'Default', 'Description'],
        cssProperties.map((p) => [
          code(p.name),
          p.default !== undefined ? code(prose(p.default)) : '',
          prose(p.description),
        ]),
      ),
      '',
    );
  }
  return out.join('\n');
}

export function render(manifest) {
  const elements = [];
  for (const module of manifest.modules ?? []) {
    for (const declaration of module.declarations ?? []) {
      if (declaration.customElement && declaration.tagName) {
        elements.push({ ...declaration, modulePath: module.path });
      }
    }
  }
  const rank = (tag) => (FIRST.includes(tag) ? FIRST.indexOf(tag) : FIRST.length);
  elements.sort((a, b) => rank(a.tagName) - rank(b.tagName) || a.tagName.localeCompare(b.tagName));

  const head = [
    '# Element reference',
    '',
    '<!-- Generated by scripts/elements-doc.mjs from custom-elements.json: do not edit by hand. -->',
    '',
    'Every attribute, property, method, event, slot, part and CSS custom property of the elements, as',
    'documented in their JSDoc. `npm run analyze` writes `custom-elements.json` from the JSDoc;',
    '`node scripts/elements-doc.mjs` writes this page from it, and `npm run lint` fails while the page',
    'is stale. What the phone does around these names (its guarantees, security, what it survives) is',
    'in the [README](../README.md) and the other pages of [docs/](.).',
    '',
    ...elements.map(
      (e) => `- [${code(`<${e.tagName}>`)}](#${e.tagName.replace(/[^a-z0-9-]/g, '')})`,
    ),
    '',
  ];
  return `${[...head, ...elements.map(section)].join('\n').trimEnd()}\n`;
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const check = process.argv.includes('--check');
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const text = render(manifest);
  const shown = relative(process.cwd(), outPath) || outPath;
  if (check) {
    let current = '';
    try {
      current = readFileSync(outPath, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (current !== text) {
      console.error(
        `${shown} is stale: it no longer matches custom-elements.json. Run \`node scripts/elements-doc.mjs\` (after \`npm run analyze\`) and commit the result.`,
      );
      process.exit(1);
    }
  } else {
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, text);
    console.log(`wrote ${shown}`);
  }
}
