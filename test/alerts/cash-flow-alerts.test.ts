// A withdrawal is not a loss (§19): through the real exporter, half the account withdrawn leaves
// every drawdown figure as it was and fires no drawdown trigger, while the same drop as a losing
// trade does fire (so the check can fail).
import { describe, expect, it } from "vitest";
import { startHarness } from "../support/exporter.js";

interface Snapshot {
  bot: string;
  equity: number;
  drawdown: number;
  daily_drawdown: number;
  weekly_drawdown: number;
  max_drawdown: number;
  total_pnl: number;
  net_cashflow: number;
}

describe("withdrawals through the exporter", () => {
  it("changes no drawdown ratio and fires no drawdown trigger; the same drop as a trade fires", async () => {
    const h = await startHarness();
    try {
      const now = h.clock.now();
      const setup = (bot: string) => [
        { type: "trade", bot, ts: now - 3000, id: `${bot}-1`, pnl: 500 },
        { type: "trade", bot, ts: now - 2000, id: `${bot}-2`, pnl: -300 },
      ];
      expect((await h.post("/api/v1/events", [...setup("saver"), ...setup("loser")])).status).toBe(200);
      const figures = async (bot: string) => ((await h.get(`/api/v1/metrics/realtime?bot=${bot}`)).body as { bots: Snapshot[] }).bots[0]!;
      const before = await figures("saver");
      expect(before.drawdown).toBeCloseTo(300 / 10_500, 12);

      const half = before.equity / 2;
      const res = await h.post("/api/v1/events", [
        { type: "cashflow", bot: "saver", ts: now - 1000, amount: -half, reason: "withdrawal" },
        { type: "trade", bot: "loser", ts: now - 1000, id: "loser-3", pnl: -half },
      ]);
      expect(res.status, res.text).toBe(200);

      const after = await figures("saver");
      expect(after.equity).toBe(half);
      for (const k of ["drawdown", "daily_drawdown", "weekly_drawdown", "max_drawdown"] as const) {
        expect(after[k], k).toBeCloseTo(before[k], 12);
      }
      expect(after.total_pnl).toBe(200);
      expect(after.net_cashflow).toBe(-half);

      const history = (await h.get("/api/v1/alerts/history")).body as { alerts: Array<{ bot: string; trigger: string }> };
      const fired = (bot: string) =>
        history.alerts
          .filter((a) => a.bot === bot)
          .map((a) => a.trigger)
          .sort();
      expect(fired("saver")).toEqual([]);
      expect(fired("loser")).toEqual(["daily_drawdown", "total_drawdown", "weekly_drawdown"]);
    } finally {
      await h.stop();
    }
  });

  it("withdrawing everything fires no drawdown trigger either: an emptied account reads 0 drawdown", async () => {
    const h = await startHarness();
    try {
      const now = h.clock.now();
      const res = await h.post("/api/v1/events", [
        { type: "trade", bot: "retired", ts: now - 3000, id: "r-1", pnl: -400 },
        { type: "cashflow", bot: "retired", ts: now - 2000, amount: -9_600, reason: "withdrawal" },
        // The same drop as a loss, so the check can fail.
        { type: "trade", bot: "blown", ts: now - 2000, id: "b-1", pnl: -10_000 },
      ]);
      expect(res.status, res.text).toBe(200);
      const figures = ((await h.get("/api/v1/metrics/realtime")).body as { bots: Snapshot[] }).bots;
      const retired = figures.find((b) => b.bot === "retired")!;
      expect(retired.equity).toBe(0);
      expect([retired.drawdown, retired.daily_drawdown, retired.weekly_drawdown]).toEqual([0, 0, 0]);
      expect(retired.max_drawdown).toBeCloseTo(0.04, 12);
      const history = (await h.get("/api/v1/alerts/history")).body as { alerts: Array<{ bot: string; trigger: string }> };
      expect(history.alerts.filter((a) => a.bot === "retired")).toEqual([]);
      expect(history.alerts.filter((a) => a.bot === "blown").map((a) => a.trigger)).toContain("total_drawdown");
    } finally {
      await h.stop();
    }
  });
});
