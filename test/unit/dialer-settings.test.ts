import { expect } from '@open-wc/testing';
import { EMPTY_SETTINGS, validateSettings, watchList } from '../../app/settings.js';

const base = { ...EMPTY_SETTINGS, server: 'wss://pbx.example.com', uri: 'sip:alice@example.com' };

describe('dialer settings: busy lamps and voicemail', () => {
  it('reads the busy-lamp addresses in order, without repeats', () => {
    expect(watchList(' bob, 201  bob sip:carol@example.com,')).to.deep.equal([
      'bob',
      '201',
      'sip:carol@example.com',
    ]);
    expect(watchList('')).to.deep.equal([]);
  });

  it('accepts dial strings and refuses what the phone could not watch or call', () => {
    expect(
      validateSettings({ ...base, watch: 'bob 201', voicemail: '*97' }, 'pw').errors,
    ).to.deep.equal({});
    const bad = validateSettings(
      { ...base, watch: 'bob sip:carol@x\u0000y', voicemail: 'a b' },
      'pw',
    );
    expect(bad.config).to.equal(undefined);
    expect(bad.errors.watch).to.match(/^"sip:carol@x/);
    expect(bad.errors.voicemail).to.match(/^"a b": /);
    const many = Array.from({ length: 101 }, (_, i) => `u${i}`).join(' ');
    expect(validateSettings({ ...base, watch: many }, 'pw').errors.watch).to.equal(
      'At most 100 addresses.',
    );
  });
});
