// Groups (§19) through the engine: a late member joins as a cash flow, a member's cash flow is the
// group's, and random multi-bot streams match the naive whole-history recomputation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import type { GroupSnapshot } from "../../src/domain/snapshots.js";
import { baseSettings, DAY0 } from "../support/figures-cases.js";
import { closeEnough } from "../support/golden.js";
import { naiveGroup } from "../support/naive-groups.js";

const HOUR = 3_600_000;
const at = (h: number) => DAY0 + h * HOUR;
const close = (a: number, b: number) => expect(closeEnough(a, b), `${a} vs ${b}`).toBe(true);

function differences(a: GroupSnapshot, e: GroupSnapshot): string[] {
  return (Object.keys(e) as (keyof GroupSnapshot)[]).flatMap((k) => {
    const x = a[k];
    const y = e[k];
    if (typeof y !== "number") return JSON.stringify(x) === JSON.stringify(y) ? [] : [`${k}: ${JSON.stringify(x)} vs ${JSON.stringify(y)}`];
    return closeEnough(x as number, y) ? [] : [`${k}: ${String(x)} vs ${y}`];
  });
}

describe("groups (§19)", () => {
  const settings = baseSettings({ groups: { fleet: ["a", "b", "never"] } });

  it("a late member joins as a cash flow, and a member's withdrawal changes no group drawdown", () => {
    const engine = new Engine(settings, new ManualClock(at(10)));
    // a: 10000 → 9500; the group opens at a's 10000 and is 5% down.
    engine.apply({ type: "trade", bot: "a", ts: at(1), id: "1", pnl: -500 });
    close(engine.group("fleet").drawdown, 0.05);
    // b joins with its 10000 (a flow: 9500 → 19500, the peak scales to keep 5%), then wins 100.
    engine.apply({ type: "trade", bot: "b", ts: at(2), id: "2", pnl: 100 });
    let g = engine.group("fleet");
    expect(g.equity).toBe(19_600);
    close(g.peak_equity, (10_000 * 19_500) / 9_500);
    close(g.drawdown, 1 - (19_600 * 9_500) / (10_000 * 19_500));
    expect(g.total_pnl).toBe(-400);
    const ddBefore = g.drawdown;
    // a withdraws half: the group's drawdown ratios stay.
    engine.apply({ type: "cashflow", bot: "a", ts: at(3), amount: -4_750 });
    g = engine.group("fleet");
    expect(g.equity).toBe(14_850);
    close(g.drawdown, ddBefore);
    close(g.daily_drawdown, ddBefore);
    expect(g.total_pnl).toBe(-400);
    expect(g.members).toEqual(["a", "b", "never"]);
  });

  it("an empty group reads as zeros and undefined ratios", () => {
    const g = new Engine(settings, new ManualClock(at(1))).group("fleet");
    expect([g.equity, g.drawdown, g.total_pnl]).toEqual([0, 0, 0]);
    expect(g.daily_sharpe_ratio).toBeNaN();
  });

  const step = fc.record({
    dt: fc.oneof(
      fc.integer({ min: 0, max: 6 * HOUR }),
      fc.integer({ min: 20 * HOUR, max: 4 * 24 * HOUR }),
      fc.integer({ min: -30 * HOUR, max: -1 }),
    ),
    bot: fc.constantFrom("a", "b", "c", "outsider"),
    kind: fc.constantFrom("trade", "trade", "trade", "equity", "cashflow", "heartbeat"),
    value: fc.integer({ min: -300_000, max: 300_000 }).map((c) => c / 100),
  });

  it("incremental group figures = naive recomputation (property)", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 150 }), fc.constantFrom("UTC", "Europe/Berlin"), (steps, timezone) => {
        const s = baseSettings({
          timezone,
          cagr_min_days: 5,
          daily_window_days: 10,
          bots: { b: { initial_equity: 2_500 } },
          groups: { fleet: ["a", "b", "c"], pair: ["c", "a"] },
        });
        let t = at(0);
        let maxT = t;
        const events: TradingEvent[] = steps.map((x, i) => {
          const ts = x.dt < 0 ? Math.max(0, maxT + x.dt) : (t = maxT + x.dt);
          maxT = Math.max(maxT, t);
          if (x.kind === "trade") return { type: "trade", bot: x.bot, ts, id: String(i), pnl: x.value };
          if (x.kind === "equity") return { type: "equity", bot: x.bot, ts, equity: Math.abs(x.value) + 1 };
          if (x.kind === "cashflow") return { type: "cashflow", bot: x.bot, ts, amount: x.value || 1 };
          return { type: "heartbeat", bot: x.bot, ts };
        });
        const clock = new ManualClock(maxT);
        const engine = new Engine(s, clock);
        const half = Math.floor(events.length / 2);
        for (const e of events.slice(0, half)) engine.apply(e);
        const restored = Engine.fromSnapshot(JSON.parse(JSON.stringify(engine.toSnapshot())), s, clock);
        for (const e of events.slice(half)) restored.apply(e);
        for (const now of [maxT, maxT + 3 * 24 * HOUR, maxT + 40 * 24 * HOUR]) {
          clock.set(now);
          for (const [name, members] of Object.entries(s.groups!)) {
            const diff = differences(restored.group(name), naiveGroup(name, members, events, s, now));
            if (diff.length) throw new Error(`${name} at ${new Date(now).toISOString()}: ${diff.join("; ")}`);
          }
        }
      }),
      {
        numRuns: 150,
        endOnFailure: true,
        ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}),
      },
    );
  });
});
