// §15: no figure of one bot can break another. The bounds keep every sum finite through the API,
// so this test puts values the API refuses straight into the engine (1e308-sized sums that
// overflow, an infinite equity) and proves /metrics, the realtime JSON and the WebSocket keep
// answering for every bot, the sane bot's figures intact.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TradingEvent } from "../../src/domain/events.js";
import { type LiveExporter, startLiveExporter } from "../browser/live-app.js";
import { TestClient } from "../live/harness.js";

const TOKEN = "extreme-read-token-0123456789";
let live: LiveExporter;
const auth = { Authorization: `Bearer ${TOKEN}` };

beforeAll(async () => {
  live = await startLiveExporter(TOKEN);
  expect(
    (
      await live.post([
        { type: "equity", bot: "calm", equity: 1000 },
        { type: "trade", bot: "calm", id: "c1", pnl: 25 },
      ])
    ).status,
  ).toBe(200);
  const ts = Date.now();
  const wild = (e: Record<string, unknown>) => live.exporter.engine.apply({ bot: "wild", ts, ...e } as unknown as TradingEvent);
  wild({ type: "equity", equity: 1e308 });
  wild({ type: "trade", id: "w1", pnl: 1e308 });
  wild({ type: "trade", id: "w2", pnl: 1e308 });
  wild({ type: "trade", id: "w3", pnl: -1e308 });
  wild({ type: "trade", id: "w4", pnl: -1e308 });
  wild({ type: "equity", equity: Infinity });
  wild({ type: "cashflow", amount: 1e308 });
});

afterAll(() => live?.close());

describe("values no bound would let through", () => {
  it("really are out of the finite range in the engine", () => {
    const p = live.exporter.engine.performance("wild");
    expect([p.gross_profit, p.gross_loss, p.equity].some((x) => !Number.isFinite(x))).toBe(true);
  });

  it("/metrics answers in both formats, the wild bot's values spelled NaN/+Inf/-Inf, the calm bot's exact", async () => {
    for (const accept of ["text/plain", "application/openmetrics-text; version=1.0.0"]) {
      const res = await fetch(`${live.url}/metrics`, { headers: { ...auth, Accept: accept } });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toMatch(/^trading_equity\{bot="calm"\} 1025$/m);
      expect(text).toMatch(/^trading_realized_pnl\{bot="calm"\} 25$/m);
      const wildSamples = text.split("\n").filter((l) => l.includes('bot="wild"'));
      expect(wildSamples.length).toBeGreaterThan(10);
      for (const line of wildSamples) expect(line, line).toMatch(/ (-?\d[\d.e+-]*|NaN|[+-]Inf)$/);
      expect(wildSamples.some((l) => / (NaN|[+-]Inf)$/.test(l))).toBe(true);
      // A counter that overflowed says so without failing the scrape, and the calm bot's is exact.
      expect(text).toMatch(/^trading_gross_profit(_total)?\{bot="wild"\} (NaN|\+Inf)$/m);
      expect(text).toMatch(/^trading_gross_profit(_total)?\{bot="calm"\} 25$/m);
    }
  });

  it("the realtime JSON answers for both bots, non-finite numbers as null", async () => {
    const res = await live.get("/api/v1/metrics/realtime");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { bots: Array<{ bot: string; equity: number | null; total_pnl: number | null }> };
    const byBot = new Map(body.bots.map((b) => [b.bot, b]));
    expect(byBot.get("calm")).toMatchObject({ equity: 1025, total_pnl: 25 });
    expect(byBot.get("wild")!.equity).toBeNull();
    for (const path of ["/api/v1/health/status", "/api/v1/health/safety"]) expect((await live.get(path)).status).toBe(200);
  });

  it("the WebSocket sends both bots' state", async () => {
    const client = await TestClient.open(`${live.url.replace("http:", "ws:")}/ws?token=${TOKEN}`);
    try {
      const calm = await client.waitFor((m) => m.type === "metrics_update" && m.bot === "calm");
      const wild = await client.waitFor((m) => m.type === "metrics_update" && m.bot === "wild");
      expect(calm.data).toMatchObject({ equity: 1025 });
      expect((wild.data as { equity: unknown }).equity).toBeNull();
    } finally {
      client.ws.close();
    }
  });
});
