// §19 trade statistics through the engine: hand-worked cases and seeded long histories against
// the naive whole-history recomputation, straight through and across snapshot/restore.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import { Engine } from "../../src/engine/engine.js";
import type { PerformanceSnapshot } from "../../src/domain/snapshots.js";
import { FIGURES_19, handCase, longCase, type FiguresCase } from "../support/figures-cases.js";
import { closeEnough } from "../support/golden.js";

function problems(c: FiguresCase, snapshotOf: (bot: string) => PerformanceSnapshot): string[] {
  const out: string[] = [];
  for (const [bot, fields] of Object.entries(c.expected)) {
    const actual = snapshotOf(bot);
    for (const [field, expected] of Object.entries(fields)) {
      const a = actual[field as keyof PerformanceSnapshot];
      if (typeof expected !== "number") continue;
      if (!closeEnough(a as number, expected)) out.push(`${bot}.${field}: ${JSON.stringify(a)}, expected ${expected}`);
    }
  }
  return out;
}

const cases = [handCase(), longCase(19), longCase(7, { timezone: "America/New_York", window_trades: 20, cagr_min_days: 10 })];

describe("§19 figures through the engine", () => {
  it("the long cases reach every §19 figure in a defined, non-trivial state", () => {
    const c = cases[1]!;
    const alpha = c.expected.alpha!;
    for (const f of FIGURES_19) if (f !== "net_cashflow") expect(Number.isFinite(alpha[f]), f).toBe(true);
    expect(alpha.calmar_ratio).not.toBe(0);
  });

  for (const c of cases) {
    it(`${c.name}: every figure matches`, () => {
      const engine = new Engine(c.settings, new ManualClock(c.now));
      for (const e of c.events) engine.apply(e);
      expect(problems(c, (b) => engine.performance(b))).toEqual([]);
    });

    it(`${c.name}: matches after snapshot → JSON → restore`, () => {
      const clock = new ManualClock(c.now);
      const cut = Math.floor(c.events.length / 2);
      const first = new Engine(c.settings, clock);
      for (const e of c.events.slice(0, cut)) first.apply(e);
      const restored = Engine.fromSnapshot(JSON.parse(JSON.stringify(first.toSnapshot())), c.settings, clock);
      for (const e of c.events.slice(cut)) restored.apply(e);
      expect(problems(c, (b) => restored.performance(b))).toEqual([]);
    });
  }
});
