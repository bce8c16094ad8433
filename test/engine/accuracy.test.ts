// §5 accuracy: after many updates a rolling figure stays within 1e-9 (relative) of an exact
// recomputation over the same window. 10^6 updates here; bench/engine-accuracy.ts runs 10^7.
import { describe, expect, it } from "vitest";
import { sharpeRatio, sortinoRatio } from "../../src/domain/risk-ratios.js";
import { RollingReturns } from "../../src/domain/rolling-window.js";
import { adversarialReturns, exactSharpe, exactSortino, seededRandom } from "../support/exact-stats.js";

function relativeError(a: number, b: number): number {
  if (Number.isNaN(a) && Number.isNaN(b)) return 0;
  if (a === b) return 0;
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  return Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b));
}

describe("rolling window accuracy", () => {
  it("stays within 1e-9 of an exact recomputation over 10^6 adversarial updates", () => {
    const capacity = 250;
    const window = new RollingReturns(capacity);
    const ring: number[] = [];
    const next = adversarialReturns(seededRandom(20260101));
    let worst = 0;
    let checks = 0;
    for (let i = 0; i < 1_000_000; i++) {
      const r = next(i);
      window.push(r, r > 0);
      ring.push(r);
      if (ring.length > capacity) ring.shift();
      // Checkpoints every 10^4 updates, plus after each regime switch (every 50,000): windows
      // straddling two regimes, and windows wholly in the new one while the running sums may still
      // carry residue of the old one (before and after the fresh-sum swap).
      const sinceSwitch = (i + 1) % 50_000;
      if ((i + 1) % 10_000 === 137 || [capacity / 2, capacity + 1, 1.5 * capacity, 2 * capacity - 1].includes(sinceSwitch)) {
        const stats = window.stats();
        const pairs: [number, number][] = [
          [sharpeRatio(stats, 365), exactSharpe(ring, 365)],
          [sortinoRatio(stats, 365), exactSortino(ring, 365)],
          [window.winRate(), ring.filter((x) => x > 0).length / ring.length],
        ];
        for (const [got, exact] of pairs) {
          expect(Number.isNaN(exact), `update ${i + 1}: the exact figure is a number`).toBe(false);
          worst = Math.max(worst, relativeError(got, exact));
        }
        checks++;
      }
    }
    expect(checks).toBeGreaterThan(100);
    expect(worst).toBeLessThan(1e-9);
  });

  it("is exact again from the moment a return 10^15 times the others leaves the window", () => {
    // A P&L over an equity that is a rounding remainder gives such returns (−1.2·10¹⁹ was seen):
    // while one is in the window the sums are kept to ~2⁻¹⁰⁶ of its square, far more than the rest.
    const capacity = 1000;
    const random = seededRandom(11);
    for (const outlier of [-1.2e19, 3e12, -4e150, 2e200]) {
      const window = new RollingReturns(capacity);
      const ring: number[] = [];
      let worst = 0;
      for (let i = 0; i < 3 * capacity; i++) {
        const r = i === capacity / 2 ? outlier : (random() - 0.45) * 0.02;
        window.push(r, r > 0);
        ring.push(r);
        if (ring.length > capacity) ring.shift();
        // From the push that evicts the outlier on, over a whole window's length (the fresh-sum swap
        // replaces the sums only at its end), every 7th step.
        const sinceEviction = i - (capacity / 2 + capacity);
        if (sinceEviction >= 0 && sinceEviction % 7 === 0) {
          const stats = window.stats();
          worst = Math.max(worst, relativeError(sharpeRatio(stats, 365), exactSharpe(ring, 365)));
          worst = Math.max(worst, relativeError(sortinoRatio(stats, 365), exactSortino(ring, 365)));
        }
      }
      expect(worst, `after an outlier of ${outlier}`).toBeLessThan(1e-12);
    }
  });

  it("is exact again once a ladder of returns, each 10⁶ times the next, has left the window", () => {
    // Each rung is within 2⁵⁰ of the next, so no single eviction dwarfs what is left; together they
    // span more than a double-double's 106 bits, so their sum of squares was rounded as they arrived.
    const capacity = 1000;
    const ladder = [1e30, -1e24, 1e18, -1e12, 1e6];
    const random = seededRandom(13);
    const window = new RollingReturns(capacity);
    const ring: number[] = [];
    let worst = 0;
    let checks = 0;
    for (let i = 0; i < 3 * capacity; i++) {
      const rung = i - (capacity + 1);
      const r = rung >= 0 && rung < ladder.length ? ladder[rung]! : (random() - 0.45) * 0.02;
      window.push(r, r > 0);
      ring.push(r);
      if (ring.length > capacity) ring.shift();
      if (i >= 2 * capacity + 1 + ladder.length && i % 7 === 0) {
        const stats = window.stats();
        worst = Math.max(worst, relativeError(sharpeRatio(stats, 365), exactSharpe(ring, 365)));
        worst = Math.max(worst, relativeError(sortinoRatio(stats, 365), exactSortino(ring, 365)));
        checks++;
      }
    }
    expect(checks).toBeGreaterThan(100);
    expect(worst).toBeLessThan(1e-12);
  });

  it("keeps Sharpe NaN (not a huge number) when the window holds identical values after a long history", () => {
    const window = new RollingReturns(50);
    const random = seededRandom(7);
    for (let i = 0; i < 100_000; i++) window.push(1e6 * random() - 5e5, true);
    // 0.1 is not a dyadic fraction: float residue would make sd tiny but non-zero without the exact test.
    for (let i = 0; i < 50; i++) window.push(0.1, true);
    expect(window.stats().allIdentical).toBe(true);
    expect(sharpeRatio(window.stats(), 365)).toBeNaN();
    window.push(0.1000000000000001, true);
    expect(window.stats().allIdentical).toBe(false);
    expect(Number.isFinite(sharpeRatio(window.stats(), 365))).toBe(true);
  });

  it("exact reference sanity: matches hand-computed figures", () => {
    // [0.01, 0.03]: mean 0.02, sd √2·0.01; Sharpe = 0.02 / 0.014142… · √1 = √2
    expect(exactSharpe([0.01, 0.03], 1)).toBeCloseTo(Math.SQRT2, 14);
    // [-0.02, 0.04]: mean 0.01, DD = √(0.0004 / 2) = 0.014142…; Sortino = 0.01 / 0.014142… = 1/√2
    expect(exactSortino([-0.02, 0.04], 1)).toBeCloseTo(Math.SQRT1_2, 14);
    expect(exactSortino([0.02, 0.04], 1)).toBe(Infinity);
    expect(exactSharpe([0.5, 0.5, 0.5], 1)).toBeNaN();
  });
});
