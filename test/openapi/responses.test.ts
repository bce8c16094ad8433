// The response schemas of the OpenAPI document describe what a real exporter answers: every
// documented JSON answer is parsed with the zod schema the document was generated from.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import * as schemas from "../../src/openapi/response-schemas.js";
import { startHarness, SECRET, type Harness } from "../support/exporter.js";
import { signedHeaders } from "../../src/domain/signature.js";
import request from "supertest";

function check<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body);
  expect(
    parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    JSON.stringify(body).slice(0, 400),
  ).toEqual([]);
  return parsed.data as T;
}

describe("documented answers match real ones", () => {
  let h: Harness;
  const t0 = Date.UTC(2026, 0, 1, 18);
  beforeAll(async () => {
    h = await startHarness({ groups: { fleet: ["alpha", "beta", "later"] } }, { now: t0 });
    const events = [
      { type: "trade", bot: "alpha", id: "1", pnl: 120, symbol: "BTC/USDT", side: "long", ts: t0 - 60_000, opened_at: t0 - 3_600_000 },
      { type: "trade", bot: "alpha", id: "2", pnl: -40, return: -0.004, ts: t0 - 30_000 },
      { type: "equity", bot: "alpha", equity: 10_100, ts: t0 - 20_000 },
      { type: "kill_switch", bot: "beta", active: true, reason: "manual stop" },
      { type: "circuit_breaker", bot: "beta", open: true, reason: "StoplossGuard" },
      { type: "positions", bot: "beta", open: 5, max: 5 },
      { type: "api_status", bot: "beta", status: "degraded", latency_ms: 1500 },
      { type: "heartbeat", bot: "gamma" },
    ];
    const res = await h.post("/api/v1/events", events);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    check(schemas.ingestResultSchema, res.body);
  });
  afterAll(async () => {
    await h.stop();
  });

  it("GET /api/v1/metrics/realtime", async () => {
    const body = check(schemas.realtimeResponseSchema, (await h.get("/api/v1/metrics/realtime")).body);
    expect(body.bots.map((b) => b.bot).sort()).toEqual(["alpha", "beta", "gamma"]);
  });

  it("GET /api/v1/groups/realtime", async () => {
    const body = check(schemas.groupsRealtimeResponseSchema, (await h.get("/api/v1/groups/realtime")).body);
    expect(body.groups.map((g) => g.group)).toEqual(["fleet"]);
  });

  it("GET /api/v1/health/status and /health/safety", async () => {
    const status = check(schemas.healthStatusResponseSchema, (await h.get("/api/v1/health/status")).body);
    expect(status.level).toBe("CRITICAL");
    const safety = check(schemas.safetyResponseSchema, (await h.get("/api/v1/health/safety")).body);
    expect(safety.bots.find((b) => b.bot === "beta")?.api.status).toBe("degraded");
  });

  it("the alert endpoints: history, ack, triggers, trigger change, test", async () => {
    const history = check(schemas.alertHistoryResponseSchema, (await h.get("/api/v1/alerts/history")).body);
    const kill = history.alerts.find((a) => a.trigger === "kill_switch_activation");
    expect(kill, "the kill switch fired an alert").toBeDefined();
    const acked = await h.post(`/api/v1/alerts/${kill!.id}/ack`, { by: "ops" });
    expect(acked.status).toBe(200);
    expect(check(schemas.alertRecordSchema, acked.body).acknowledged_by).toBe("ops");

    check(schemas.triggerTableResponseSchema, (await h.get("/api/v1/alerts/triggers")).body);
    const raw = JSON.stringify({ bot: "alpha", threshold: 0.4, min_trades: 5 });
    const put = await request(h.exporter.app)
      .put("/api/v1/alerts/triggers/low_win_rate")
      .set(signedHeaders(SECRET, "PUT", "/api/v1/alerts/triggers/low_win_rate", raw, h.clock.now()))
      .set("Content-Type", "application/json")
      .send(raw);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    check(schemas.triggerChangeResponseSchema, put.body);

    const test = await h.post("/api/v1/alerts/test", { channel: "slack" });
    expect(test.status).toBe(200);
    check(schemas.alertTestResponseSchema, test.body);

    const digest = await h.post("/api/v1/digests/test", { kind: "weekly", channel: "slack" });
    expect(digest.status).toBe(200);
    check(schemas.alertTestResponseSchema, digest.body);
  });

  it("GET /api/v1/export/trades and /export/equity", async () => {
    const trades = await h.get("/api/v1/export/trades?bot=alpha");
    expect(trades.status).toBe(200);
    const rows = trades.body as unknown[];
    expect(rows).toHaveLength(2);
    for (const row of rows) check(schemas.exportedTradeSchema, row);
    const equity = await h.get("/api/v1/export/equity?bot=alpha");
    expect(equity.status).toBe(200);
    expect(check(schemas.equityCurveResponseSchema, equity.body).points.length).toBeGreaterThan(0);
  });

  it("/healthz, /readyz", async () => {
    check(schemas.livenessResponseSchema, (await h.get("/healthz")).body);
    check(schemas.readinessResponseSchema, (await h.get("/readyz")).body);
  });

  it("problems: 422 with errors, 401, 404", async () => {
    const bad = await h.post("/api/v1/events", [{ type: "trade", id: "x", pnl: "lots" }]);
    expect(bad.status).toBe(422);
    expect(bad.type).toBe("application/problem+json");
    expect(check(schemas.problemSchema, JSON.parse(bad.text)).errors?.[0]).toMatchObject({ index: 0, path: "pnl" });
    const unsigned = await request(h.exporter.app).post("/api/v1/events").set("Content-Type", "application/json").send("{}");
    expect(unsigned.status).toBe(401);
    check(schemas.problemSchema, JSON.parse(unsigned.text));
    const unknown = await h.get("/api/v1/metrics/realtime?bot=nobody");
    expect(unknown.status).toBe(404);
    check(schemas.problemSchema, JSON.parse(unknown.text));
  });
});
