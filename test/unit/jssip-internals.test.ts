import { expect } from '@open-wc/testing';
import JsSIP from 'jssip';
import {
  JSSIP_VERSION_CHECKED,
  jssipVersion,
  rtcSessionPrototype,
} from '../../src/jssip-internals.js';

describe('JsSIP internals (src/jssip-internals.ts)', () => {
  it('the installed JsSIP is the version the internals were checked against', () => {
    // Upgrading JsSIP: audit src/jssip-internals.ts, then move this pin with package.json's.
    expect(jssipVersion()).to.equal(JSSIP_VERSION_CHECKED);
  });

  it('the members the phone relies on are where it expects them', () => {
    const session = (JsSIP as unknown as { RTCSession: { prototype: Record<string, unknown> } })
      .RTCSession.prototype;
    for (const name of [
      '_sendReinvite',
      '_setLocalMediaStatus',
      '_receiveRefer',
      'isReadyToReOffer',
      'terminate',
    ]) {
      expect(typeof session[name], `RTCSession.${name}`).to.equal('function');
    }
    expect(typeof rtcSessionPrototype()._createRTCConnection).to.equal('function');
    const ua = (JsSIP as unknown as { UA: { prototype: Record<string, unknown> } }).UA.prototype;
    expect(typeof ua['sendOptions'], 'UA.sendOptions').to.equal('function');
  });
});
