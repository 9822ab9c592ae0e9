import { expect } from '@open-wc/testing';
import { TonePlayer, dtmfFrequencies, shouldNotify, toneFor } from '../../src/index.js';
import { waitFor } from '../helpers/sandbox.js';

describe('tones', () => {
  it('chooses the ringtone over ringback, and silence otherwise', () => {
    expect(toneFor([])).to.equal(undefined);
    expect(toneFor([{ state: 'calling' }])).to.equal(undefined);
    expect(toneFor([{ state: 'ringing' }])).to.equal('ringback');
    expect(toneFor([{ state: 'early-media' }]), 'early media is the far end’s audio').to.equal(
      undefined,
    );
    expect(toneFor([{ state: 'connected' }, { state: 'incoming' }])).to.equal('ringtone');
    expect(toneFor([{ state: 'ringing' }, { state: 'incoming' }])).to.equal('ringtone');
    expect(toneFor([{ state: 'held' }, { state: 'ended' }])).to.equal(undefined);
  });

  it('knows the DTMF frequency pairs', () => {
    expect(dtmfFrequencies('1')).to.deep.equal([697, 1209]);
    expect(dtmfFrequencies('#')).to.deep.equal([941, 1477]);
    expect(dtmfFrequencies('d')).to.deep.equal([941, 1633]);
    expect(dtmfFrequencies('x')).to.equal(undefined);
  });

  it('really sounds ringback at 440/480 Hz and goes quiet on stop', async () => {
    const player = new TonePlayer();
    try {
      player.start('ringback');
      expect(player.playing).to.equal('ringback');
      await waitFor(() => player.level() > 0.005, 'ringback audible', 2000);
      const frequency = await waitFor(
        () => player.dominantFrequency(),
        'a dominant frequency',
        2000,
      );
      expect(frequency).to.be.within(420, 500);
      player.stop();
      expect(player.playing).to.equal(undefined);
      await waitFor(() => player.level() < 0.001, 'silence after stop', 2000);
    } finally {
      await player.close();
    }
  });

  it('plays a short key tone', async () => {
    const player = new TonePlayer();
    try {
      player.key('0');
      await waitFor(() => player.level() > 0.001, 'key tone audible', 1000);
      await waitFor(() => player.level() < 0.0005, 'key tone over', 1000);
    } finally {
      await player.close();
    }
  });
});

describe('incoming-call notifications', () => {
  const base = {
    enabled: true,
    permission: 'granted' as const,
    visibility: 'hidden' as const,
    snapshot: { state: 'incoming' as const, previous: 'idle' as const },
  };
  it('notifies only for a new ringing call, when allowed and nobody looks at the page', () => {
    expect(shouldNotify(base)).to.equal(true);
    expect(shouldNotify({ ...base, enabled: false })).to.equal(false);
    expect(shouldNotify({ ...base, permission: 'default' })).to.equal(false);
    expect(shouldNotify({ ...base, permission: 'denied' })).to.equal(false);
    expect(shouldNotify({ ...base, permission: 'unsupported' })).to.equal(false);
    expect(shouldNotify({ ...base, visibility: 'visible' })).to.equal(false);
    expect(
      shouldNotify({ ...base, snapshot: { state: 'connected', previous: 'incoming' } }),
    ).to.equal(false);
  });
});
