// Groups over HTTP (§19): GET /api/v1/groups/realtime and the trading_group_* series give the naive
// recomputation's figures for a fleet with a late member and a member's withdrawal.
import { describe, expect, it } from "vitest";
import type { TradingEvent } from "../../src/domain/events.js";
import { baseSettings, DAY0 } from "../support/figures-cases.js";
import { closeEnough } from "../support/golden.js";
import { naiveGroup } from "../support/naive-groups.js";
import { startHarness } from "../support/exporter.js";
import { parsePrometheusText, seriesId } from "../support/prom-text.js";

const HOUR = 3_600_000;

describe("GET /api/v1/groups/realtime and trading_group_*", () => {
  it("match the naive recomputation", async () => {
    const members = ["a", "b", "later"];
    const events: TradingEvent[] = [];
    for (let i = 0; i < 60; i++) {
      const bot = i < 40 ? members[i % 2]! : members[i % 3]!;
      events.push({ type: "trade", bot, ts: DAY0 + i * 5 * HOUR, id: `t${i}`, pnl: ((i * 37) % 23) * 10 - 90 });
      if (i === 30) events.push({ type: "cashflow", bot: "a", ts: DAY0 + i * 5 * HOUR + 1, amount: -4_000, reason: "withdrawal" });
    }
    const now = DAY0 + 60 * 5 * HOUR;
    const h = await startHarness({ groups: { fleet: members } }, { now });
    try {
      expect((await h.post("/api/v1/events", events)).status).toBe(200);
      const expected = naiveGroup("fleet", members, events, baseSettings(), now);
      const body = (await h.get("/api/v1/groups/realtime")).body as { groups: Array<Record<string, unknown>> };
      expect(body.groups).toHaveLength(1);
      const got = body.groups[0]!;
      const problems: string[] = [];
      for (const [k, v] of Object.entries(expected)) {
        if (typeof v !== "number") continue;
        const x = got[k];
        const ok = Number.isFinite(v) ? typeof x === "number" && closeEnough(x, v) : x === null;
        if (!ok) problems.push(`${k}: ${String(x)} vs ${v}`);
      }
      expect(problems).toEqual([]);
      expect(expected.total_pnl).not.toBe(0);

      const scraped = parsePrometheusText((await h.get("/metrics")).text);
      const series: Record<string, number> = {
        trading_group_equity: expected.equity,
        trading_group_peak_equity: expected.peak_equity,
        trading_group_drawdown_ratio: expected.drawdown,
        trading_group_max_drawdown_ratio: expected.max_drawdown,
        trading_group_daily_drawdown_ratio: expected.daily_drawdown,
        trading_group_weekly_drawdown_ratio: expected.weekly_drawdown,
        trading_group_daily_pnl: expected.daily_pnl,
        trading_group_weekly_pnl: expected.weekly_pnl,
        trading_group_realized_pnl: expected.total_pnl,
        trading_group_daily_sharpe_ratio: expected.daily_sharpe_ratio,
      };
      for (const [name, v] of Object.entries(series)) {
        const x = scraped.get(seriesId(name, { group: "fleet" }));
        expect(x !== undefined && closeEnough(x, v), `${name}: ${x} vs ${v}`).toBe(true);
      }
    } finally {
      await h.stop();
    }
  });
});
