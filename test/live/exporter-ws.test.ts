// §13 through the real exporter (createExporter + listen), not a hand-built hub: what a
// WebSocket client on /ws sees when a bot posts signed events over HTTP, the alert the exporter's
// own alerting raises, the read token on the upgrade, and the trading_websocket_clients gauge.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LiveExporter, startLiveExporter } from "../browser/live-app.js";
import { TestClient, until } from "./harness.js";

const TOKEN = "ws-read-token-0123456789";
// Long enough that five sequential POSTs fit in one interval even on a loaded machine.
const INTERVAL_MS = 1000;

let live: LiveExporter;
const wsUrl = (query = "") => `${live.url.replace("http:", "ws:")}/ws${query}`;

async function gauge(): Promise<number> {
  const res = await live.get("/metrics");
  expect(res.status).toBe(200);
  const m = /^trading_websocket_clients (\S+)$/m.exec(await res.text());
  if (!m) throw new Error("trading_websocket_clients missing from /metrics");
  return Number(m[1]);
}

beforeAll(async () => {
  live = await startLiveExporter(TOKEN, { websocket: { metrics_interval_ms: INTERVAL_MS } });
  const seeded = await live.post([
    { type: "equity", bot: "alpha", equity: 10_000 },
    { type: "trade", bot: "alpha", id: "seed-1", pnl: 100 },
  ]);
  expect(seeded.status).toBe(200);
});

afterAll(() => live?.close());

describe("/ws of the real exporter", () => {
  it("refuses the upgrade without the read token, or with a wrong one", async () => {
    await expect(TestClient.open(wsUrl())).rejects.toThrow("HTTP 401");
    await expect(TestClient.open(wsUrl("?token=not-the-token-at-all"))).rejects.toThrow("HTTP 401");
    expect(await gauge()).toBe(0);
  });

  it("streams state, trades, coalesced metrics, health and the raised alert; the gauge counts the client", async () => {
    const client = await TestClient.open(wsUrl(`?token=${TOKEN}`));
    try {
      // Initial state: the REST entries of the one known bot.
      const initial = await client.waitFor((m) => m.type === "metrics_update" && m.bot === "alpha");
      expect(initial.data).toMatchObject({ bot: "alpha", equity: 10_100, total_pnl: 100 });
      expect((await client.waitFor((m) => m.type === "health_update")).data).toMatchObject({ bot: "alpha", level: "HEALTHY" });
      expect((await client.waitFor((m) => m.type === "safety_update")).data).toMatchObject({
        bot: "alpha",
        kill_switch: { active: false },
      });
      expect(Number.isNaN(Date.parse(initial.ts))).toBe(false);
      expect(await gauge()).toBe(1);

      // Five separate signed POSTs in quick succession: five trade messages at once, the metrics
      // coalesced (the first change goes out at once, the rest at the end of the interval), the
      // last one exact.
      const before = client.messages.length;
      const pnls = [50, -20, 70, 30, -10];
      for (const [i, pnl] of pnls.entries()) {
        const r = await live.post({ type: "trade", bot: "alpha", id: `t${i}`, symbol: "BTC/USDT", side: "long", pnl });
        expect(r.status).toBe(200);
      }
      await until(() => client.of("trade").length === pnls.length);
      expect(client.of("trade").map((m) => m.data)).toEqual(
        pnls.map((pnl, i) => expect.objectContaining({ bot: "alpha", id: `t${i}`, symbol: "BTC/USDT", side: "long", pnl })),
      );
      await until(() =>
        client.messages.slice(before).some((m) => m.type === "metrics_update" && (m.data as { total_pnl: number }).total_pnl === 220),
      );
      const updates = client.messages.slice(before).filter((m) => m.type === "metrics_update");
      expect(updates.length).toBeLessThanOrEqual(2);
      expect(updates.at(-1)!.data).toMatchObject({ equity: 10_220, total_pnl: 220, trades: { total: 6, wins: 4, losses: 2 } });

      // A kill switch: health turns CRITICAL and the exporter's alerting raises kill_switch_activation.
      const ks = await live.post({ type: "kill_switch", bot: "alpha", active: true, reason: "manual stop" });
      expect(ks.status).toBe(200);
      const health = await client.waitFor((m) => m.type === "health_update" && (m.data as { level: string }).level === "CRITICAL");
      expect(health).toMatchObject({ bot: "alpha", data: { bot: "alpha", level: "CRITICAL", stale: false } });
      const safety = await client.waitFor(
        (m) => m.type === "safety_update" && (m.data as { kill_switch: { active: boolean } }).kill_switch.active,
      );
      expect(safety.data).toMatchObject({ kill_switch: { active: true, reason: "manual stop" } });
      const alert = await client.waitFor((m) => m.type === "alert");
      expect(alert).toMatchObject({
        bot: "alpha",
        data: { bot: "alpha", trigger: "kill_switch_activation", severity: "critical", status: "firing" },
      });
      expect((alert.data as { message: string }).message).toContain("manual stop");
      // The same record the REST history holds, not something made up for the stream.
      const history = (await (await live.get("/api/v1/alerts/history?bot=alpha")).json()) as { alerts: { id: string }[] };
      expect(history.alerts.map((a) => a.id)).toContain((alert.data as { id: string }).id);
    } finally {
      client.ws.close();
      await client.whenClosed();
    }
    // The server sees the close a moment after the client does.
    let clients = await gauge();
    while (clients !== 0) {
      await new Promise((r) => setTimeout(r, 20));
      clients = await gauge();
    }
    expect(clients).toBe(0);
  });

  it("coalesces a burst of 1,000 trades for one bot into a handful of metrics_update, the last one exact", async () => {
    const client = await TestClient.open(wsUrl(`?token=${TOKEN}&bots=burst&types=metrics_update`));
    try {
      // 1,000 single-trade submissions at once (in-process: signing 1,000 HTTP requests adds nothing here).
      const pnls = Array.from({ length: 1000 }, (_, i) => ((i * 37) % 101) - 50);
      await Promise.all(pnls.map((pnl, i) => live.exporter.ingest({ type: "trade", bot: "burst", id: `b${i}`, pnl })));
      const total = pnls.reduce((a, b) => a + b, 0);
      await until(() => client.of("metrics_update").some((m) => (m.data as { trades: { total: number } }).trades.total === 1000));
      const updates = client.of("metrics_update");
      expect(updates.length).toBeLessThanOrEqual(5);
      expect(updates.at(-1)!.data).toMatchObject({ bot: "burst", total_pnl: total, equity: 10_000 + total, trades: { total: 1000 } });
    } finally {
      client.ws.close();
      await client.whenClosed();
    }
  });
});
