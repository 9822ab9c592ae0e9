import { expect } from '@open-wc/testing';
import {
  audioCodecsInSdp,
  preferredCodecs,
  restrictAudioCodecs,
  sdpFollowsPolicy,
  sdpHasTelephoneEvent,
  validateDtmf,
  validateDtmfTiming,
  isDtmfError,
} from '../../src/index.js';

// A Chromium-style offer: Opus, G.722, PCMU, PCMA, CN, two telephone-events.
const CHROME_OFFER = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 9 0 8 13 110 126',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=rtcp-fb:111 transport-cc',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:9 G722/8000',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:13 CN/8000',
  'a=rtpmap:110 telephone-event/48000',
  'a=rtpmap:126 telephone-event/8000',
  'a=fmtp:126 0-15',
  '',
].join('\r\n');

describe('SDP and codec policy', () => {
  it('reads the offered audio codecs', () => {
    expect(audioCodecsInSdp(CHROME_OFFER)).to.deep.equal([
      'opus/48000',
      'G722/8000',
      'PCMU/8000',
      'PCMA/8000',
      'CN/8000',
      'telephone-event/48000',
      'telephone-event/8000',
    ]);
    expect(sdpHasTelephoneEvent(CHROME_OFFER)).to.equal(true);
    expect(sdpFollowsPolicy(CHROME_OFFER, ['PCMU', 'PCMA'])).to.equal(false);
  });

  it('rewrites an offer to PCMU, PCMA and telephone-event/8000 only', () => {
    const sdp = restrictAudioCodecs(CHROME_OFFER, ['PCMU', 'PCMA']);
    expect(audioCodecsInSdp(sdp)).to.deep.equal(['PCMU/8000', 'PCMA/8000', 'telephone-event/8000']);
    expect(sdp).to.include('m=audio 9 UDP/TLS/RTP/SAVPF 0 8 126');
    expect(sdp).to.include('a=fmtp:126 0-15');
    expect(sdp).not.to.match(/opus|G722|rtcp-fb:111|fmtp:111/);
    expect(sdpFollowsPolicy(sdp, ['PCMU', 'PCMA'])).to.equal(true);
  });

  it('honours the configured order', () => {
    const sdp = restrictAudioCodecs(CHROME_OFFER, ['PCMA', 'PCMU']);
    expect(audioCodecsInSdp(sdp)).to.deep.equal(['PCMA/8000', 'PCMU/8000', 'telephone-event/8000']);
    const only = restrictAudioCodecs(CHROME_OFFER, ['PCMA']);
    expect(audioCodecsInSdp(only)).to.deep.equal(['PCMA/8000', 'telephone-event/8000']);
  });

  it('filters and orders browser codec capabilities', () => {
    const caps = RTCRtpReceiver.getCapabilities('audio')!.codecs;
    const chosen = preferredCodecs(caps, ['PCMA', 'PCMU']).map(
      (c) => `${c.mimeType}/${c.clockRate}`,
    );
    expect(chosen).to.deep.equal([
      'audio/PCMA/8000',
      'audio/PCMU/8000',
      'audio/telephone-event/8000',
    ]);
  });

  it('makes a real Chromium offer that follows the policy with setCodecPreferences', async () => {
    const pc = new RTCPeerConnection();
    try {
      const transceiver = pc.addTransceiver('audio');
      transceiver.setCodecPreferences(
        preferredCodecs(RTCRtpReceiver.getCapabilities('audio')!.codecs, ['PCMU', 'PCMA']),
      );
      const offer = await pc.createOffer();
      expect(audioCodecsInSdp(offer.sdp!)).to.deep.equal([
        'PCMU/8000',
        'PCMA/8000',
        'telephone-event/8000',
      ]);
    } finally {
      pc.close();
    }
  });
});

describe('DTMF validation', () => {
  it('accepts 0-9 * # A-D and the pause', () => {
    expect(validateDtmf('123#')).to.equal('123#');
    expect(validateDtmf('*0,ab')).to.equal('*0,AB');
    expect(validateDtmf(5)).to.equal('5');
  });

  for (const bad of ['', 'R', '12E', '1 2', '1\r\n', 'ä', '<b>']) {
    it(`rejects ${JSON.stringify(bad)} with a clear error`, () => {
      try {
        validateDtmf(bad);
        throw new Error('accepted');
      } catch (error) {
        expect(isDtmfError(error)).to.equal(true);
        expect((error as Error).message).to.match(/DTMF|digit/);
      }
    });
  }

  it('enforces the RFC 4733 / WebRTC timing limits', () => {
    validateDtmfTiming(40, 30);
    validateDtmfTiming(6000, 70);
    for (const [duration, gap] of [
      [39, 70],
      [6001, 70],
      [100, 29],
      [Number.NaN, 70],
    ] as const) {
      expect(() => validateDtmfTiming(duration, gap)).to.throw(/ms/);
    }
  });
});
