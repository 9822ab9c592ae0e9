// <sip-call-history> with calls in it and <sip-device-settings> with the browser's fake devices,
// in pictures (see elements.visual.test.ts and shoot.ts).
import { fixture, html } from '@open-wc/testing';
import type { LitElement } from 'lit';
import '../../components/index.js';
import { CallHistory, type HistoryEntry } from '../../src/index.js';
import { waitFor } from '../helpers/sandbox.js';
import { hideWhatChanges, shoot } from './shoot.js';

before(hideWhatChanges);

describe('how the side panels look', () => {
  it('<sip-call-history> with an answered, a missed and a failed call', async () => {
    const databaseName = 'visual-history';
    const store = new CallHistory({ databaseName });
    await store.clear();
    // Fixed times (the list shows them in the browser's time zone and the page's language).
    const at = Date.UTC(2026, 0, 5, 9, 30);
    const peer = (user: string, displayName = '') => ({
      user,
      displayName,
      uri: `sip:${user}@localhost`,
    });
    const entries: HistoryEntry[] = [
      {
        id: 'v1',
        direction: 'outgoing',
        peer: peer('echo', 'Echo test'),
        startedAt: at,
        answeredAt: at + 2_000,
        endedAt: at + 67_000,
        durationMs: 65_000,
        state: 'ended',
        cause: 'hangup-local',
      },
      {
        id: 'v2',
        direction: 'incoming',
        peer: peer('bob', 'Bob at the desk'),
        startedAt: at + 600_000,
        endedAt: at + 620_000,
        durationMs: 0,
        state: 'ended',
        cause: 'missed',
      },
      {
        id: 'v3',
        direction: 'outgoing',
        peer: peer('486'),
        startedAt: at + 1_200_000,
        endedAt: at + 1_201_000,
        durationMs: 0,
        state: 'failed',
        status: 486,
      },
    ];
    for (const entry of entries) await store.add(entry);
    store.close();
    const history = await fixture<LitElement>(
      html`<sip-call-history database-name=${databaseName}></sip-call-history>`,
    );
    await waitFor(
      () => history.shadowRoot?.querySelectorAll('[part~="entry"]').length === 3,
      'three calls listed',
    );
    await shoot(history, 'history-calls');
  });

  it('<sip-device-settings> with the browser’s (fake) devices', async () => {
    const settings = await fixture<LitElement>(html`<sip-device-settings></sip-device-settings>`);
    await waitFor(
      () => (settings.shadowRoot?.querySelectorAll('option').length ?? 0) > 1,
      'the devices listed',
    );
    await shoot(settings, 'device-settings');
  });
});
