// The registry-compatible families behind /metrics: prom-client's Registry formats them like its
// own metrics, and a family's series are read afresh on every scrape.
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ReadyFamily, type FamilyDefinition } from "../../src/exposition/ready-family.js";
import { startHarness, type Harness } from "../support/exporter.js";

interface View {
  fills: Array<{ venue: string; side: string; n: number }>;
}

const fills: FamilyDefinition<View> = {
  name: "demo_fills_total",
  help: "Fills by venue and side.",
  type: "counter",
  labels: ["venue", "side"],
  collect: (view, add) => {
    for (const f of view.fills) add(f.n, f.venue, f.side);
  },
};

describe("ReadyFamily in a prom-client Registry", () => {
  it("is formatted as a counter with escaped label values, and re-read on every scrape", async () => {
    const view: View = { fills: [{ venue: 'a"b\\c', side: "buy", n: 2 }] };
    const registry = new Registry();
    registry.registerMetric(new ReadyFamily(fills, () => view) as never);
    expect(await registry.metrics()).toBe(
      '# HELP demo_fills_total Fills by venue and side.\n# TYPE demo_fills_total counter\ndemo_fills_total{venue="a\\"b\\\\c",side="buy"} 2\n',
    );
    view.fills = [
      { venue: "x", side: "sell", n: 0.5 },
      { venue: 'a"b\\c', side: "buy", n: 3 },
    ];
    expect(await registry.metrics()).toBe(
      '# HELP demo_fills_total Fills by venue and side.\n# TYPE demo_fills_total counter\ndemo_fills_total{venue="x",side="sell"} 0.5\ndemo_fills_total{venue="a\\"b\\\\c",side="buy"} 3\n',
    );
  });

  it("refuses a family with more than three labels", () => {
    expect(() => new ReadyFamily({ ...fills, labels: ["a", "b", "c", "d"] }, () => ({ fills: [] }))).toThrow(/three labels/);
  });
});

describe("/metrics in both formats", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    expect((await h.post("/api/v1/events", { type: "trade", bot: "alpha", id: "1", pnl: 5 })).status).toBe(200);
  });
  afterAll(() => h.stop());

  it("keeps the _total of counters in Prometheus text after an OpenMetrics scrape", async () => {
    const om = await h.get("/metrics").set("Accept", "application/openmetrics-text; version=1.0.0");
    expect(om.text).toMatch(/^# TYPE trading_trades counter$/m);
    const text = (await h.get("/metrics")).text;
    expect(text).toMatch(/^# TYPE trading_trades_total counter$/m);
    expect(text).toMatch(/^trading_trades_total\{bot="alpha",outcome="win"\} 1$/m);
    expect(text).toMatch(/^trading_alerts_total\{bot="alpha",/m);
  });
});
