// §15 bounds: each refused with 422 naming the field, nothing applied; the edges are accepted.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../support/exporter.js";

const NOW = Date.UTC(2026, 0, 1, 18);
let h: Harness;
beforeEach(async () => {
  h = await startHarness({ ingest: { max_future_seconds: 60 } }, { now: NOW });
});
afterEach(() => h.stop());

async function expectRefused(event: Record<string, unknown>, path: string): Promise<void> {
  const seqBefore = h.exporter.journal.lastSeq();
  const botsBefore = h.exporter.engine.bots();
  const res = await h.post("/api/v1/events", [{ type: "heartbeat", bot: "ok" }, event]);
  expect(res.status, JSON.stringify(event)).toBe(422);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.text) as { errors: Array<{ index: number; path: string }> };
  expect(body.errors.map((e) => `${e.index}:${e.path}`)).toContain(`1:${path}`);
  expect(h.exporter.journal.lastSeq()).toBe(seqBefore);
  expect(h.exporter.engine.bots()).toEqual(botsBefore);
}

async function expectAccepted(event: Record<string, unknown>): Promise<void> {
  const res = await h.post("/api/v1/events", event);
  expect(res.status, JSON.stringify(event) + res.text).toBe(200);
}

const trade = (extra: Record<string, unknown>) => ({ type: "trade", bot: "b", id: "t", pnl: 1, ...extra });

describe("event times", () => {
  it.each([
    "2024-02-30T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-04-31T12:00:00Z",
    "2024-13-01T00:00:00Z",
    "2024-00-10T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-01-01T12:60:00Z",
    "2024-01-01T12:00:60Z",
    "2024-01-01T12:00:00+24:00",
    "9999-12-31T00:00:00Z",
    "1999-12-31T23:59:59Z",
    "2000-01-01T00:30:00+01:00",
  ])("refuses ts %s", async (ts) => {
    await expectRefused(trade({ ts }), "ts");
  });

  it("refuses epoch milliseconds before 2000 and too far ahead", async () => {
    await expectRefused(trade({ ts: Date.UTC(1999, 11, 31) }), "ts");
    await expectRefused(trade({ ts: NOW + 61_000 }), "ts");
    await expectRefused({ type: "equity", bot: "b", equity: 5, ts: NOW + 61_000 }, "ts");
  });

  it("refuses opened_at out of bounds", async () => {
    await expectRefused(trade({ opened_at: "2024-02-30T00:00:00Z" }), "opened_at");
    await expectRefused(trade({ opened_at: new Date(NOW + 3_600_000).toISOString() }), "opened_at");
  });

  it("accepts the edges: leap day, 2000-01-01, exactly max_future_seconds ahead", async () => {
    await expectAccepted(trade({ id: "a", ts: "2024-02-29T23:59:59.999Z" }));
    await expectAccepted(trade({ id: "b", ts: "2000-01-01T00:00:00Z" }));
    await expectAccepted(trade({ id: "c", ts: Date.UTC(2000, 0, 1) }));
    await expectAccepted(trade({ id: "d", ts: NOW + 60_000 }));
    await expectAccepted(trade({ id: "e", ts: "2000-01-01T05:30:00+05:30" }));
    expect(h.exporter.engine.performance("b").trades.total).toBe(5);
  });
});

describe("amounts", () => {
  it("refuses |pnl|, |equity|, |amount| above 1e15", async () => {
    await expectRefused(trade({ pnl: 1e15 + 0.25 }), "pnl");
    await expectRefused(trade({ pnl: -1e16 }), "pnl");
    await expectRefused(trade({ pnl: 1e308 }), "pnl");
    await expectRefused({ type: "equity", bot: "b", equity: 2e15 }, "equity");
    await expectRefused({ type: "cashflow", bot: "b", amount: -1.5e15 }, "amount");
  });

  it("refuses return ≤ −1 and > 1e6", async () => {
    await expectRefused(trade({ return: -1 }), "return");
    await expectRefused(trade({ return: 1e6 + 1 }), "return");
  });

  it("accepts the edges", async () => {
    await expectAccepted(trade({ id: "p", pnl: 1e15, return: 1e6 }));
    await expectAccepted(trade({ id: "q", pnl: -1e15, return: -0.999 }));
    await expectAccepted({ type: "equity", bot: "b", equity: 1e15 });
    await expectAccepted({ type: "cashflow", bot: "b", amount: -1e15 });
  });
});

describe("cashflow and ids on every type", () => {
  it("validates the cashflow event", async () => {
    await expectRefused({ type: "cashflow", bot: "b", amount: 0 }, "amount");
    await expectRefused({ type: "cashflow", bot: "b" }, "amount");
    await expectRefused({ type: "cashflow", bot: "b", amount: 5, reason: "x".repeat(501) }, "reason");
    await expectRefused({ type: "cashflow", bot: "b", amount: 5, note: "?" }, "(root)");
  });

  it("a deposit moves equity by its amount", async () => {
    await expectAccepted({ type: "cashflow", bot: "b", amount: 250, reason: "top-up", id: "dep-1" });
    expect(h.exporter.engine.performance("b").equity).toBe(10_250);
    expect(h.exporter.engine.performance("b").total_pnl).toBe(0);
  });

  it("every type takes an optional id of 1–128 characters", async () => {
    const types = [
      { type: "equity", equity: 5 },
      { type: "kill_switch", active: true },
      { type: "circuit_breaker", open: false },
      { type: "positions", open: 1, max: 2 },
      { type: "api_status", status: "connected" },
      { type: "heartbeat" },
      { type: "cashflow", amount: 1 },
    ];
    for (const t of types) {
      await expectRefused({ bot: "b", ...t, id: "" }, "id");
      await expectRefused({ bot: "b", ...t, id: "x".repeat(129) }, "id");
      await expectAccepted({ bot: "b", ...t, id: "x".repeat(128) });
    }
  });
});
