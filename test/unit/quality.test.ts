import { expect } from '@open-wc/testing';
import { QualityEvaluator, mosG711, type QualitySample } from '../../src/quality.js';

const good = (at: number, packetsReceived: number): QualitySample => ({
  at,
  rttMs: 40,
  jitterMs: 5,
  lossPct: 0,
  packetsReceived,
  microphoneLevel: 0.05,
});

describe('call quality', () => {
  it('estimates the MOS of G.711 with the E-model', () => {
    expect(mosG711(20)).to.be.within(4.3, 4.5); // a clean local call
    expect(mosG711(300, 20, 0)).to.be.within(3.9, 4.3);
    expect(mosG711(40, 5, 5)).to.be.within(3.3, 3.9); // 5 % loss hurts G.711 badly
    expect(mosG711(800, 50, 10)).to.be.below(2.6);
    expect(mosG711(10, 0, 100)).to.be.below(1.5);
    // Worse never scores better.
    expect(mosG711(100, 10, 2)).to.be.greaterThan(mosG711(200, 10, 2));
    expect(mosG711(100, 10, 2)).to.be.greaterThan(mosG711(100, 10, 4));
  });

  it('raises a warning after 3 bad samples of 5 and clears it only when at most 1 is bad', () => {
    const evaluator = new QualityEvaluator();
    const issuesAt: string[][] = [];
    const loss = [0, 8, 8, 0, 8, 0, 8, 0, 0, 0, 0];
    loss.forEach((lossPct, i) => {
      issuesAt.push(evaluator.add({ ...good(i * 1000, i * 50), lossPct }).issues);
    });
    const lossRaised = issuesAt.map((issues) => issues.includes('packet-loss'));
    // Bad at 1, 2, 4: raised at sample 4; stays through the mixed ones; clears once ≤ 1 of 5 is bad.
    expect(lossRaised).to.deep.equal([
      false,
      false,
      false,
      false,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
    ]);
  });

  it('notices when audio stops arriving, and when it comes back', () => {
    const evaluator = new QualityEvaluator();
    let packets = 0;
    const states: boolean[] = [];
    for (let i = 0; i < 14; i++) {
      if (i < 2 || i > 9) packets += 50; // audio for 2 s, then nothing for 8 s, then back
      states.push(evaluator.add(good(i * 1000, packets)).issues.includes('no-inbound-audio'));
    }
    expect(states.indexOf(true), 'raised a few seconds after audio stops').to.be.within(5, 8);
    expect(states.at(-1), 'cleared after audio is back').to.equal(false);
  });

  it('calls a muted microphone quiet, not silent', () => {
    const evaluator = new QualityEvaluator();
    let last: string[] = [];
    for (let i = 0; i < 5; i++)
      last = evaluator.add({ ...good(i * 1000, i * 50), microphoneLevel: 0, muted: true }).issues;
    expect(last).to.deep.equal([]);
    for (let i = 5; i < 10; i++)
      last = evaluator.add({ ...good(i * 1000, i * 50), microphoneLevel: 0 }).issues;
    expect(last).to.deep.equal(['silent-microphone']);
  });
});
