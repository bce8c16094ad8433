import { afterEach, beforeEach, describe, expect, it } from "vitest";
import request from "supertest";
import { signedHeaders } from "../../src/domain/signature.js";
import { startHarness, SECRET, type Harness } from "../support/exporter.js";

const trade = (id: string, pnl: number, bot = "alpha") => ({ type: "trade", bot, id, pnl });

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ max_bots: 2, auth: { hmac_secrets: [SECRET, "second-secret-for-rotation"] } });
});
afterEach(() => h.stop());

/** Asserts that nothing at all was stored or applied. */
function expectNothingApplied(): void {
  expect(h.exporter.engine.bots()).toEqual([]);
  expect(h.exporter.journal.lastSeq()).toBe(0);
}

function expectProblem(res: request.Response, status: number, detail?: RegExp): void {
  expect(res.status).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(res.text);
  expect(body).toMatchObject({ status, title: expect.any(String), type: expect.any(String), detail: expect.any(String) });
  if (detail) expect(body.detail).toMatch(detail);
}

describe("POST /api/v1/events accepts signed events", () => {
  it("accepts one event and applies it", async () => {
    const res = await h.post("/api/v1/events", trade("t1", 25));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
    expect(h.exporter.engine.performance("alpha").total_pnl).toBe(25);
  });

  it("accepts a batch in order and acknowledges duplicates without applying them", async () => {
    const res = await h.post("/api/v1/events", [trade("t1", 10), trade("t2", -4), trade("t1", 10)]);
    expect(res.body).toEqual({ accepted: 2, duplicates: 1 });
    const again = await h.post("/api/v1/events", [trade("t2", -4)]);
    expect(again.body).toEqual({ accepted: 0, duplicates: 1 });
    const perf = h.exporter.engine.performance("alpha");
    expect(perf.total_pnl).toBe(6);
    expect(perf.trades.total).toBe(2);
  });

  it("/api/v1/trades defaults the type to trade", async () => {
    const res = await h.post("/api/v1/trades", { bot: "alpha", id: "x", pnl: 3 });
    expect(res.body).toEqual({ accepted: 1, duplicates: 0 });
  });

  it("accepts a signature made with any configured secret (rotation)", async () => {
    const res = await h.post("/api/v1/events", trade("r1", 1), { secret: "second-secret-for-rotation" });
    expect(res.status).toBe(200);
  });

  it("answers concurrent requests from one group commit, each with its own counts", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => h.post("/api/v1/events", [trade(`c${i}`, 1), trade(`c${i}`, 1)])),
    );
    for (const r of results) expect(r.body).toEqual({ accepted: 1, duplicates: 1 });
    expect(h.exporter.engine.performance("alpha").trades.total).toBe(20);
  });
});

describe("POST /api/v1/events rejects bad requests with problem+json and applies nothing", () => {
  it("401 when unsigned", async () => {
    const res = await request(h.exporter.app)
      .post("/api/v1/events")
      .set("Content-Type", "application/json")
      .send(JSON.stringify(trade("a", 1)));
    expectProblem(res, 401, /X-Timestamp and X-Signature/);
    expectNothingApplied();
  });

  it("401 when the signature is wrong", async () => {
    const res = await h.post("/api/v1/events", trade("a", 1), { secret: "not-the-secret-at-all-000" });
    expectProblem(res, 401, /does not match/);
    expectNothingApplied();
  });

  it("401 when the body was changed after signing", async () => {
    const raw = JSON.stringify(trade("a", 1));
    const headers = signedHeaders(SECRET, "POST", "/api/v1/events", raw, h.clock.now());
    const res = await request(h.exporter.app)
      .post("/api/v1/events")
      .set(headers)
      .set("Content-Type", "application/json")
      .send(raw.replace("1}", "100}"));
    expectProblem(res, 401, /does not match/);
    expectNothingApplied();
  });

  it("401 when the timestamp is older than the allowed clock skew", async () => {
    const raw = JSON.stringify(trade("a", 1));
    const headers = signedHeaders(SECRET, "POST", "/api/v1/events", raw, h.clock.now() - 301_000);
    const res = await request(h.exporter.app).post("/api/v1/events").set(headers).set("Content-Type", "application/json").send(raw);
    expectProblem(res, 401, /clock/);
    expectNothingApplied();
  });

  it("401 when a signature is replayed", async () => {
    const raw = JSON.stringify(trade("a", 1));
    const headers = signedHeaders(SECRET, "POST", "/api/v1/events", raw, h.clock.now());
    const send = () => request(h.exporter.app).post("/api/v1/events").set(headers).set("Content-Type", "application/json").send(raw);
    expect((await send()).status).toBe(200);
    const replay = await send();
    expectProblem(replay, 401, /replay/);
    expect(h.exporter.journal.lastSeq()).toBe(1);
  });

  it("400 on malformed JSON", async () => {
    const res = await h.post("/api/v1/events", undefined, { raw: '{"type":"trade",' });
    expectProblem(res, 400, /not valid JSON/);
    expectNothingApplied();
  });

  it("415 when the content type is not JSON", async () => {
    const res = await h.post("/api/v1/events", trade("a", 1), { contentType: "text/plain" });
    expectProblem(res, 415, /application\/json/);
    expectNothingApplied();
  });

  it("413 when the body is over 5 MiB", async () => {
    const raw = JSON.stringify([{ ...trade("a", 1), symbol: "x".repeat(6 * 1024 * 1024) }]);
    const res = await h.post("/api/v1/events", undefined, { raw });
    expectProblem(res, 413, /exceeds/);
    expectNothingApplied();
  });

  it("422 naming every bad field by index and path; the valid events of the batch are not applied", async () => {
    const res = await h.post("/api/v1/events", [
      trade("ok", 1),
      { type: "trade", bot: "alpha", id: "bad", pnl: "12" },
      { type: "equity", bot: "bad bot!", equity: -5 },
      { type: "teleport", bot: "alpha" },
    ]);
    expectProblem(res, 422);
    const { errors } = JSON.parse(res.text) as { errors: Array<{ index: number; path: string; message: string }> };
    expect(errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, path: "pnl" }),
        expect.objectContaining({ index: 2, path: "bot" }),
        expect.objectContaining({ index: 2, path: "equity" }),
        expect.objectContaining({ index: 3 }),
      ]),
    );
    expect(errors.some((e) => e.index === 0)).toBe(false);
    expectNothingApplied();
  });

  it("422 when a new bot would exceed max_bots; the whole batch is refused", async () => {
    expect((await h.post("/api/v1/events", [trade("1", 1, "a1"), trade("1", 1, "a2")])).status).toBe(200);
    const res = await h.post("/api/v1/events", [trade("2", 1, "a1"), trade("1", 1, "a3")]);
    expectProblem(res, 422, /max_bots/);
    expect(JSON.parse(res.text).errors).toEqual([expect.objectContaining({ index: 1, path: "bot" })]);
    expect(h.exporter.engine.bots()).toEqual(["a1", "a2"]);
    expect(h.exporter.engine.performance("a1").trades.total).toBe(1);
  });

  it("counts rejections by reason in trading_events_rejected_total", async () => {
    await h.post("/api/v1/events", trade("a", 1), { contentType: "text/plain" });
    await h.post("/api/v1/events", undefined, { raw: "{" });
    const metrics = (await h.get("/metrics")).text;
    expect(metrics).toMatch(/^trading_events_rejected_total\{reason="unsupported_media_type"\} 1$/m);
    expect(metrics).toMatch(/^trading_events_rejected_total\{reason="malformed_json"\} 1$/m);
  });
});

describe("read token", () => {
  it("guards GET /api and /metrics but not /healthz", async () => {
    const guarded = await startHarness({ auth: { hmac_secrets: [SECRET], read_token: "read-token-0123456789" } });
    try {
      const app = request(guarded.exporter.app);
      expectProblem(await app.get("/metrics"), 401);
      expectProblem(await app.get("/api/v1/metrics/realtime"), 401);
      expect((await app.get("/metrics").set("Authorization", "Bearer read-token-0123456789")).status).toBe(200);
      expect((await app.get("/healthz")).status).toBe(200);
    } finally {
      await guarded.stop();
    }
  });
});
