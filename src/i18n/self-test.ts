/**
 * Labels of `<sip-self-test>`. The checks' findings and fixes come from the core in English; these
 * are the words around them.
 */
import type { SelfTestCheckId, SelfTestStatus } from '../self-test.js';

export interface SelfTestStrings {
  heading: string;
  run: string;
  runAgain: string;
  stop: string;
  checks: Record<SelfTestCheckId, string>;
  status: Record<SelfTestStatus, string>;
  fix: string;
  idle: string;
  running: (check: string) => string;
  passed: string;
  failed: (count: number) => string;
  speakerQuestion: string;
  heard: string;
  notHeard: string;
  playAgain: string;
  noPhone: string;
}

const en: SelfTestStrings = {
  heading: 'Self-test',
  run: 'Run self-test',
  runAgain: 'Run again',
  stop: 'Stop',
  checks: {
    websocket: 'Server connection',
    register: 'Sign-in (REGISTER)',
    microphone: 'Microphone',
    speaker: 'Speaker',
    ice: 'STUN / TURN',
    echo: 'Echo call',
  },
  status: {
    pending: 'Waiting',
    running: 'Checking…',
    pass: 'Passed',
    warn: 'Warning',
    fail: 'Failed',
    skip: 'Skipped',
  },
  fix: 'What to do:',
  idle: 'Checks the server, your sign-in, microphone, speaker and network before you call.',
  running: (check) => `Checking: ${check}…`,
  passed: 'All checks passed: you can call.',
  failed: (count) =>
    count === 1
      ? '1 check failed: see what to do below.'
      : `${count} checks failed: see what to do below.`,
  speakerQuestion: 'Did you hear a short tone?',
  heard: 'Yes, I heard it',
  notHeard: 'No',
  playAgain: 'Play again',
  noPhone: 'No phone to test: set the "for" attribute to the id of a <sip-phone>.',
};

const de: SelfTestStrings = {
  heading: 'Selbsttest',
  run: 'Selbsttest starten',
  runAgain: 'Erneut testen',
  stop: 'Abbrechen',
  checks: {
    websocket: 'Serververbindung',
    register: 'Anmeldung (REGISTER)',
    microphone: 'Mikrofon',
    speaker: 'Lautsprecher',
    ice: 'STUN / TURN',
    echo: 'Echo-Anruf',
  },
  status: {
    pending: 'Wartet',
    running: 'Wird geprüft…',
    pass: 'Bestanden',
    warn: 'Warnung',
    fail: 'Fehlgeschlagen',
    skip: 'Übersprungen',
  },
  fix: 'Was zu tun ist:',
  idle: 'Prüft Server, Anmeldung, Mikrofon, Lautsprecher und Netzwerk, bevor Sie anrufen.',
  running: (check) => `Prüfe: ${check}…`,
  passed: 'Alle Prüfungen bestanden: Sie können telefonieren.',
  failed: (count) =>
    count === 1
      ? '1 Prüfung fehlgeschlagen: siehe unten, was zu tun ist.'
      : `${count} Prüfungen fehlgeschlagen: siehe unten, was zu tun ist.`,
  speakerQuestion: 'Haben Sie einen kurzen Ton gehört?',
  heard: 'Ja, gehört',
  notHeard: 'Nein',
  playAgain: 'Noch einmal abspielen',
  noPhone: 'Kein Telefon zum Testen: Setzen Sie das Attribut "for" auf die id eines <sip-phone>.',
};

export const selfTestStrings = (lang: string): SelfTestStrings => (lang === 'de' ? de : en);
