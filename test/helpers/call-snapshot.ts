import type { CallSnapshot } from '../../src/index.js';

/** A connected outgoing call to Bob, as the core describes it; `overrides` change any field. */
export const callSnapshot = (overrides: Partial<CallSnapshot> = {}): CallSnapshot =>
  ({
    id: 'c1',
    direction: 'outgoing',
    state: 'connected',
    remote: { uri: 'sip:bob@example.com', user: 'bob', displayName: 'Bob' },
    muted: false,
    ...overrides,
  }) as CallSnapshot;
