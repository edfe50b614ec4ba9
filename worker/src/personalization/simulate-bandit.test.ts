import { describe, expect, it } from 'vitest';
import { simulateBandit } from './simulate-bandit';

describe('simulateBandit (Done means of issue 6)', () => {
  const rates = { low: 0.02, mid: 0.04, best: 0.06 };
  const sim = simulateBandit({ seed: 20261129, visitors: 40000, rates, holdoutRate: 0.02 });
  const best = sim.report.arms.find((a) => a.arm === 'best')!;
  const holdout = sim.report.arms.find((a) => a.arm === 'holdout')!;

  it('sends most traffic to the best variant', () => {
    console.log(`share to best ${sim.share.best.toFixed(3)}, mid ${sim.share.mid.toFixed(3)}, low ${sim.share.low.toFixed(3)}; ` +
      `uplift best vs holdout ${best.uplift!.estimate.toFixed(4)} [${best.uplift!.low.toFixed(4)}, ${best.uplift!.high.toFixed(4)}]; holdout n=${holdout.impressions}`);
    expect(sim.share.best).toBeGreaterThan(0.7);
    expect(sim.share.best).toBeGreaterThan(sim.share.mid);
    expect(sim.share.mid).toBeGreaterThan(sim.share.low);
    // The last allocation bucket is more concentrated than the first.
    const first = sim.report.allocation[0].share.best;
    const last = sim.report.allocation.at(-1)!.share.best;
    expect(last).toBeGreaterThan(first);
  });

  it('keeps about 10% of visitors in the holdout', () => {
    expect(holdout.impressions / 40000).toBeGreaterThan(0.09);
    expect(holdout.impressions / 40000).toBeLessThan(0.11);
  });

  it("covers the true uplift (6% - 2% = 4 points) with the best variant's interval, and excludes zero", () => {
    expect(best.uplift!.low).toBeLessThan(0.04);
    expect(best.uplift!.high).toBeGreaterThan(0.04);
    expect(best.uplift!.low).toBeGreaterThan(0);
  });

  it('covers the allocation-weighted true uplift of the campaign as a whole', () => {
    const truth = Object.entries(rates).reduce((s, [id, p]) => s + sim.share[id] * p, 0) - 0.02;
    expect(sim.report.treated.uplift!.low).toBeLessThan(truth);
    expect(sim.report.treated.uplift!.high).toBeGreaterThan(truth);
  });

  it('is reproducible for a seed', () => {
    const again = simulateBandit({ seed: 20261129, visitors: 40000, rates, holdoutRate: 0.02 });
    expect(again.share).toEqual(sim.share);
  });
});
