// The /ws live stream (§13) against a real http.Server: state on connect, subscriptions,
// coalesced metrics, health/safety pushed on change, trades and alerts, ping/pong.
import { afterEach, describe, expect, it } from "vitest";
import type { TradeEvent } from "../../src/domain/events.js";
import { type HubFixture, TestClient, startHub, until } from "./harness.js";

let fx: HubFixture;
afterEach(() => fx?.close());

const trade = (bot: string, id: string, pnl = 5): TradeEvent => ({ type: "trade", bot, ts: Date.parse("2024-05-01T12:00:00Z"), id, pnl });

/** Everything sent before this trade has arrived once it arrives (one socket keeps order). */
async function barrier(client: TestClient, bot = "alpha"): Promise<void> {
  const id = `barrier-${Math.random()}`;
  fx.hub.tradeApplied(bot, trade(bot, id));
  await client.waitFor((m) => m.type === "trade" && (m.data as { id: string }).id === id);
  client.messages.pop();
}

describe("live hub", () => {
  it("sends every bot's metrics, health and safety on connect, as {type, bot, ts, data}", async () => {
    fx = await startHub();
    const c = await fx.connect();
    await c.count(6);
    expect(c.messages.map((m) => `${m.type}:${m.bot}`).sort()).toEqual(
      ["alpha", "beta"].flatMap((b) => [`health_update:${b}`, `metrics_update:${b}`, `safety_update:${b}`]).sort(),
    );
    const m = c.of("metrics_update", "beta")[0]!;
    expect(m.data).toEqual(fx.snapshot.state.get("beta")!.metrics);
    expect(new Date(m.ts).toISOString()).toBe(m.ts);
    expect(fx.hub.clients()).toBe(1);
  });

  it("filters by a subscribe message: only the bots and types asked for", async () => {
    fx = await startHub();
    const all = await fx.connect();
    const some = await fx.connect();
    await some.count(6);
    some.messages.length = 0;
    some.send({ type: "subscribe", bots: ["alpha"], types: ["metrics_update", "trade"] });
    // The answer to a subscribe is the current state of what is now subscribed.
    await some.waitFor((m) => m.type === "metrics_update");

    fx.snapshot.state.get("beta")!.health.level = "DEGRADED";
    fx.hub.botChanged("beta");
    fx.hub.botChanged("alpha");
    fx.hub.tradeApplied("beta", trade("beta", "b1"));
    fx.hub.tradeApplied("alpha", trade("alpha", "a1"));
    fx.hub.alert({ bot: "alpha", id: "x", trigger: "kill_switch_activation" });
    // The flushes happened (both timers were due at once).
    await all.waitFor((m) => m.type === "health_update" && (m.data as { level: string }).level === "DEGRADED");
    await barrier(some);

    // State after subscribing, the trade (sent at once), then the coalesced flush.
    expect(some.messages.map((m) => `${m.type}:${m.bot}`)).toEqual(["metrics_update:alpha", "trade:alpha", "metrics_update:alpha"]);
    expect(some.of("trade").map((m) => (m.data as { id: string }).id)).toEqual(["a1"]);
    expect(some.of("metrics_update").length).toBe(2);
    // The unfiltered client got all of it.
    await barrier(all);
    const realTrades = all.of("trade").filter((m) => !(m.data as { id: string }).id.startsWith("barrier-"));
    expect(realTrades.map((m) => m.bot)).toEqual(["beta", "alpha"]);
    expect(all.of("alert")).toHaveLength(1);
  });

  it("takes the subscription from ?bots=&types= on the upgrade; empty lists mean all", async () => {
    fx = await startHub();
    const c = await fx.connect("?bots=beta&types=health_update,trade");
    await barrier(c, "beta");
    expect(c.messages.map((m) => `${m.type}:${m.bot}`)).toEqual(["health_update:beta"]);
    c.send({ type: "subscribe", bots: [], types: [] });
    await c.count(1 + 6);
    expect(new Set(c.messages.slice(1).map((m) => m.bot))).toEqual(new Set(["alpha", "beta"]));
  });

  it("closes the connection (1008) on an invalid subscribe", async () => {
    fx = await startHub();
    const c = await fx.connect();
    c.send({ type: "subscribe", types: ["everything"] });
    expect(await c.whenClosed()).toMatchObject({ code: 1008, reason: expect.stringContaining("types") });
    await until(() => fx.hub.clients() === 0);
  });

  it("coalesces a burst of 1,000 changes into a handful of metrics_update, the last with the final state", async () => {
    fx = await startHub({ metricsIntervalMs: 100 });
    const c = await fx.connect("?types=metrics_update,trade");
    await c.count(2);
    c.messages.length = 0;
    const alpha = fx.snapshot.state.get("alpha")!;
    for (let i = 1; i <= 1000; i++) {
      alpha.metrics.equity = 10_000 + i;
      fx.hub.botChanged("alpha");
      if (i % 100 === 0) await new Promise((r) => setImmediate(r)); // let timers run mid-burst
    }
    await c.waitFor((m) => (m.data as { equity: number }).equity === 11_000);
    // Let any further (trailing) flush arrive before counting.
    await new Promise((r) => setTimeout(r, 250));
    await barrier(c);
    const updates = c.of("metrics_update", "alpha").map((m) => (m.data as { equity: number }).equity);
    expect(updates.length).toBeGreaterThanOrEqual(1);
    expect(updates.length).toBeLessThanOrEqual(4);
    expect(updates[updates.length - 1]).toBe(11_000);
    expect(updates).toEqual([...updates].sort((a, b) => a - b));
    expect(c.of("metrics_update", "beta")).toEqual([]);
  });

  it("pushes health and safety with the flush when they changed, and only then", async () => {
    fx = await startHub({ metricsIntervalMs: 50 });
    const c = await fx.connect("?bots=alpha");
    await c.count(3);
    c.messages.length = 0;
    const alpha = fx.snapshot.state.get("alpha")!;

    // Same health, new last_event_at: not a change worth a push.
    alpha.metrics.equity = 1;
    alpha.health.last_event_at = "2024-05-01T12:00:00.000Z";
    fx.hub.botChanged("alpha");
    await c.waitFor((m) => m.type === "metrics_update" && (m.data as { equity: number }).equity === 1);
    // The very first flush establishes what was "last sent" for the hub: one of each.
    const firstHealth = c.of("health_update").length;
    expect(firstHealth).toBe(1);

    alpha.health.level = "CRITICAL";
    alpha.health.reasons = ["kill switch active"];
    alpha.safety.kill_switch = { active: true, reason: "manual", changed_at: "2024-05-01T12:00:01.000Z" };
    alpha.metrics.equity = 2;
    fx.hub.botChanged("alpha");
    const h = await c.waitFor((m) => m.type === "health_update" && (m.data as { level: string }).level === "CRITICAL");
    expect(h.data).toEqual(alpha.health);
    const s = await c.waitFor((m) => m.type === "safety_update" && (m.data as any).kill_switch.active === true);
    // Sent together with the metrics of the same flush, not an interval later.
    const idx = c.messages.indexOf(h);
    expect(c.messages[idx - 1]).toMatchObject({ type: "metrics_update", data: { equity: 2 } });
    expect(c.messages.indexOf(s)).toBe(idx + 1);

    for (let i = 3; i <= 5; i++) {
      alpha.metrics.equity = i;
      fx.hub.botChanged("alpha");
      await c.waitFor((m) => m.type === "metrics_update" && (m.data as { equity: number }).equity === i);
    }
    await barrier(c);
    expect(c.of("health_update").length).toBe(firstHealth + 1);
    expect(c.of("safety_update").length).toBe(firstHealth + 1);
  });

  it("notices health changes no event caused (a bot going stale) on its sweep", async () => {
    fx = await startHub({ sweepIntervalMs: 20 });
    const c = await fx.connect("?bots=beta&types=health_update");
    await c.count(1);
    fx.snapshot.state.get("beta")!.health = { bot: "beta", level: "DEGRADED", reasons: ["stale"], stale: true, last_event_at: null };
    const m = await c.waitFor((x) => (x.data as { stale: boolean }).stale);
    expect(m).toMatchObject({ type: "health_update", bot: "beta", data: { level: "DEGRADED" } });
  });

  it("sends trades as export records and alerts as given", async () => {
    fx = await startHub();
    const c = await fx.connect("?types=trade,alert");
    fx.hub.tradeApplied("alpha", { ...trade("alpha", "t1", -3), symbol: "ETH/USDT", side: "short" }, -0.0003);
    const record = { id: "al-1", bot: "beta", trigger: "total_drawdown", severity: "critical", status: "firing" };
    fx.hub.alert(record);
    await c.count(2);
    expect(c.messages[0]).toMatchObject({
      type: "trade",
      bot: "alpha",
      data: {
        ts: "2024-05-01T12:00:00.000Z",
        bot: "alpha",
        id: "t1",
        symbol: "ETH/USDT",
        side: "short",
        pnl: -3,
        return: -0.0003,
        opened_at: null,
      },
    });
    expect(c.messages[1]).toMatchObject({ type: "alert", bot: "beta", data: record });
  });

  it("logs and survives a bot whose state cannot be read, and keeps serving the others", async () => {
    fx = await startHub({ metricsIntervalMs: 10 });
    const c = await fx.connect("?types=metrics_update");
    await c.count(2);
    fx.hub.botChanged("ghost"); // the fake throws for an unknown bot
    fx.snapshot.state.get("alpha")!.metrics.equity = 7;
    fx.hub.botChanged("alpha");
    await c.waitFor((m) => (m.data as { equity: number }).equity === 7);
    expect(fx.warnings).toContainEqual({ obj: expect.objectContaining({ bot: "ghost" }), msg: "live update failed" });
  });

  it("pings clients and terminates the ones that stop answering", async () => {
    fx = await startHub({ pingIntervalMs: 25 });
    const lively = await fx.connect();
    const silent = await fx.connect();
    let pings = 0;
    lively.ws.on("ping", () => pings++);
    (silent.ws as unknown as { _socket: { pause(): void } })._socket.pause(); // reads nothing, answers nothing
    await until(() => fx.hub.clients() === 1);
    await until(() => pings >= 4);
    expect(lively.ws.readyState).toBe(lively.ws.OPEN);
    expect(fx.warnings.some((w) => (w.obj as { reason?: string }).reason === "no_pong")).toBe(true);
  });

  it("answers 404 for another path and closes clients with 1001 on close()", async () => {
    fx = await startHub();
    await expect(TestClient.open(fx.url.replace("/ws", "/elsewhere"))).rejects.toThrow("HTTP 404");
    const c = await fx.connect();
    fx.hub.close();
    expect((await c.whenClosed()).code).toBe(1001);
  });
});
