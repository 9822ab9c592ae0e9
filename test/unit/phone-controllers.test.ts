import { expect, waitUntil } from '@open-wc/testing';
import { CallHistory, type CallSnapshot, type Phone } from '../../src/index.js';
import { callSnapshot } from '../helpers/call-snapshot.js';
import { HistoryController } from '../../components/controllers/history-controller.js';
import {
  PREWARM_QUIET_AFTER_CALL_MS,
  PrewarmController,
} from '../../components/controllers/prewarm-controller.js';

const call = (overrides: Partial<CallSnapshot> = {}): CallSnapshot =>
  callSnapshot({ startedAt: Date.now() - 5_000, ...overrides });

describe('HistoryController', () => {
  const databaseName = `history-controller-${Date.now()}`;

  after(async () => {
    const history = new CallHistory({ databaseName });
    await history.clear();
    history.close();
  });

  async function recorded(): Promise<string[]> {
    const history = new CallHistory({ databaseName });
    try {
      return (await history.list()).map((entry) => `${entry.id}:${entry.state}`);
    } finally {
      history.close();
    }
  }

  it('records ended calls only, and only with history on', async () => {
    const host = { history: false, historyDatabase: databaseName };
    const controller = new HistoryController(host);
    controller.callChanged(call({ id: 'off', state: 'ended', endedAt: Date.now() }));
    host.history = true;
    controller.callChanged(call({ id: 'live', state: 'connected' }));
    controller.callChanged(call({ id: 'done', state: 'ended', endedAt: Date.now() }));
    controller.callChanged(call({ id: 'lost', state: 'failed', status: 486, endedAt: Date.now() }));
    // The writes are fire-and-forget: wait for them to land.
    await waitUntil(async () => (await recorded()).length >= 2, 'both ended calls recorded', {
      timeout: 5_000,
    });
    expect((await recorded()).sort()).to.deep.equal(['done:ended', 'lost:failed']);
  });
});

describe('PrewarmController', () => {
  function setup(prewarm: boolean) {
    const host = { prewarm };
    let prepared = 0;
    const phone = {
      prewarm: () => {
        prepared++;
        return Promise.resolve();
      },
    } as unknown as Phone;
    const controller = new PrewarmController(host, () => phone);
    return { host, controller, prepared: () => prepared };
  }

  it('prepares a call on intent only with prewarm on', () => {
    const off = setup(false);
    off.controller.intent();
    expect(off.prepared()).to.equal(0);
    const on = setup(true);
    on.controller.intent();
    expect(on.prepared()).to.equal(1);
  });

  it('takes no intent right after a call ended, but does after a live change', () => {
    const { controller, prepared } = setup(true);
    controller.callChanged(call({ state: 'connected' }));
    controller.intent();
    expect(prepared()).to.equal(1);
    controller.callChanged(call({ state: 'ended' }));
    controller.intent();
    expect(prepared(), `within ${PREWARM_QUIET_AFTER_CALL_MS} ms of the end`).to.equal(1);
  });

  it('does nothing before the phone is configured', () => {
    const controller = new PrewarmController({ prewarm: true }, () => undefined);
    expect(() => controller.intent()).to.not.throw();
  });
});
