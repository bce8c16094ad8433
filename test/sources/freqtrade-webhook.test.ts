// The Freqtrade webhook receiver against messages rendered from the templates the CLI prints, in
// both of Freqtrade's body formats: fills, partial exits, positions, duplicates, status, protections
// with their lock ends, warnings, and every refusal (401, 404, 415, 422) with nothing applied.
import { execFileSync } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { requireBinary } from "../support/binaries.js";
import type { TradingEvent } from "../../src/domain/events.js";
import { UNLIMITED_POSITIONS } from "../../src/sources/freqtrade.js";
import * as M from "../fixtures/freqtrade-webhook/messages.js";
import { parsePrometheusText, seriesId } from "../support/prom-text.js";
import { NOW, PATH, TOKEN, startWebhookHarness, until, type WebhookHarness } from "./webhook-harness.js";

const sampleValue = (text: string, name: string, labels: Record<string, string>) => parsePrometheusText(text).get(seriesId(name, labels));

let h: WebhookHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

function collect(harness: WebhookHarness): TradingEvent[] {
  const applied: TradingEvent[] = [];
  harness.exporter.pipeline.addListener({ applied: (e) => void applied.push(e) });
  return applied;
}

describe.each(["json", "form"] as const)("Freqtrade webhook, format %s", (format) => {
  it("maps entries, partial and final exits to positions and trades, each trade once", async () => {
    h = await startWebhookHarness();
    const applied = collect(h);
    const safety = () => h!.exporter.engine.safety("ft");
    const ok = async (msg: M.RenderedMessage) => (await h!.send(msg, format).expect(200)).body as { accepted: number; duplicates: number };

    await ok(M.ENTRY_FILL_1);
    expect(safety().positions).toMatchObject({ open: 1, max: UNLIMITED_POSITIONS });
    await ok(M.ENTRY_FILL_1_DCA); // a second fill of the same trade is no new position
    expect(safety().positions.open).toBe(1);
    await ok(M.ENTRY_FILL_2);
    expect(safety().positions.open).toBe(2);
    await ok(M.PARTIAL_EXIT_1);
    expect(safety().positions.open).toBe(2);
    expect(applied.filter((e) => e.type === "trade")).toHaveLength(0);

    await ok(M.FINAL_EXIT_1);
    expect(safety().positions.open).toBe(1);
    const again = await ok(M.FINAL_EXIT_1); // Freqtrade's `retries` re-post
    expect(again.duplicates).toBeGreaterThanOrEqual(1);
    expect(safety().positions.open).toBe(1);
    await ok(M.FINAL_EXIT_2);
    expect(safety().positions.open).toBe(0);

    const trades = applied.filter((e) => e.type === "trade");
    expect(trades).toEqual([
      expect.objectContaining({
        id: "1",
        pnl: 14.2586,
        symbol: "BTC/USDT",
        side: "long",
        opened_at: Date.UTC(2026, 0, 1, 9, 15, 27, 123),
        ts: Date.UTC(2026, 0, 1, 13, 30, 5, 500),
      }),
      expect.objectContaining({
        id: "2",
        pnl: -10.3125,
        symbol: "ETH/USDT:USDT",
        side: "short",
        opened_at: Date.UTC(2026, 0, 1, 10),
        ts: Date.UTC(2026, 0, 1, 14),
      }),
    ]);
    const perf = h.exporter.engine.performance("ft");
    expect(perf.trades.total).toBe(2);
    expect(perf.total_pnl).toBeCloseTo(14.2586 - 10.3125, 10);
    // Every accepted message is also a heartbeat: 7 posts (the re-post included).
    expect(applied.filter((e) => e.type === "heartbeat")).toHaveLength(7);
  });

  it("status stopped / process died / running drive the kill switch; startup is a heartbeat", async () => {
    h = await startWebhookHarness();
    const kill = () => h!.exporter.engine.safety("ft").kill_switch;
    await h.send(M.STARTUP, format).expect(200);
    expect(kill().active).toBe(false);
    await h.send(M.STATUS_STOPPED, format).expect(200);
    expect(kill()).toMatchObject({ active: true, reason: "freqtrade status: stopped" });
    await h.send(M.STATUS_RUNNING, format).expect(200);
    expect(kill().active).toBe(false);
    await h.send(M.STATUS_DIED, format).expect(200);
    expect(kill()).toMatchObject({ active: true, reason: "freqtrade status: process died" });
  });

  it("a protection opens the circuit breaker until its lock ends, the later of two locks wins", async () => {
    h = await startWebhookHarness();
    const breaker = () => h!.exporter.engine.safety("ft").circuit_breaker;
    await h.send(M.protection(false, NOW + 400), format).expect(200);
    expect(breaker().open).toBe(true);
    expect(breaker().reason).toContain("BTC/USDT");
    expect(breaker().reason).toContain("Max drawdown 12.5% in 24 candles");
    await h.send(M.protection(true, NOW + 900), format).expect(200);
    expect(breaker().reason).toContain("2 stoplosses in 60 min");
    h.clock.advance(500); // past the first lock's end, not the second's
    await new Promise((r) => setTimeout(r, 700));
    expect(breaker().open).toBe(true);
    h.clock.advance(500);
    await until(() => !breaker().open, "the breaker to close at the last lock end");
    // A lock that already ended opens nothing.
    await h.send(M.protection(true, h.clock.now() - 1), format).expect(200);
    expect(breaker().open).toBe(false);
  });

  it("a warning or exception marks the API degraded for stale_after_seconds", async () => {
    h = await startWebhookHarness({ health: { stale_after_seconds: 1 } });
    const api = () => h!.exporter.engine.safety("ft").api.status;
    await h.send(M.WARNING, format).expect(200);
    expect(api()).toBe("degraded");
    h.clock.advance(1001);
    await until(() => api() === "connected", "the API to recover after stale_after_seconds");
    await h.send(M.EXCEPTION, format).expect(200);
    expect(api()).toBe("degraded");
  });
});

describe("Freqtrade webhook refusals", () => {
  it("401 for a missing or wrong token, 404 for an unknown bot, with nothing applied and the token never logged", async () => {
    h = await startWebhookHarness({
      sources: {
        freqtrade_webhook: [
          { bot: "ft", token: TOKEN },
          { bot: "other", token: "another-token-abcdefghijkl" },
        ],
      },
    });
    const applied = collect(h);
    for (const query of [
      "bot=ft",
      "bot=ft&token=",
      `bot=ft&token=${TOKEN}x`,
      "bot=ft&token=another-token-abcdefghijkl",
      `bot=ft&token=${TOKEN.slice(0, -1)}`,
    ]) {
      const r = await h.send(M.STATUS_RUNNING, "json", query).expect(401);
      expect(r.headers["content-type"]).toMatch(/application\/problem\+json/);
    }
    const unknown = await h.send(M.STATUS_RUNNING, "json", `bot=nobody&token=${TOKEN}`).expect(404);
    expect(unknown.body.detail).toContain("nobody");
    await h.send(M.STATUS_RUNNING, "json", `token=${TOKEN}`).expect(404);
    expect(applied).toHaveLength(0);

    const metrics = await h.metrics();
    expect(sampleValue(metrics, "trading_source_errors_total", { source: "freqtrade_webhook", reason: "unauthorized" })).toBe(5);
    expect(sampleValue(metrics, "trading_source_errors_total", { source: "freqtrade_webhook", reason: "unknown_bot" })).toBe(2);
    // A refused body is logged, but never with the token.
    await h.raw(`bot=ft&token=${TOKEN}`, JSON.stringify({ type: "exit_fill", trade_id: "3" }), "application/json").expect(422);
    expect(h.logs.join("")).toContain("freqtrade webhook message refused");
    expect(h.logs.join("")).not.toContain(TOKEN);
  });

  it("422 names the field for every malformed body; nothing of it is applied", async () => {
    h = await startWebhookHarness();
    const applied = collect(h);
    const cases: Array<[Record<string, string>, string]> = [
      [{ status: "running" }, "type"],
      [{ type: "new_candle" }, "type"],
      [{ ...M.FINAL_EXIT_1, cumulative_profit: "" }, "cumulative_profit"],
      [{ ...M.FINAL_EXIT_1, cumulative_profit: "12,5" }, "cumulative_profit"],
      [{ ...M.FINAL_EXIT_1, is_final_exit: "maybe" }, "is_final_exit"],
      [{ ...M.FINAL_EXIT_1, trade_id: "1.5" }, "trade_id"],
      [{ ...M.FINAL_EXIT_1, close_date: "2026-02-30 10:00:00+00:00" }, "close_date"],
      [{ ...M.FINAL_EXIT_1, direction: "Sideways" }, "direction"],
      // Valid text, but beyond the bounds of §15: a close time an hour ahead of the exporter's clock.
      [{ ...M.FINAL_EXIT_1, close_date: "2026-01-01 19:00:00+00:00" }, "close_date"],
      [{ ...M.FINAL_EXIT_1, cumulative_profit: "1e16" }, "cumulative_profit"],
      [{ ...M.ENTRY_FILL_1, trade_id: "None" }, "trade_id"],
      [{ type: "protection_trigger", pair: "BTC/USDT", reason: "x" }, "lock_end_timestamp"],
    ];
    for (const [body, field] of cases) {
      for (const [raw, type] of [
        [JSON.stringify(body), "application/json"],
        [new URLSearchParams(body).toString(), "application/x-www-form-urlencoded"],
      ] as const) {
        const r = await h.raw(`bot=ft&token=${TOKEN}`, raw, type);
        expect(r.status, `${field} in ${raw}`).toBe(422);
        expect(
          r.body.errors.map((e: { path: string }) => e.path),
          raw,
        ).toContain(field);
        expect(r.body.detail).toContain(field);
      }
    }
    expect((await h.raw(`bot=ft&token=${TOKEN}`, "[1,2]", "application/json")).status).toBe(422);
    expect((await h.raw(`bot=ft&token=${TOKEN}`, "{not json", "application/json")).status).toBe(400);
    expect((await h.raw(`bot=ft&token=${TOKEN}`, "Status: running", "text/plain")).status).toBe(415);
    expect(applied).toHaveLength(0);
    expect(sampleValue(await h.metrics(), "trading_source_errors_total", { source: "freqtrade_webhook", reason: "malformed" })).toBe(
      cases.length * 2,
    );
  });

  it("is the only unsigned write: the token opens no other route, and the HMAC check still guards them", async () => {
    h = await startWebhookHarness();
    const agent = (await import("supertest")).default(h.exporter.app);
    const body = JSON.stringify({ type: "heartbeat", bot: "ft" });
    await agent.post(`/api/v1/events?bot=ft&token=${TOKEN}`).set("Content-Type", "application/json").send(body).expect(401);
    await agent.post(`${PATH}x?bot=ft&token=${TOKEN}`).set("Content-Type", "application/json").send(body).expect(401);
    await h.send(M.STATUS_RUNNING, "json").expect(200);
  });
});

describe("Freqtrade webhook health", () => {
  it("shows the source on /metrics and lets a bot whose webhook stops go stale", async () => {
    h = await startWebhookHarness({ health: { stale_after_seconds: 60 } });
    let metrics = await h.metrics();
    expect(sampleValue(metrics, "trading_source_up", { source: "freqtrade_webhook", bot: "ft" })).toBe(1);
    expect(sampleValue(metrics, "trading_source_last_message_timestamp_seconds", { source: "freqtrade_webhook", bot: "ft" })).toBe(0);
    h.clock.advance(5_000);
    await h.send(M.STATUS_RUNNING, "form").expect(200);
    metrics = await h.metrics();
    expect(sampleValue(metrics, "trading_source_last_message_timestamp_seconds", { source: "freqtrade_webhook", bot: "ft" })).toBe(
      (NOW + 5_000) / 1000,
    );
    expect(sampleValue(metrics, "trading_bot_stale", { bot: "ft" })).toBe(0);
    h.clock.advance(60_000);
    expect(sampleValue(await h.metrics(), "trading_bot_stale", { bot: "ft" })).toBe(1);
  });

  it("keeps `promtool check metrics` clean with the source series present", async (ctx) => {
    const promtool = requireBinary("promtool", "apt-get install prometheus");
    if (!promtool.path) return ctx.skip();
    h = await startWebhookHarness();
    await h.send(M.STATUS_RUNNING, "json").expect(200);
    await h.raw("bot=ft&token=wrong", "{}", "application/json").expect(401);
    const text = await h.metrics();
    expect(text).toMatch(/^trading_source_errors_total\{source="freqtrade_webhook",reason="unauthorized"\} 1$/m);
    expect(execFileSync(promtool.path, ["check", "metrics"], { input: text }).toString()).toBe("");
  });

  it("a restart keeps open trades and ends a protection whose lock ended while stopped", async () => {
    h = await startWebhookHarness();
    const dataDir = h.dataDir;
    await h.send(M.ENTRY_FILL_1, "json").expect(200);
    await h.send(M.ENTRY_FILL_2, "json").expect(200);
    await h.send(M.protection(true, NOW + 60_000), "json").expect(200);
    await h.stop(false);
    h = await startWebhookHarness({}, { dataDir, now: NOW + 120_000 });
    await until(() => !h!.exporter.engine.safety("ft").circuit_breaker.open, "the lock that ended during the stop to close");
    await h.send(M.ENTRY_FILL_1_DCA, "json").expect(200); // already open before the restart
    expect(h.exporter.engine.safety("ft").positions.open).toBe(2);
    await h.send(M.FINAL_EXIT_2, "json").expect(200);
    expect(h.exporter.engine.safety("ft").positions.open).toBe(1);
  });
});
