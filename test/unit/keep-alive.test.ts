import { expect } from '@open-wc/testing';
import { KeepAlive } from '../../src/index.js';
import { sleep } from '../helpers/sandbox.js';

describe('keep-alive', () => {
  it('probes after silence, and declares the connection dead when nothing answers', async () => {
    let last = Date.now();
    let probes = 0;
    let dead = 0;
    const keepAlive = new KeepAlive({
      interval: 200,
      timeout: 150,
      lastInbound: () => last,
      probe: () => probes++,
      onDead: () => dead++,
    });
    keepAlive.start();
    try {
      await sleep(260);
      expect(probes, 'a probe after 160–200 ms of silence').to.equal(1);
      expect(keepAlive.probing).to.equal(true);
      last = Date.now(); // the answer
      await sleep(120);
      expect(keepAlive.probing).to.equal(false);
      expect(dead).to.equal(0);
      await sleep(450);
      expect(dead, 'the second probe went unanswered').to.equal(1);
      expect(probes).to.equal(2);
    } finally {
      keepAlive.stop();
    }
  });

  it('never probes a busy connection; check() probes a silent one at once', async () => {
    let last = Date.now();
    let probes = 0;
    const keepAlive = new KeepAlive({
      interval: 150,
      timeout: 1000,
      lastInbound: () => last,
      probe: () => probes++,
      onDead: () => undefined,
    });
    const busy = setInterval(() => (last = Date.now()), 40);
    keepAlive.start();
    try {
      await sleep(500);
      expect(probes).to.equal(0);
      keepAlive.check(1000);
      expect(probes, 'fresh traffic: no probe').to.equal(0);
      clearInterval(busy);
      await sleep(60);
      keepAlive.check(10);
      expect(probes, 'silent for 60 ms, freshness 10 ms').to.equal(1);
    } finally {
      clearInterval(busy);
      keepAlive.stop();
    }
  });
});

describe('keep-alive: a Flow-Timer interval (RFC 5626 §4.4.1)', () => {
  it('a new interval takes effect at once on a running keep-alive', async () => {
    let probes = 0;
    const keepAlive = new KeepAlive({
      interval: 60_000,
      timeout: 1000,
      lastInbound: () => Date.now() - 500,
      probe: () => probes++,
      onDead: () => undefined,
    });
    keepAlive.start();
    try {
      await sleep(50);
      expect(probes).to.equal(0);
      keepAlive.setInterval(200);
      expect(keepAlive.interval).to.equal(200);
      await sleep(50);
      expect(probes, 'silent for 500 ms, budget 160–200 ms').to.equal(1);
    } finally {
      keepAlive.stop();
    }
  });
});
