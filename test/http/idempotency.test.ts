// §15: every event type with an id is applied once per (bot, type, id), whatever the
// signature, the batch it comes in, or a restart in between.
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/exporter.js";

const MIXED = [
  { type: "equity", bot: "m", id: "e1", equity: 12_000 },
  { type: "circuit_breaker", bot: "m", id: "cb1", open: true, reason: "loss limit" },
  { type: "trade", bot: "m", id: "t1", pnl: -300 },
  { type: "circuit_breaker", bot: "m", id: "cb2", open: false },
  { type: "cashflow", bot: "m", id: "w1", amount: -1000 },
  { type: "kill_switch", bot: "m", id: "k1", active: true },
  { type: "positions", bot: "m", id: "p1", open: 2, max: 4 },
  { type: "api_status", bot: "m", id: "a1", status: "degraded", latency_ms: 900 },
  { type: "heartbeat", bot: "m", id: "h1" },
];
// Applied once: equity 12,000, trade −300, withdrawal −1,000; one trip of the breaker.
const EQUITY_ONCE = 12_000 - 300 - 1000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function figures(x: Harness) {
  const p = x.exporter.engine.performance("m");
  const s = x.exporter.engine.safety("m");
  return { equity: p.equity, trades: p.trades.total, trips: s.circuit_breaker.trips, rows: x.exporter.journal.lastSeq() };
}

describe("idempotency of every event type", () => {
  it("a mixed batch retried with a new signature is applied once", async () => {
    h = await startHarness();
    const first = await h.post("/api/v1/events", MIXED);
    expect(first.body).toEqual({ accepted: MIXED.length, duplicates: 0 });
    const once = figures(h);
    expect(once).toEqual({ equity: EQUITY_ONCE, trades: 1, trips: 1, rows: MIXED.length });

    h.clock.advance(1500); // a retry is signed again, with a later timestamp
    const retry = await h.post("/api/v1/events", MIXED);
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual({ accepted: 0, duplicates: MIXED.length });
    expect(figures(h)).toEqual(once);
  });

  it("keys are per bot and per type, and a repeat inside one batch counts once", async () => {
    h = await startHarness();
    const res = await h.post("/api/v1/events", [
      { type: "equity", bot: "m", id: "x", equity: 500 },
      { type: "equity", bot: "m", id: "x", equity: 900 },
      { type: "cashflow", bot: "m", id: "x", amount: 100 },
      { type: "equity", bot: "other", id: "x", equity: 700 },
    ]);
    expect(res.body).toEqual({ accepted: 3, duplicates: 1 });
    expect(h.exporter.engine.performance("m").equity).toBe(600);
    expect(h.exporter.engine.performance("other").equity).toBe(700);
  });

  it("events without an id are applied every time", async () => {
    h = await startHarness();
    const flip = [
      { type: "circuit_breaker", bot: "m", open: true },
      { type: "circuit_breaker", bot: "m", open: false },
    ];
    await h.post("/api/v1/events", flip);
    h.clock.advance(1500);
    await h.post("/api/v1/events", flip);
    expect(h.exporter.engine.safety("m").circuit_breaker.trips).toBe(2);
  });

  it("the keys outlive a restart", async () => {
    h = await startHarness({}, { snapshotEvery: 3 });
    await h.post("/api/v1/events", MIXED);
    const once = figures(h);
    const dataDir = h.dataDir;
    await h.stop(false);
    h = await startHarness({}, { dataDir });
    expect(figures(h)).toEqual(once);
    const retry = await h.post("/api/v1/events", MIXED);
    expect(retry.body).toEqual({ accepted: 0, duplicates: MIXED.length });
    expect(figures(h)).toEqual(once);
  });

  it("a repeated non-trade event does not count as a duplicate trade on /metrics", async () => {
    h = await startHarness();
    await h.post("/api/v1/events", MIXED);
    h.clock.advance(1500);
    await h.post("/api/v1/events", MIXED);
    const text = (await h.get("/metrics")).text;
    expect(text).toMatch(/^trading_duplicate_trades_total\{bot="m"\} 1$/m);
  });
});
