// For each trigger, a scenario sent over the signed REST API makes it fire (history
// record, trading_alert_firing series, a message delivered to real local receivers) and its
// opposite resolves it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasValidSignature, type HttpReceiver, startSlackReceiver, startWebhookReceiver } from "../support/fake-receivers.js";
import { startHarness, type Harness } from "../support/exporter.js";

const WEBHOOK_SECRET = "webhook-secret-0123456789";

let h: Harness;
let slack: HttpReceiver;
let webhook: HttpReceiver;

beforeAll(async () => {
  slack = await startSlackReceiver();
  webhook = await startWebhookReceiver();
  h = await startHarness({
    external_url: "https://grafana.example/d/trading-bot",
    notifications: {
      enabled: true,
      slack: { enabled: true, webhook_url: slack.url("/services/T000/B000/XXXX") },
      webhook: { enabled: true, url: webhook.url("/alerts"), secret: WEBHOOK_SECRET },
    },
  });
});
afterAll(async () => {
  await h.stop();
  await slack.close();
  await webhook.close();
});

type Scenario = { trigger: string; bot: string; fire: () => Promise<void>; resolve: () => Promise<void> };
const send = async (events: unknown[]) => {
  const res = await h.post("/api/v1/events", events);
  expect(res.status, res.text).toBe(200);
};
const trades = (bot: string, pnls: number[], prefix: string) => pnls.map((pnl, i) => ({ type: "trade", bot, id: `${prefix}${i}`, pnl }));

const scenarios: Scenario[] = [
  {
    trigger: "daily_drawdown",
    bot: "dd-day",
    fire: () => send(trades("dd-day", [-600], "a")),
    resolve: () => send([{ type: "equity", bot: "dd-day", equity: 10_000 }]),
  },
  {
    trigger: "weekly_drawdown",
    bot: "dd-week",
    fire: () => send(trades("dd-week", [-1100], "a")),
    resolve: () => send([{ type: "equity", bot: "dd-week", equity: 10_000 }]),
  },
  {
    trigger: "total_drawdown",
    bot: "dd-total",
    fire: () => send(trades("dd-total", [-2500], "a")),
    resolve: () => send([{ type: "equity", bot: "dd-total", equity: 10_000 }]),
  },
  {
    trigger: "circuit_breaker_trip",
    bot: "cb",
    fire: () => send([{ type: "circuit_breaker", bot: "cb", open: true, reason: "5 losses in 1 h" }]),
    resolve: () => send([{ type: "circuit_breaker", bot: "cb", open: false }]),
  },
  {
    trigger: "kill_switch_activation",
    bot: "ks",
    fire: () => send([{ type: "kill_switch", bot: "ks", active: true, reason: "manual stop" }]),
    resolve: () => send([{ type: "kill_switch", bot: "ks", active: false }]),
  },
  {
    trigger: "consecutive_losses",
    bot: "streak",
    fire: () => send(trades("streak", Array(10).fill(-1), "l")),
    resolve: () => send(trades("streak", [5], "w")),
  },
  {
    trigger: "low_win_rate",
    bot: "lowwin",
    fire: () => send(trades("lowwin", [1, 1, -1, -1, -1, -1, -1, -1, -1, -1], "a")), // 2 of 10 < 30 %
    resolve: () => send(trades("lowwin", [1, 1], "b")), // 4 of 12 ≥ 30 %
  },
  {
    trigger: "api_disconnected",
    bot: "api",
    fire: () => send([{ type: "api_status", bot: "api", status: "disconnected" }]),
    resolve: () => send([{ type: "api_status", bot: "api", status: "connected", latency_ms: 80 }]),
  },
  {
    trigger: "bot_stale",
    bot: "stale",
    fire: async () => {
      await send([{ type: "heartbeat", bot: "stale" }]);
      h.clock.advance(601_000); // stale_after_seconds = 600
      h.exporter.alerts.tick(); // the 5 s evaluation tick, run by hand with the fake clock
    },
    resolve: () => send([{ type: "heartbeat", bot: "stale" }]),
  },
];

interface WebhookBody {
  kind: string;
  alert: { bot: string; trigger: string; status: string; severity: string };
}
const webhookMessages = () => webhook.requests.map((r) => JSON.parse(r.body) as WebhookBody);

async function waitFor(predicate: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !predicate(); i++) await new Promise((r) => setTimeout(r, 25));
  if (!predicate()) throw new Error(`timed out waiting for ${what}`);
}

describe.each(scenarios.map((s) => [s.trigger, s] as const))("trigger %s over REST", (trigger, scenario) => {
  it("fires (history, trading_alert_firing, Slack and webhook messages) and resolves", async () => {
    await scenario.fire();
    const query = `/api/v1/alerts/history?trigger=${trigger}&bot=${scenario.bot}`;
    const history = (await h.get(query)).body.alerts as Array<{ bot: string; status: string; notified: boolean; id: string }>;
    expect(history).toHaveLength(1);
    const [record] = history;
    expect(record!.status).toBe("firing");
    expect(record!.notified).toBe(true);

    const metrics = (await h.get("/metrics")).text;
    expect(metrics).toMatch(new RegExp(`^trading_alert_firing\\{bot="${record!.bot}",trigger="${trigger}",severity="\\w+"\\} 1$`, "m"));

    await waitFor(
      () => webhookMessages().some((m) => m.alert.trigger === trigger && m.alert.bot === scenario.bot && m.kind === "firing"),
      `${trigger} firing webhook`,
    );
    await waitFor(() => slack.requests.some((r) => r.body.includes(trigger) && r.body.includes(record!.bot)), `${trigger} Slack message`);
    const signed = webhook.requests.find((r) => r.body.includes(`"trigger":"${trigger}"`))!;
    expect(hasValidSignature(signed, WEBHOOK_SECRET)).toBe(true);

    await scenario.resolve();
    const after = (await h.get(query)).body.alerts as Array<{ status: string; resolved_at: string | null }>;
    expect(after[0]!.status).toBe("resolved");
    expect(after[0]!.resolved_at).not.toBeNull();
    expect((await h.get("/metrics")).text).not.toMatch(
      new RegExp(`^trading_alert_firing\\{bot="${record!.bot}",trigger="${trigger}"`, "m"),
    );
    await waitFor(
      () => webhookMessages().some((m) => m.alert.trigger === trigger && m.alert.bot === scenario.bot && m.kind === "resolved"),
      `${trigger} resolved webhook`,
    );
  });
});

describe("alert endpoints", () => {
  it("acknowledges an alert (signed) and shows who did", async () => {
    await send([{ type: "kill_switch", bot: "ack-bot", active: true }]);
    const [record] = (await h.get("/api/v1/alerts/history?bot=ack-bot")).body.alerts as Array<{ id: string }>;
    const res = await h.post(`/api/v1/alerts/${record!.id}/ack`, { by: "night-shift" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: record!.id, acknowledged_by: "night-shift" });
    expect(res.body.acknowledged_at).toEqual(new Date(h.clock.now()).toISOString());
    expect((await h.post("/api/v1/alerts/nope/ack", {})).status).toBe(404);
  });

  it("changes a threshold at run time (validated, applied at once, exported for Prometheus)", async () => {
    await send(trades("tune", [-300], "a")); // daily drawdown 3 % < 5 %
    expect((await h.get("/api/v1/alerts/history?bot=tune")).body.alerts).toHaveLength(0);
    const bad = await h.put("/api/v1/alerts/triggers/daily_drawdown", { bot: "tune", threshold: "low" });
    expect(bad.status).toBe(422);
    expect(bad.headers["content-type"]).toMatch(/problem\+json/);
    expect(JSON.parse(bad.text).errors[0].path).toBe("threshold");
    expect((await h.put("/api/v1/alerts/triggers/no_such_trigger", { threshold: 1 })).status).toBe(404);

    const ok = await h.put("/api/v1/alerts/triggers/daily_drawdown", { bot: "tune", threshold: 0.02 });
    expect(ok.status, ok.text).toBe(200);
    const history = (await h.get("/api/v1/alerts/history?bot=tune")).body.alerts as Array<{ trigger: string; threshold: number }>;
    expect(history).toEqual([expect.objectContaining({ trigger: "daily_drawdown", threshold: 0.02 })]);
    expect((await h.get("/metrics")).text).toMatch(/^trading_alert_threshold\{bot="tune",trigger="daily_drawdown"\} 0.02$/m);
    const table = (await h.get("/api/v1/alerts/triggers")).body.triggers as Array<{ bot: string; trigger: string; threshold: number }>;
    expect(table.find((t) => t.bot === "tune" && t.trigger === "daily_drawdown")!.threshold).toBe(0.02);
  });

  it("reports health and safety per bot with reasons", async () => {
    await send([{ type: "positions", bot: "busy", open: 9, max: 10 }]);
    const status = (await h.get("/api/v1/health/status")).body as {
      level: string;
      bots: Array<{ bot: string; level: string; reasons: string[] }>;
    };
    const busy = status.bots.find((b) => b.bot === "busy")!;
    expect(busy.level).toBe("DEGRADED");
    expect(busy.reasons.join(" ")).toMatch(/position utilization/);
    const safety = (await h.get("/api/v1/health/safety?bot=busy")).body.bots[0];
    expect(safety.positions).toEqual({ open: 9, max: 10, utilization: 0.9 });
  });

  it("sends a test message to every configured channel, and rate-limits it", async () => {
    const res = await h.post("/api/v1/alerts/test", { channel: "all" });
    expect(res.status, res.text).toBe(200);
    expect(res.body.results).toEqual(
      expect.arrayContaining([
        { channel: "slack", ok: true },
        { channel: "webhook", ok: true },
      ]),
    );
    let limited = false;
    for (let i = 0; i < 10 && !limited; i++) {
      h.clock.advance(1000); // a new signature each time (the same one would be a replay)
      limited = (await h.post("/api/v1/alerts/test", { channel: "slack" })).status === 429;
    }
    expect(limited).toBe(true);
  });
});
