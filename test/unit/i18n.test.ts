import { expect } from '@open-wc/testing';
// The package entry point registers every translation (src/i18n/index.ts).
import {
  describeStatus,
  describeLocalCause,
  KNOWN_STATUS_CODES,
  LOCAL_OUTCOMES,
  matchLanguage,
  uiStrings,
  type LocalCause,
  type Outcome,
  type OutcomeContext,
} from '../../src/index.js';
import { REGISTER_STATUS_CODES } from '../../src/outcomes.js';
import { outcomesDe } from '../../src/i18n/outcomes-de.js';
import { en } from '../../src/i18n/ui.js';
import { uiDe as de } from '../../src/i18n/ui-de.js';
import { FIRST_PAINT } from '../../src/i18n/languages.js';

const LOCAL_CAUSES = Object.keys(LOCAL_OUTCOMES) as LocalCause[];

/** The German outcome is a full translation of the English one, within the catalogue's limits. */
function expectGerman(german: Outcome, english: Outcome, label: string): void {
  expect(german.title, `${label} title`).to.not.equal(english.title);
  expect(german.explanation, `${label} explanation`).to.not.equal(english.explanation);
  expect(german.title.length, `${label} title length`).to.be.within(2, 40);
  expect(german.explanation, `${label} explanation`).to.match(/^[A-ZÄÖÜ].*\.$/);
  expect(german.explanation, `${label} explanation`).to.not.include('\n');
  expect(german.severity, `${label} severity`).to.equal(english.severity);
  expect(german.status, `${label} status`).to.equal(english.status);
  if (english.action) {
    expect(german.action, `${label} action`).to.be.a('string').and.not.equal(english.action);
    expect(german.action, `${label} action`).to.match(/\.$/);
  } else {
    expect(german, `${label} action`).to.not.have.property('action');
  }
}

describe('German outcome texts', () => {
  for (const context of ['call', 'register'] as OutcomeContext[]) {
    const codes = context === 'call' ? KNOWN_STATUS_CODES : REGISTER_STATUS_CODES;

    it(`translates every ${context} status code`, () => {
      expect(codes.length).to.be.greaterThan(0);
      for (const code of codes) {
        expectGerman(
          describeStatus(code, context, 'de'),
          describeStatus(code, context),
          `${context} ${code}`,
        );
      }
    });

    it(`has no ${context} translation the English catalogue lacks`, () => {
      const translated = Object.keys(outcomesDe[context]).map(Number);
      expect([...translated].sort()).to.deep.equal([...codes].sort());
    });
  }

  it('translates every local cause', () => {
    expect(Object.keys(outcomesDe.local).sort()).to.deep.equal([...LOCAL_CAUSES].sort());
    for (const cause of LOCAL_CAUSES) {
      expectGerman(describeLocalCause(cause, 'de'), describeLocalCause(cause), cause);
    }
  });

  it('translates the class fallback and still shows the raw code', () => {
    expect(Object.keys(outcomesDe.fallback).map(Number).sort()).to.deep.equal([1, 2, 3, 4, 5, 6]);
    for (const code of [199 + 80, 299, 399, 499, 599, 699]) {
      const german = describeStatus(code, 'call', 'de');
      expectGerman(german, describeStatus(code), `fallback ${code}`);
      expect(german.title).to.include(`(${code})`);
    }
    expect(describeStatus(499, 'call', 'de').title).to.equal('Anruf fehlgeschlagen (499)');
    // An unknown REGISTER answer falls back to the same class text.
    expect(describeStatus(499, 'register', 'de').title).to.equal('Anruf fehlgeschlagen (499)');
  });

  it('keeps the carrier meaning of the seed', () => {
    expect(describeStatus(401, 'call', 'de').severity).to.equal('info');
    expect(describeStatus(403, 'call', 'de').explanation)
      .to.match(/Guthaben/)
      .and.match(/Rufnummer/);
    expect(describeStatus(487, 'call', 'de').title).to.match(/abgebrochen/);
    expect(describeStatus(603, 'call', 'de').explanation).to.match(/Guthaben/);
    expect(describeStatus(401, 'register', 'de').title).to.match(/Passwort/);
    expect(describeStatus(403, 'register', 'de').explanation).to.match(/Passwort/);
    expect(describeStatus(488, 'call', 'de').action).to.include('G.711 (PCMU/PCMA)');
  });

  it('says 486, 600, 603, 607 and 608 apart', () => {
    const titles = [486, 600, 603, 607, 608].map(
      (code) => describeStatus(code, 'call', 'de').title,
    );
    expect(new Set(titles).size).to.equal(5);
  });

  it('resolves regional tags to German and unknown languages to English', () => {
    expect(describeStatus(486, 'call', 'de-AT')).to.deep.equal(describeStatus(486, 'call', 'de'));
    expect(describeStatus(486, 'call', 'DE-ch').title).to.equal('Besetzt');
    expect(describeLocalCause('missed', 'de-AT')).to.deep.equal(describeLocalCause('missed', 'de'));
    expect(describeStatus(486, 'call', 'fr')).to.deep.equal(describeStatus(486));
    expect(describeStatus(401, 'register', 'fr')).to.deep.equal(describeStatus(401, 'register'));
    expect(describeLocalCause('missed', 'fr')).to.deep.equal(describeLocalCause('missed'));
    expect(describeStatus(599, 'call', 'fr').title).to.equal('Server failure (599)');
  });
});

type Catalogue = Record<string, unknown>;

/** Every key path of a catalogue (nested objects such as `lineStates` included). */
function keyPaths(catalogue: Catalogue, prefix = ''): string[] {
  return Object.entries(catalogue).flatMap(([key, value]) =>
    value && typeof value === 'object'
      ? keyPaths(value as Catalogue, `${prefix}${key}.`)
      : [`${prefix}${key}`],
  );
}

function valueAt(catalogue: Catalogue, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Catalogue)[key], catalogue);
}

/** A string value, or what a string template says for sample arguments. */
function say(value: unknown): string {
  if (typeof value === 'function') return String(value('Alice', 'Bob', ' (486)'));
  return String(value);
}

describe('German UI strings', () => {
  it('translates every English key', () => {
    const english = keyPaths(en as unknown as Catalogue).sort();
    // The first-paint words (the keypad's name, the kiosk label) are kept in languages.ts.
    expect(keyPaths({ ...FIRST_PAINT.de, ...de } as Catalogue).sort()).to.deep.equal(english);
    const german = uiStrings('de') as unknown as Catalogue;
    expect(keyPaths(german).sort()).to.deep.equal(english);
  });

  it('says every key in German, not English', () => {
    const german = uiStrings('de') as unknown as Catalogue;
    const untranslated = keyPaths(en as unknown as Catalogue).filter((path) => {
      const englishText = say(valueAt(en as unknown as Catalogue, path));
      return englishText !== '' && say(valueAt(german, path)) === englishText;
    });
    expect(untranslated).to.deep.equal([]);
  });

  it('matches languages', () => {
    expect(matchLanguage('de')).to.equal('de');
    expect(matchLanguage('de-AT')).to.equal('de');
    expect(matchLanguage('DE-ch')).to.equal('de');
    expect(matchLanguage('en-GB')).to.equal('en');
    expect(matchLanguage('fr')).to.equal('en');
    expect(matchLanguage('')).to.equal('en');
    expect(matchLanguage(null)).to.equal('en');
    expect(matchLanguage(undefined)).to.equal('en');
  });

  it('gives German for German tags and English otherwise', () => {
    expect(uiStrings('de-AT').call).to.equal('Anrufen');
    expect(uiStrings('de').registered('100')).to.equal('Angemeldet als 100');
    expect(uiStrings('fr')).to.equal(en);
    expect(uiStrings('en-US')).to.equal(en);
  });
});
