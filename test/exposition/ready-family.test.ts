// The registry-compatible families behind /metrics: prom-client's Registry formats them like its
// own metrics, and a family's series are read afresh on every scrape.
import { Registry } from "prom-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExpositionRegistry, ReadyFamily, type FamilyDefinition } from "../../src/exposition/ready-family.js";
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

describe("ExpositionRegistry", () => {
  interface Wide {
    rows: Array<{ bot: string; trigger: string; v: number }>;
    solo: number;
  }
  const families: Array<FamilyDefinition<Wide>> = [
    {
      name: "demo_value",
      help: "A gauge\\with a back\nslash.",
      type: "gauge",
      labels: ["bot"],
      collect: (w, add) => w.rows.forEach((r) => add(r.v, r.bot)),
    },
    {
      name: "demo_events_total",
      help: "A counter.",
      type: "counter",
      labels: ["bot", "trigger"],
      collect: (w, add) => w.rows.forEach((r) => add(r.v, r.bot, r.trigger)),
    },
    { name: "demo_solo", help: "No labels.", type: "gauge", labels: [], collect: (w, add) => add(w.solo) },
    { name: "demo_empty", help: "No series.", type: "gauge", labels: ["bot"], collect: () => {} },
  ];
  const values = [0, -0, 1.5, -2e-7, 1e21, 123456789.123, NaN, Infinity, -Infinity, -3];
  const view: Wide = {
    rows: values.map((v, i) => ({ bot: i % 3 === 0 ? `b"${i}\\\n` : `bot-${i}`, trigger: `t${i % 2}`, v })),
    solo: NaN,
  };

  for (const openMetrics of [false, true]) {
    it(`writes exactly what prom-client's own formatting writes (${openMetrics ? "OpenMetrics" : "Prometheus text"}), NaN spelled NaN`, async () => {
      const plain = new Registry();
      const fast = new ExpositionRegistry();
      if (openMetrics) {
        plain.setContentType(Registry.OPENMETRICS_CONTENT_TYPE as never);
        fast.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
      }
      for (const f of families) {
        plain.registerMetric(new ReadyFamily(f, () => view) as never);
        fast.registerMetric(new ReadyFamily(f, () => view) as never);
      }
      const expected = (await plain.metrics()).replaceAll(" Nan\n", " NaN\n");
      expect(expected).toContain("NaN");
      expect(expected).toContain('\\"');
      // Twice: the second scrape reads the cached prefixes.
      expect(await fast.metrics()).toBe(expected);
      view.rows[1]!.v = 42;
      expect(await fast.metrics()).toBe((await plain.metrics()).replaceAll(" Nan\n", " NaN\n"));
      view.rows[1]!.v = -0;
    });
  }
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
