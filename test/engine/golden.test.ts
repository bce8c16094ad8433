// §5 against the golden cases: every expected figure of every case, straight through and
// across snapshot/restore at several cut points.
import { describe, expect, it } from "vitest";
import { ManualClock } from "../../src/domain/clock.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { Engine } from "../../src/engine/engine.js";
import {
  compareGolden,
  expectedBots,
  goldenEvents,
  loadGoldenCases,
  settingsFromCase,
  unmappedSeries,
  withoutDuplicateTrades,
  type GoldenCase,
} from "../support/golden.js";

const cases = loadGoldenCases();

function feed(engine: Engine, events: TradingEvent[]): void {
  for (const e of events) engine.apply(e);
}

function check(c: GoldenCase, engine: Engine, label: string): void {
  expect([...engine.bots()].sort(), `${label}: bots`).toEqual(expectedBots(c));
  expect(compareGolden(c, (bot) => engine.performance(bot), { label })).toEqual([]);
}

describe("golden cases (§5)", () => {
  it("finds the cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(5);
  });

  for (const c of cases) {
    describe(`${c.name}: ${c.description}`, () => {
      const settings = settingsFromCase(c);
      const events = withoutDuplicateTrades(goldenEvents(c));

      it("maps every expected series to a snapshot field", () => {
        expect(unmappedSeries(c)).toEqual([]);
      });

      it("matches every expected figure", () => {
        const engine = new Engine(settings, new ManualClock(c.now_ms));
        feed(engine, events);
        check(c, engine, c.name);
      });

      it("matches after snapshot → JSON → restore at several cut points", () => {
        const cuts = [1, Math.floor(events.length / 3), Math.floor(events.length / 2), events.length - 1, events.length];
        for (const cut of cuts) {
          const clock = new ManualClock(c.now_ms);
          const before = new Engine(settings, clock);
          feed(before, events.slice(0, cut));
          const json = JSON.parse(JSON.stringify(before.toSnapshot()));
          const restored = Engine.fromSnapshot(json, settings, clock);
          // The restored engine equals the original at the cut, figure for figure (NaN included) ...
          for (const bot of before.bots()) {
            expect(restored.performance(bot), `${c.name} cut ${cut} ${bot}`).toEqual(before.performance(bot));
            expect(restored.safety(bot)).toEqual(before.safety(bot));
          }
          // ... and fed the rest of the stream it reaches the golden figures.
          feed(restored, events.slice(cut));
          check(c, restored, `${c.name} restored at ${cut}`);
        }
      });
    });
  }

  it("refuses a snapshot taken under settings that shape the state differently", () => {
    const c = cases[0]!;
    const settings = settingsFromCase(c);
    const engine = new Engine(settings, new ManualClock(c.now_ms));
    feed(engine, withoutDuplicateTrades(goldenEvents(c)).slice(0, 50));
    const data = JSON.parse(JSON.stringify(engine.toSnapshot()));
    expect(() => Engine.fromSnapshot(data, { ...settings, window_trades: 7 }, new ManualClock(0))).toThrow(/settings/);
    expect(() => Engine.fromSnapshot(data, { ...settings, timezone: "Europe/Paris" }, new ManualClock(0))).toThrow(/settings/);
    expect(() => Engine.fromSnapshot(data, { ...settings, bots: { x: { initial_equity: 5 } } }, new ManualClock(0))).toThrow(/settings/);
    // Annualization factors only scale figures at query time: those snapshots stay usable.
    expect(() => Engine.fromSnapshot(data, { ...settings, annualization_factor: 252 }, new ManualClock(0))).not.toThrow();
  });
});
