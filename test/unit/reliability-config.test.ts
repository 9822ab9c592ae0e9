import { expect } from '@open-wc/testing';
import { RELIABILITY_DEFAULTS, isConfigError, resolveConfig } from '../../src/index.js';

describe('reliability configuration', () => {
  const base = { server: 'wss://pbx.example.com/ws', uri: 'sip:alice@example.com' };

  it('has RFC 5626 defaults', () => {
    const config = resolveConfig(base);
    expect(config).to.include(RELIABILITY_DEFAULTS);
    expect(config.retryBaseDelay).to.equal(30_000);
    expect(config.retryMaxDelay).to.equal(1_800_000);
  });

  const bad: Array<[string, object]> = [
    ['keepAlive', { keepAlive: 'ping' }],
    ['keepAliveInterval', { keepAliveInterval: 10 }],
    ['keepAliveTimeout', { keepAliveTimeout: Number.NaN }],
    ['retryBaseDelay', { retryBaseDelay: -1 }],
    ['retryMaxDelay', { retryBaseDelay: 5000, retryMaxDelay: 1000 }],
    ['mediaTimeout', { mediaTimeout: 500 }],
    ['debug', { debug: 'JsSIP:*\r\nX: 1' }],
  ];
  for (const [field, patch] of bad) {
    it(`refuses a bad ${field}`, () => {
      let error: unknown;
      try {
        resolveConfig({ ...base, ...patch });
      } catch (e) {
        error = e;
      }
      expect(isConfigError(error), String(error)).to.equal(true);
      expect((error as { field: string }).field).to.equal(field);
    });
  }
});
