// The group drawdown triggers (§19) through the real exporter: a member joining late and a member's
// withdrawal fire nothing; losses that take the group's summed equity 20% below its peak fire
// total_drawdown for the group (a record with `group`, a Slack message, trading_group_alert_firing),
// a restart keeps it firing without sending it again, and a recovery resolves it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackReceiver, type HttpReceiver } from "../support/fake-receivers.js";
import { startHarness, tempDir, type Harness } from "../support/exporter.js";

interface Alert {
  id: string;
  bot?: string;
  group?: string;
  trigger: string;
  severity: string;
  status: string;
  value: number | null;
  threshold: number | null;
  message: string;
  notified: boolean;
}

const MINUTE = 60_000;
let slack: HttpReceiver;
beforeAll(async () => {
  slack = await startSlackReceiver();
});
afterAll(() => slack.close());

function config() {
  return {
    groups: { fleet: ["alpha", "bravo"] },
    // Only the total drawdown for groups here; the bots' own triggers stay as they are.
    groups_triggers: { daily_drawdown: { enabled: false }, weekly_drawdown: { enabled: false } },
    notifications: { enabled: true, slack: { enabled: true, webhook_url: slack.url("/hook") } },
  };
}

async function groupAlerts(h: Harness): Promise<Alert[]> {
  const res = await h.get("/api/v1/alerts/history?group=fleet");
  expect(res.status, res.text).toBe(200);
  return (res.body as { alerts: Alert[] }).alerts;
}

const firingSeries = (text: string) => text.split("\n").filter((l) => l.startsWith("trading_group_alert_firing{"));
const groupTexts = () => slack.requests.map((r) => (JSON.parse(r.body) as { text: string }).text).filter((t) => t.includes("group fleet"));

/** Slack receives the bots' alerts too, in an order of its own: wait for the group's n-th message. */
async function groupMessages(n: number): Promise<string[]> {
  const deadline = Date.now() + 10_000;
  while (groupTexts().length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return groupTexts();
}

describe("group drawdown triggers", () => {
  it("fire for the group at 20% below its peak, persist over a restart and resolve; joins and withdrawals fire nothing", async () => {
    const dataDir = tempDir();
    let h = await startHarness(config(), { dataDir });
    const at = (m: number) => h.clock.now() - 60 * MINUTE + m * MINUTE;
    const post = async (events: object[]) => {
      const res = await h.post("/api/v1/events", events);
      expect(res.status, res.text).toBe(200);
    };
    try {
      // alpha alone: 10000 → 11000, the group's peak 11000.
      await post([{ type: "trade", bot: "alpha", ts: at(0), id: "a1", pnl: 1000 }]);
      // bravo joins late with its 10000 (the peak scales to 21000), then withdraws 5000 (to 16000).
      await post([{ type: "heartbeat", bot: "bravo", ts: at(1) }]);
      await post([{ type: "cashflow", bot: "bravo", ts: at(2), amount: -5000, reason: "withdrawal" }]);
      let group = ((await h.get("/api/v1/groups/realtime")).body as { groups: Array<{ equity: number; peak_equity: number }> }).groups[0]!;
      expect(group).toMatchObject({ equity: 16_000, peak_equity: 16_000 });
      expect(await groupAlerts(h)).toEqual([]);

      // Losses: 16000 → 13000 (18.75%, under the threshold) → 12700 (20.625%).
      await post([{ type: "trade", bot: "alpha", ts: at(3), id: "a2", pnl: -3000 }]);
      expect(await groupAlerts(h)).toEqual([]);
      await post([{ type: "trade", bot: "bravo", ts: at(4), id: "b1", pnl: -300 }]);
      const [fired, ...rest] = await groupAlerts(h);
      expect(rest).toEqual([]);
      expect(fired).toMatchObject({ group: "fleet", trigger: "total_drawdown", severity: "critical", status: "firing", threshold: 0.2 });
      expect(fired!.bot).toBeUndefined();
      expect(fired!.value).toBeCloseTo(3300 / 16_000, 12);
      expect(fired!.message).toContain("alpha, bravo");
      // The bots' history holds only bots' records.
      const botsOnly = (await h.get("/api/v1/alerts/history?bot=alpha")).body as { alerts: Alert[] };
      expect(botsOnly.alerts.every((a) => a.bot === "alpha" && a.group === undefined)).toBe(true);
      expect(firingSeries((await h.get("/metrics")).text)).toEqual([
        'trading_group_alert_firing{group="fleet",trigger="total_drawdown",severity="critical"} 1',
      ]);
      expect(await groupMessages(1)).toEqual(["[CRITICAL] total_drawdown on group fleet"]);

      // A restart on the same data: still firing, nothing sent again.
      await h.stop(false);
      h = await startHarness(config(), { dataDir });
      expect(firingSeries((await h.get("/metrics")).text)).toHaveLength(1);
      expect((await groupAlerts(h)).map((a) => a.status)).toEqual(["firing"]);

      // Recovery: 12700 → 13700 (14.4% below the peak) resolves it, with a resolved message.
      await post([{ type: "trade", bot: "alpha", ts: at(6), id: "a3", pnl: 1000 }]);
      const after = await groupAlerts(h);
      expect(after).toHaveLength(1);
      expect(after[0]).toMatchObject({ id: fired!.id, status: "resolved", group: "fleet" });
      expect(firingSeries((await h.get("/metrics")).text)).toEqual([]);
      // One channel delivers in order: a firing sent again after the restart would come before this.
      expect(await groupMessages(2)).toEqual(["[CRITICAL] total_drawdown on group fleet", "[RESOLVED] total_drawdown on group fleet"]);
      group = ((await h.get("/api/v1/groups/realtime")).body as { groups: Array<{ equity: number; peak_equity: number }> }).groups[0]!;
      expect(group).toMatchObject({ equity: 13_700, peak_equity: 16_000 });
    } finally {
      await h.stop();
    }
  });

  it("list their effective settings beside the bots' triggers", async () => {
    const h = await startHarness({ groups: { fleet: ["alpha"] }, groups_triggers: { total_drawdown: { threshold: 0.15 } } });
    try {
      const body = (await h.get("/api/v1/alerts/triggers")).body as { group_triggers: unknown[] };
      expect(body.group_triggers).toEqual([
        { group: "fleet", trigger: "daily_drawdown", enabled: true, severity: "warning", threshold: 0.05 },
        { group: "fleet", trigger: "weekly_drawdown", enabled: true, severity: "error", threshold: 0.1 },
        { group: "fleet", trigger: "total_drawdown", enabled: true, severity: "critical", threshold: 0.15 },
      ]);
      const text = (await h.get("/metrics")).text;
      expect(text).toContain('trading_group_alert_threshold{group="fleet",trigger="total_drawdown"} 0.15');
      expect(text).toContain('trading_group_alert_enabled{group="fleet",trigger="daily_drawdown"} 1');
    } finally {
      await h.stop();
    }
  });
});
