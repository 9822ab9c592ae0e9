import { expect } from '@open-wc/testing';
import {
  describeStatus,
  describeLocalCause,
  KNOWN_STATUS_CODES,
  LOCAL_OUTCOMES,
  type LocalCause,
} from '../../src/index.js';

// Every code the issue names: the seed, RFC 3261, 3326 and 8197.
const REQUIRED = [
  100, 180, 181, 182, 183, 199, 200, 202, 300, 301, 302, 305, 380, 400, 401, 402, 403, 404, 405,
  406, 407, 408, 410, 412, 413, 414, 415, 416, 417, 420, 421, 422, 423, 424, 428, 429, 430, 433,
  436, 437, 438, 439, 440, 469, 470, 480, 481, 482, 483, 484, 485, 486, 487, 488, 489, 491, 493,
  494, 500, 501, 502, 503, 504, 505, 513, 580, 600, 603, 604, 606, 607, 608,
];

describe('SIP outcome catalogue', () => {
  it('has an entry for every required status code', () => {
    const missing = REQUIRED.filter((code) => !KNOWN_STATUS_CODES.includes(code));
    expect(missing).to.deep.equal([]);
  });

  it('gives every entry a title, a one-line explanation and a severity', () => {
    for (const code of KNOWN_STATUS_CODES) {
      const outcome = describeStatus(code);
      expect(outcome.status).to.equal(code);
      expect(outcome.title, `${code} title`).to.be.a('string').with.length.within(2, 40);
      expect(outcome.explanation, `${code} explanation`).to.match(/^[A-Z].*\.$/);
      expect(outcome.explanation).to.not.include('\n');
      expect(['progress', 'success', 'info', 'warning', 'error']).to.include(outcome.severity);
    }
  });

  it('uses the carrier wording of the seed', () => {
    expect(describeStatus(401).severity).to.equal('info'); // a normal challenge, not an error
    expect(describeStatus(403).explanation)
      .to.match(/credit/)
      .and.match(/caller ID/i);
    expect(describeStatus(487).title).to.match(/cancel/i);
    expect(describeStatus(603).explanation).to.match(/credit/);
  });

  it('says 600 and 607 apart from 486 and 603', () => {
    const titles = [486, 600, 603, 607, 608].map((code) => describeStatus(code).title);
    expect(new Set(titles).size).to.equal(5);
  });

  it('speaks of credentials when a REGISTER fails', () => {
    expect(describeStatus(401, 'register').title).to.match(/password/i);
    expect(describeStatus(401, 'register').severity).to.equal('error');
    expect(describeStatus(403, 'register').explanation).to.match(/password/i);
  });

  it('falls back to the class for unknown codes and shows the raw code', () => {
    expect(describeStatus(499).title).to.equal('Call failed (499)');
    expect(describeStatus(599).title).to.equal('Server failure (599)');
    expect(describeStatus(699).severity).to.equal('error');
    expect(describeStatus(199 + 80).title).to.include('279');
  });

  it('describes every local cause', () => {
    for (const cause of Object.keys(LOCAL_OUTCOMES) as LocalCause[]) {
      const outcome = describeLocalCause(cause);
      expect(outcome.title).to.be.a('string').and.not.equal('');
      expect(outcome.explanation).to.match(/\.$/);
    }
    expect(describeLocalCause('microphone-denied').action).to.match(/allow/i);
  });
});
