import { describe, expect, it } from 'vitest';
import { newcombeDifference, wilsonInterval } from './intervals';

describe('wilsonInterval', () => {
  it('matches the published Wilson interval for 20 of 1000', () => {
    const i = wilsonInterval(20, 1000);
    expect(i.low).toBeCloseTo(0.01300, 4);
    expect(i.high).toBeCloseTo(0.03070, 4);
  });

  it('stays inside [0, 1] with no successes or all successes', () => {
    expect(wilsonInterval(0, 10).low).toBe(0);
    expect(wilsonInterval(0, 10).high).toBeGreaterThan(0.2);
    expect(wilsonInterval(10, 10).high).toBeCloseTo(1, 12);
  });

  it('is the whole range when nothing was observed', () => {
    expect(wilsonInterval(0, 0)).toEqual({ low: 0, high: 1 });
  });
});

describe('newcombeDifference', () => {
  it('reproduces Newcombe 1998 table II example (56/70 vs 48/80)', () => {
    // Newcombe (1998), Statistics in Medicine 17:873-890, method 10: 0.0524 to 0.3339.
    const i = newcombeDifference(56, 70, 48, 80);
    expect(i.low).toBeCloseTo(0.0524, 3);
    expect(i.high).toBeCloseTo(0.3339, 3);
  });

  it('contains zero when both arms convert alike', () => {
    const i = newcombeDifference(20, 1000, 21, 1000);
    expect(i.low).toBeLessThan(0);
    expect(i.high).toBeGreaterThan(0);
  });
});
